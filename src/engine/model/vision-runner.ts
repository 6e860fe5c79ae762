// Runs the vision ONNX model on one batch of preprocessed CHW tensors.
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import type { ImagePreprocessSpec } from '../types';
import type { ModelPlan } from './model-plan';
import { rows } from './onnx-outputs';
import { batchLimit, inputType, rejectUnfedInputs, requireName } from './onnx-session';
import { ModelError, type ImageEncoding } from './types';

export class VisionRunner {
  /** Most images per run: a fixed batch axis in the graph caps it. */
  readonly maxBatch: number | null;

  constructor(
    private readonly session: InferenceSession,
    private readonly names: ModelPlan['vision'],
    private readonly spec: ImagePreprocessSpec,
    declaredBy: string,
  ) {
    const { file } = names;
    requireName(session, file, 'input', names.input, declaredBy);
    requireName(session, file, 'output', names.imageEmbeds, declaredBy);
    if (names.patchEmbeds) requireName(session, file, 'output', names.patchEmbeds, declaredBy);
    rejectUnfedInputs(session, file, [names.input], declaredBy);
    const type = inputType(session, names.input);
    if (type !== null && type !== 'float32') {
      throw new ModelError(file, `input '${names.input}' is ${type}; radalign feeds float32 pixels`);
    }
    this.maxBatch = batchLimit(session, file, names.input);
  }

  get file(): string {
    return this.names.file;
  }

  /** Values in one input tensor: channels × size × size. */
  get tensorLength(): number {
    return this.spec.channels * this.spec.size * this.spec.size;
  }

  async run(tensors: Float32Array[]): Promise<ImageEncoding[]> {
    const n = tensors.length;
    const data = new Float32Array(n * this.tensorLength);
    tensors.forEach((t, i) => data.set(t, i * this.tensorLength));
    const { channels, size } = this.spec;
    const feeds = { [this.names.input]: new Tensor('float32', data, [n, channels, size, size]) };
    const fetches = [this.names.imageEmbeds, ...(this.names.patchEmbeds ? [this.names.patchEmbeds] : [])];
    const out = await this.session.run(feeds, fetches);

    const embeds = rows(out[this.names.imageEmbeds], this.names.imageEmbeds, this.file, n, 2);
    const patches = this.names.patchEmbeds
      ? rows(out[this.names.patchEmbeds], this.names.patchEmbeds, this.file, n, 3)
      : null;
    return embeds.map((embed, i) => (patches ? { embed, patches: patches[i] } : { embed }));
  }
}
