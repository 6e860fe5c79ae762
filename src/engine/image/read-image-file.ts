// Reads an image file and tells its format from its content: the first step of both decoders
// (for scoring and for display). Every failure is an ImageError naming the file. The file must be
// a regular file (never a FIFO or device, which would block or never end) and no larger than any
// image the pixel limit admits could need, checked from its size before a byte is read.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { describeLeadingBytes, sniffFormat } from './detect';
import { ImageError, describeThrown } from './errors';
import { type ImageLimits, maxPixelsOf, megabytes, megapixels, RAISE_PIXEL_LIMIT } from './pixel-limit';

/**
 * Bytes per admitted pixel a file may hold: an uncompressed 16-bit RGBA frame (8), so every
 * single-frame image within the pixel limit fits, whatever its encoding.
 */
export const FILE_BYTES_PER_PIXEL = 8;

export async function readImageFile(path: string, limits?: ImageLimits): Promise<{ bytes: Buffer; format: NonNullable<ReturnType<typeof sniffFormat>> }> {
  const bytes = await readImageBytes(path, limits);
  if (bytes.length === 0) throw new ImageError(path, 'empty file (0 bytes)');
  const format = sniffFormat(bytes, path);
  if (!format) throw new ImageError(path, `not a supported image (${describeLeadingBytes(bytes)})`);
  return { bytes, format };
}

/** The file's bytes, refused (ImageError) when it is not a regular file or is larger than the limit allows. */
export async function readImageBytes(path: string, limits?: ImageLimits): Promise<Buffer> {
  const maxPixels = maxPixelsOf(limits);
  const maxBytes = maxPixels * FILE_BYTES_PER_PIXEL;
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (thrown) {
    throw new ImageError(path, `cannot read file: ${describeThrown(thrown)}`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new ImageError(path, 'not a regular file (a pipe, device or socket named like an image)');
    if (info.size > maxBytes) {
      throw new ImageError(path, `file is ${megabytes(info.size)}, more than any image within the ${megapixels(maxPixels)} limit needs (${megabytes(maxBytes)}; ${RAISE_PIXEL_LIMIT})`);
    }
    return await handle.readFile();
  } catch (thrown) {
    if (thrown instanceof ImageError) throw thrown;
    throw new ImageError(path, `cannot read file: ${describeThrown(thrown)}`);
  } finally {
    await handle.close();
  }
}
