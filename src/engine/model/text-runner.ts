// Runs the text ONNX model on one batch of token-id lists, padded to the batch's longest.
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import type { ModelPlan } from './model-plan';
import { rows } from './onnx-outputs';
import { batchLimit, inputType, rejectUnfedInputs, requireName } from './onnx-session';
import { ModelError } from './types';

export class TextRunner {
  readonly maxBatch: number | null;
  /** The mask input actually fed: null when the plan has none, or an optional one the graph lacks. */
  private readonly maskInput: string | null;
  private readonly intType: 'int64' | 'int32';

  constructor(
    private readonly session: InferenceSession,
    private readonly names: ModelPlan['text'],
    private readonly padId: number,
    declaredBy: string,
  ) {
    const { file } = names;
    requireName(session, file, 'input', names.inputIds, declaredBy);
    const mask = names.attentionMask;
    if (mask && !mask.optional) requireName(session, file, 'input', mask.name, declaredBy);
    this.maskInput = mask && session.inputNames.includes(mask.name) ? mask.name : null;
    requireName(session, file, 'output', names.textEmbeds, declaredBy);
    rejectUnfedInputs(session, file, [names.inputIds, ...(this.maskInput ? [this.maskInput] : [])], declaredBy);
    this.intType = pickIntType(session, file, [names.inputIds, ...(this.maskInput ? [this.maskInput] : [])]);
    this.maxBatch = batchLimit(session, file, names.inputIds);
  }

  get file(): string {
    return this.names.file;
  }

  async run(idLists: number[][]): Promise<Float32Array[]> {
    const n = idLists.length;
    const len = Math.max(...idLists.map((ids) => ids.length));
    const ids = new Array<number>(n * len).fill(this.padId);
    const mask = new Array<number>(n * len).fill(0);
    idLists.forEach((list, i) =>
      list.forEach((id, j) => {
        ids[i * len + j] = id;
        mask[i * len + j] = 1;
      }),
    );
    const feeds: Record<string, Tensor> = { [this.names.inputIds]: this.tensor(ids, [n, len]) };
    if (this.maskInput) feeds[this.maskInput] = this.tensor(mask, [n, len]);
    const out = await this.session.run(feeds, [this.names.textEmbeds]);
    return rows(out[this.names.textEmbeds], this.names.textEmbeds, this.file, n, 2);
  }

  private tensor(values: number[], dims: number[]): Tensor {
    return this.intType === 'int64'
      ? new Tensor(
          'int64',
          BigInt64Array.from(values, (v) => BigInt(v)),
          dims,
        )
      : new Tensor('int32', Int32Array.from(values), dims);
  }
}

function pickIntType(session: InferenceSession, file: string, inputs: string[]): 'int64' | 'int32' {
  const types = new Set(inputs.map((name) => inputType(session, name) ?? 'int64'));
  if (types.size === 1 && (types.has('int64') || types.has('int32'))) return [...types][0] as 'int64' | 'int32';
  throw new ModelError(
    file,
    `text inputs ${inputs.join(', ')} are ${[...types].join('/')}; radalign feeds int64 (or int32) ids`,
  );
}
