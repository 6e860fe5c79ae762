// What a model folder declares, in one shape for both layouts, before any ONNX file is opened.
import type { ImagePreprocessSpec } from '../types';
import type { ModelInfo } from './types';

export interface ModelPlan {
  layout: ModelInfo['layout'];
  id: string;
  name: string;
  /** The folder, absolute. */
  dir: string;
  /** The file blamed when declared settings (embedDim, image size, ...) disagree with the ONNX files. */
  settingsFile: string;
  vision: {
    file: string;
    input: string;
    imageEmbeds: string;
    /** Output of projected patch tokens (b, rows*cols, D), or null when the model has none. */
    patchEmbeds: string | null;
  };
  text: {
    file: string;
    inputIds: string;
    /** Attention-mask input; `optional` ones are fed only when the ONNX session has them. */
    attentionMask: { name: string; optional: boolean } | null;
    textEmbeds: string;
  };
  tokenizer: { file: string; configFile: string | null };
  maxTextLength: number;
  preprocess: ImagePreprocessSpec;
  /** Declared embedding width, or null to take it from the ONNX outputs. */
  embedDim: number | null;
  logitScale: number;
  patchGrid: [number, number] | null;
  /** Every file whose bytes can change the outputs, hashed in this order into ModelInfo.identity. */
  identityFiles: string[];
  /**
   * Hashed into ModelInfo.identity before the files: what radalign derived from them where that derivation
   * is radalign's own (the Optimum layout's preprocessing), so a change in how it reads the same files
   * never reuses embeddings cached under the old reading.
   */
  identityNote?: string;
}
