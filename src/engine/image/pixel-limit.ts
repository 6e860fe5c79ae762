// The check every decoder makes with the dimensions from a file's header, before it allocates a
// single pixel: a 6 MB file may claim 20,000 × 20,000 pixels, and decoding it first would cost
// gigabytes. A refusal is an ImageError that names the file, its size in pixels, the limit, and
// how to raise it; the caller skips the file and carries on.
import { DEFAULT_LIMITS, type Limits } from '../limits';
import { ImageError } from './errors';

/** The part of the engine's limits the image decoders use. A whole `Limits` object fits. */
export type ImageLimits = Pick<Limits, 'maxImagePixels'>;

/** How a user raises the limit; named in every refusal. */
export const RAISE_PIXEL_LIMIT = 'raise it with --max-image-pixels';

/**
 * Bytes per pixel of one frame's stored samples that the pixel limit admits: one 16-bit grey
 * sample, the deepest a radiograph needs. A colour (three-sample) DICOM frame therefore counts
 * three times, or six times at 16 bits.
 */
export const FRAME_BYTES_PER_PIXEL = 2;

/** The pixel limit of `limits` (the default when absent); a value that is not a whole number ≥ 1 is a programming error. */
export function maxPixelsOf(limits: ImageLimits | undefined): number {
  const max = limits?.maxImagePixels ?? DEFAULT_LIMITS.maxImagePixels;
  if (!Number.isSafeInteger(max) || max < 1) throw new Error(`maxImagePixels must be a whole number ≥ 1, got ${max}`);
  return max;
}

/** "400 MP", "2.5 MP", "0.0102 MP": short, and exact enough to compare an image with the limit. */
export function megapixels(pixels: number): string {
  const mp = pixels / 1e6;
  if (mp >= 100) return `${Math.round(mp)} MP`;
  if (mp >= 1) return `${Number(mp.toFixed(1))} MP`;
  return `${Number(mp.toPrecision(3))} MP`;
}

export function megabytes(bytes: number): string {
  return `${Number((bytes / 1e6).toPrecision(3))} MB`;
}

/** Why a `width` × `height` image is refused: its dimensions and the limit. */
export function pixelLimitProblem(width: number, height: number, maxPixels: number): string {
  return `image is ${width} × ${height} pixels (${megapixels(width * height)}), over the ${megapixels(maxPixels)} limit for one image (${RAISE_PIXEL_LIMIT})`;
}

/** Throws the refusal when `width` × `height` is over the limit. */
export function checkImagePixels(path: string, width: number, height: number, maxPixels: number): void {
  if (width * height > maxPixels) throw new ImageError(path, pixelLimitProblem(width, height, maxPixels));
}

/**
 * Throws the refusal when the pixels, or the bytes of one frame of `samplesPerPixel` samples of
 * `bitsAllocated` bits each, are over what the limit admits (FRAME_BYTES_PER_PIXEL per pixel).
 */
export function checkFrameSize(
  path: string,
  frame: { width: number; height: number; samplesPerPixel: number; bitsAllocated: number },
  maxPixels: number,
): void {
  const { width, height, samplesPerPixel, bitsAllocated } = frame;
  checkImagePixels(path, width, height, maxPixels);
  const bytes = width * height * samplesPerPixel * Math.ceil(bitsAllocated / 8);
  const allowed = maxPixels * FRAME_BYTES_PER_PIXEL;
  if (bytes > allowed) {
    throw new ImageError(
      path,
      `image is ${width} × ${height} pixels × ${samplesPerPixel} samples of ${bitsAllocated} bits (${megabytes(bytes)} a frame), ` +
        `over the ${megabytes(allowed)} that the ${megapixels(maxPixels)} limit for one image allows (${RAISE_PIXEL_LIMIT})`,
    );
  }
}

/** sharp's own refusal (`limitInputPixels`), whatever words surround it. */
export function isSharpPixelLimitError(thrown: unknown): boolean {
  return thrown instanceof Error && /exceeds pixel limit/i.test(thrown.message);
}

/** A typed-array allocation that failed for its size (the image is larger than memory allows even under a raised limit). */
export function isAllocationFailure(thrown: unknown): boolean {
  return (
    thrown instanceof RangeError &&
    /invalid typed array length|array buffer allocation failed|invalid array buffer length|larger than/i.test(
      thrown.message,
    )
  );
}
