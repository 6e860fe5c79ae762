// NumPy's .npy format (version 1.0) for float32 arrays: what `radalign inspect-model` writes so that Python
// (numpy.load) reads the model-input tensors and patch embeddings exactly, without a text round trip.
// Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
import { writeFile } from 'node:fs/promises';

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00]); // \x93NUMPY, version 1.0

/** The bytes of a little-endian float32 .npy holding `data` with `shape` (C order). */
export function float32Npy(data: Float32Array, shape: readonly number[]): Buffer {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length)
    throw new RangeError(`shape [${shape.join(', ')}] holds ${count} values, not ${data.length}`);
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  // Magic + 2-byte length + header + '\n' must be a multiple of 64 bytes, padded with spaces.
  const unpadded = MAGIC.length + 2 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const head = Buffer.alloc(MAGIC.length + 2);
  MAGIC.copy(head);
  head.writeUInt16LE(header.length, MAGIC.length);
  const body = Buffer.alloc(data.length * 4);
  for (let i = 0; i < data.length; i++) body.writeFloatLE(data[i]!, i * 4);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), body]);
}

export async function writeFloat32Npy(path: string, data: Float32Array, shape: readonly number[]): Promise<void> {
  await writeFile(path, float32Npy(data, shape));
}
