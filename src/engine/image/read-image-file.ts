// Reads an image file and tells its format from its content: the first step of both decoders
// (for scoring and for display). Every failure is an ImageError naming the file.
import { readFile } from 'node:fs/promises';
import { describeLeadingBytes, sniffFormat } from './detect';
import { ImageError, describeThrown } from './errors';

export async function readImageFile(path: string): Promise<{ bytes: Buffer; format: NonNullable<ReturnType<typeof sniffFormat>> }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (thrown) {
    throw new ImageError(path, `cannot read file: ${describeThrown(thrown)}`);
  }
  if (bytes.length === 0) throw new ImageError(path, 'empty file (0 bytes)');
  const format = sniffFormat(bytes, path);
  if (!format) throw new ImageError(path, `not a supported image (${describeLeadingBytes(bytes)})`);
  return { bytes, format };
}
