// Reads any supported image file into an 8-bit DecodedImage; every failure is an ImageError naming the file.
import { readFile } from 'node:fs/promises';
import type { DecodedImage } from '../types';
import { describeLeadingBytes, sniffFormat } from './detect';
import { decodeDicom } from './dicom/dicom';
import { ImageError, describeThrown } from './errors';
import { decodeRaster } from './raster';

export async function decodeImage(path: string): Promise<DecodedImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (thrown) {
    throw new ImageError(path, `cannot read file: ${describeThrown(thrown)}`);
  }
  if (bytes.length === 0) throw new ImageError(path, 'empty file (0 bytes)');

  const format = sniffFormat(bytes, path);
  if (!format) throw new ImageError(path, `not a supported image (${describeLeadingBytes(bytes)})`);
  try {
    return format === 'dicom' ? await decodeDicom(path, bytes) : await decodeRaster(path, bytes, format);
  } catch (thrown) {
    // Decoders throw ImageError themselves; anything else is a bug or a library surprise, still a per-file skip.
    if (thrown instanceof ImageError) throw thrown;
    throw new ImageError(path, `cannot decode ${format}: ${describeThrown(thrown)}`);
  }
}
