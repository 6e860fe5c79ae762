// Reads an image file and tells its format from its content: the first step of both decoders
// (for scoring and for display). Every failure is an ImageError naming the file. The file must be
// a regular file (never a FIFO or device, which would block or never end) and no larger than any
// image the pixel limit admits could need, checked from its size before a byte is read.
import { type BigIntStats, type Stats, constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { type SourceFormat, describeLeadingBytes, sniffFormat } from './detect';
import { ImageError, describeThrown } from './errors';
import { type ImageLimits, maxPixelsOf, megabytes, megapixels, RAISE_PIXEL_LIMIT } from './pixel-limit';

/**
 * Bytes per admitted pixel a file may hold: an uncompressed 16-bit RGBA frame (8), so every
 * single-frame image within the pixel limit fits, whatever its encoding.
 */
export const FILE_BYTES_PER_PIXEL = 8;

export async function readImageFile(
  path: string,
  limits?: ImageLimits,
): Promise<{ bytes: Buffer; format: SourceFormat }> {
  const bytes = await readImageBytes(path, limits);
  return { bytes, format: imageFormatOf(path, bytes) };
}

/** The format of a file's bytes, refused (ImageError) when empty or none we read. */
export function imageFormatOf(path: string, bytes: Buffer): SourceFormat {
  if (bytes.length === 0) throw new ImageError(path, 'empty file (0 bytes)');
  const format = sniffFormat(bytes, path);
  if (!format) throw new ImageError(path, `not a supported image (${describeLeadingBytes(bytes)})`);
  return format;
}

/** The file's bytes, refused (ImageError) when it is not a regular file or is larger than the limit allows. */
export async function readImageBytes(path: string, limits?: ImageLimits): Promise<Buffer> {
  return (await readImageBytesWithStat(path, limits)).bytes;
}

/** What readImageBytesWithStat read, with the file's status as it was opened (to recognise the file later unread). */
export interface StampedBytes {
  bytes: Buffer;
  /** fstat of the open file, taken before its bytes were read. */
  stat: BigIntStats;
  /** Wall-clock time (ms) just before that fstat: a file modified after it may still show the same times. */
  statTakenMs: number;
}

/** readImageBytes, also returning the open file's status (nanosecond times) taken before reading. */
export async function readImageBytesWithStat(path: string, limits?: ImageLimits): Promise<StampedBytes> {
  const maxPixels = maxPixelsOf(limits);
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (thrown) {
    throw new ImageError(path, `cannot read file: ${describeThrown(thrown)}`);
  }
  try {
    const statTakenMs = Date.now();
    const stat = await handle.stat({ bigint: true });
    checkImageFileStat(path, stat, maxPixels);
    return { bytes: await handle.readFile(), stat, statTakenMs };
  } catch (thrown) {
    if (thrown instanceof ImageError) throw thrown;
    throw new ImageError(path, `cannot read file: ${describeThrown(thrown)}`);
  } finally {
    await handle.close();
  }
}

/**
 * The checks made from a file's status before any byte is read: a regular file, no larger than
 * FILE_BYTES_PER_PIXEL per admitted pixel. Shared by the read above and by the recognition of an
 * unchanged file from its status alone (which never opens it).
 */
export function checkImageFileStat(path: string, stat: Stats | BigIntStats, maxPixels: number): void {
  const maxBytes = maxPixels * FILE_BYTES_PER_PIXEL;
  if (!stat.isFile()) throw new ImageError(path, 'not a regular file (a pipe, device or socket named like an image)');
  const size = Number(stat.size);
  if (size > maxBytes) {
    throw new ImageError(
      path,
      `file is ${megabytes(size)}, more than any image within the ${megapixels(maxPixels)} limit needs (${megabytes(maxBytes)}; ${RAISE_PIXEL_LIMIT})`,
    );
  }
}
