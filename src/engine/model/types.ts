// The contract between a loaded CLIP model and the rest of the engine.
import type { DeviceUse } from './execution-providers';
import type { ImagePreprocessSpec } from '../types';

export interface ModelInfo {
  /** Stable id for results and cache keys: manifest `id`, or the folder name for the Optimum layout. */
  id: string;
  name: string;
  /** Folder the model was loaded from, absolute. */
  dir: string;
  /** 'radalign' (model.json) or 'optimum' (Transformers.js/Optimum CLIP layout). */
  layout: 'radalign' | 'optimum';
  /** sha256 over model.json/configs, tokenizer.json and ONNX bytes: changes whenever outputs could. */
  identity: string;
  embedDim: number;
  /** Rows and columns of the projected patch grid, or null when the vision model has no patch output. */
  patchGrid: [number, number] | null;
  /** 'patch' when patch embeddings exist; otherwise heatmaps come from occlusion. */
  heatmapKind: 'patch' | 'occlusion';
  maxTextLength: number;
  logitScale: number;
  preprocess: ImagePreprocessSpec;
  /** Which execution provider runs the model, and why it is not the one asked for (absent for models made in tests). */
  device?: DeviceUse;
}

export interface ImageEncoding {
  /** Global image embedding, `embedDim` floats (not normalised). */
  embed: Float32Array;
  /** Projected patch embeddings, row-major `rows * cols * embedDim` floats, when the model has them. */
  patches?: Float32Array;
}

export interface ClipModel {
  readonly info: ModelInfo;
  /** Encodes preprocessed CHW tensors (see ImagePreprocessSpec), batched internally. */
  encodeImages(tensors: Float32Array[]): Promise<ImageEncoding[]>;
  /** Encodes texts (tokenised with the model's tokenizer.json, truncated to maxTextLength), batched internally. */
  encodeTexts(texts: string[]): Promise<Float32Array[]>;
  /** Number of tokens the model's tokenizer produces for `text`, special tokens included. */
  countTokens(text: string): number;
  dispose(): Promise<void>;
}

export interface LoadModelOptions {
  /** Images or texts per ONNX run. */
  batchSize?: number;
  /** onnxruntime intra-op threads; 0 lets onnxruntime choose. */
  threads?: number;
  /** Where inference runs: 'auto' (the first available accelerator, else CPU) or one execution provider; default 'cpu'. */
  device?: DeviceChoice;
}

/** `--device` / `radalign.device`: onnxruntime execution providers to try, CPU always last. */
export type DeviceChoice = 'auto' | 'cpu' | 'cuda' | 'dml' | 'coreml';

/** A model folder that cannot be used: names the file and what is wrong with it. */
export class ModelError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'ModelError';
  }
}
