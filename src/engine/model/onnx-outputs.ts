// Turns a batched ONNX output into one Float32Array per batch item, checking its shape on the way.
import type { Tensor } from 'onnxruntime-node';
import { ModelError } from './types';

/** Splits a float32 output of rank `rank` and batch `n` into one copy per batch item. */
export function rows(value: unknown, name: string, file: string, n: number, rank: number): Float32Array[] {
  const t = value as Tensor | undefined;
  if (!t || t.type !== 'float32')
    throw new ModelError(file, `output '${name}' is ${t?.type ?? 'absent'}; radalign needs float32`);
  if (t.dims.length !== rank || t.dims[0] !== n) {
    const want = rank === 2 ? '[batch, embedDim]' : '[batch, patches, embedDim]';
    throw new ModelError(
      file,
      `output '${name}' has shape [${t.dims.join(', ')}] for a batch of ${n}; expected ${want}`,
    );
  }
  const data = t.data as Float32Array;
  const per = data.length / n;
  return Array.from({ length: n }, (_, i) => data.slice(i * per, (i + 1) * per));
}
