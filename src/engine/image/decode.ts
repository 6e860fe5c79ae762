// Reads any supported image file into an 8-bit DecodedImage; every failure is an ImageError naming the file.
import type { DecodedImage } from '../types';
import { decodeDicom } from './dicom/dicom';
import { ImageError, describeThrown } from './errors';
import type { ImageLimits } from './pixel-limit';
import { decodeRaster, type RasterDecodeOptions } from './raster';
import { readImageFile } from './read-image-file';

/**
 * @param limits `maxImagePixels` refuses an image from its header before any pixel is decoded
 *   (default: DEFAULT_LIMITS; a whole `Limits` object fits).
 * @param options raster decoding as a family's own preprocessing reads files (raster.ts RasterDecodeOptions).
 */
export async function decodeImage(
  path: string,
  limits?: ImageLimits,
  options?: RasterDecodeOptions,
): Promise<DecodedImage> {
  const { bytes, format } = await readImageFile(path, limits);
  try {
    return format === 'dicom'
      ? await decodeDicom(path, bytes, limits)
      : await decodeRaster(path, bytes, format, limits, options);
  } catch (thrown) {
    // Decoders throw ImageError themselves; anything else is a bug or a library surprise, still a per-file skip.
    if (thrown instanceof ImageError) throw thrown;
    throw new ImageError(path, `cannot decode ${format}: ${describeThrown(thrown)}`);
  }
}
