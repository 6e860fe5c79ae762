// PNG, JPEG, TIFF and WebP through sharp: EXIF orientation applied, alpha dropped, 16-bit windowed to 8.
// The size is checked from the header (sharp's metadata() reads only that) before anything is decoded.
import sharp, { type Metadata, type Sharp } from 'sharp';
import type { DecodedImage, ImagePreprocessSpec } from '../types';
import { ImageError, describeThrown } from './errors';
import {
  type ImageLimits,
  checkImagePixels,
  maxPixelsOf,
  pixelLimitProblem,
  isSharpPixelLimitError,
} from './pixel-limit';
import { highByte, minMax16 } from './samples16';
import { windowUnsigned16 } from './window';

export type RasterFormat = 'png' | 'jpeg' | 'tiff' | 'webp';

/**
 * The header of an image sharp reads, refused when over the pixel limit. sharp's own default limit
 * (~268 MP) is lifted for this read only: ours, from `limits`, decides, with a message that says how to raise it.
 */
export async function readRasterHeader(
  path: string,
  bytes: Buffer,
  format: string,
  maxPixels: number,
): Promise<Metadata> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (thrown) {
    throw new ImageError(path, `cannot decode ${format}: ${describeThrown(thrown)}`);
  }
  if (meta.width === undefined || meta.height === undefined)
    throw new ImageError(path, `${format} header gives no width or height`);
  checkImagePixels(path, meta.width, meta.height, maxPixels);
  return meta;
}

/** A decoding pipeline that sharp itself refuses past the limit (a second line behind readRasterHeader). */
export function limitedSharp(bytes: Buffer, maxPixels: number, ignoreIcc = false): Sharp {
  return sharp(bytes, { limitInputPixels: maxPixels, ...(ignoreIcc ? { ignoreIcc: true } : {}) });
}

/** sharp's pixel-limit error as our refusal (dimensions from the header); anything else unchanged. */
export function explainSharpLimit(path: string, thrown: unknown, meta: Metadata, maxPixels: number): unknown {
  if (!isSharpPixelLimitError(thrown)) return thrown;
  return new ImageError(path, pixelLimitProblem(meta.width ?? 0, meta.height ?? 0, maxPixels));
}

export async function decodeRaster(
  path: string,
  bytes: Buffer,
  format: RasterFormat,
  limits?: ImageLimits,
  options: RasterDecodeOptions = {},
): Promise<DecodedImage> {
  const maxPixels = maxPixelsOf(limits);
  const meta = await readRasterHeader(path, bytes, format, maxPixels);
  return decodeRasterWithHeader(path, bytes, format, meta, maxPixels, options);
}

export interface RasterDecodeOptions {
  /**
   * Read the file as the model family of this spec (one with family steps, exact-steps.ts) reads it: the stored
   * samples (Pillow, OpenCV and skimage do not apply an embedded ICC profile), 16-bit samples their way
   * (samples16.ts: a grey image stretched over its 16-bit range for hi-ml's min-max, else the high byte, as
   * Pillow reads 16-bit colour), and the dropped alpha channel's range when min-max takes it in.
   */
  familyOf?: ImagePreprocessSpec;
}

/** decodeRaster with the header already read (and admitted) by readRasterHeader. */
export async function decodeRasterWithHeader(
  path: string,
  bytes: Buffer,
  format: RasterFormat,
  meta: Metadata,
  maxPixels: number,
  options: RasterDecodeOptions = {},
): Promise<DecodedImage> {
  try {
    // Grey sources stay one channel; palette and CMYK images count as colour.
    const grey = meta.channels !== undefined && meta.channels <= 2 && !meta.isPalette;
    const channels = grey ? 1 : 3;
    const family = options.familyOf;
    const ignoreIcc = family !== undefined;
    const alphaRange = family?.intensity === 'min-max' && meta.hasAlpha === true;
    const pipeline = limitedSharp(bytes, maxPixels, ignoreIcc).autoOrient().removeAlpha();

    if (meta.depth === 'ushort') {
      const { data, info } = await pipeline
        .toColourspace(grey ? 'grey16' : 'rgb16')
        .raw({ depth: 'ushort' })
        .toBuffer({ resolveWithObject: true });
      checkChannels(path, info.channels, channels);
      const samples = asUint16(data);
      let windowed: Pick<DecodedImage, 'data' | 'window' | 'alphaRange'>;
      const alpha16 = alphaRange ? await alphaBand(bytes, maxPixels, ignoreIcc) : undefined;
      if (family && grey && family.intensity === 'min-max') {
        windowed = minMax16(samples, alpha16);
      } else if (family) {
        windowed = highByte(samples);
        if (alpha16) windowed.alphaRange = [alpha16[0] >> 8, alpha16[1] >> 8];
      } else {
        windowed = windowUnsigned16(samples);
      }
      return {
        ...windowed,
        width: info.width,
        height: info.height,
        channels,
        format,
        sourceBits: 16,
        ...(await storedMode(bytes, meta, maxPixels, family)),
      };
    }
    if (meta.depth !== undefined && meta.depth !== 'uchar') {
      throw new ImageError(
        path,
        `unsupported ${format} sample format '${meta.depth}' (only 8- and 16-bit integer images are read)`,
      );
    }
    const { data, info } = await pipeline
      .toColourspace(grey ? 'b-w' : 'srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    checkChannels(path, info.channels, channels);
    const decoded: DecodedImage = { data, width: info.width, height: info.height, channels, format, sourceBits: 8 };
    // A second decode, only for `intensity: 'min-max'` on images with alpha.
    if (alphaRange) decoded.alphaRange = await alphaBand(bytes, maxPixels, ignoreIcc);
    return { ...decoded, ...(await storedMode(bytes, meta, maxPixels, family)) };
  } catch (thrown) {
    const explained = explainSharpLimit(path, thrown, meta, maxPixels);
    if (explained instanceof ImageError) throw explained;
    throw new ImageError(path, `cannot decode ${format}: ${describeThrown(thrown)}`);
  }
}

/**
 * What a spec with `resizeBeforeConvert` needs of the stored image: whether it is a palette image, and its
 * alpha channel (8 bits: a 16-bit alpha as Pillow reads it, its high byte), which decoding dropped.
 */
async function storedMode(
  bytes: Buffer,
  meta: Metadata,
  maxPixels: number,
  family: ImagePreprocessSpec | undefined,
): Promise<Pick<DecodedImage, 'alpha' | 'palette'>> {
  if (!family?.resizeBeforeConvert) return {};
  if (meta.isPalette) return { palette: true };
  if (!meta.hasAlpha) return {};
  const sixteen = meta.depth === 'ushort';
  const band = limitedSharp(bytes, maxPixels, true).autoOrient().extractChannel('alpha');
  // A 16-bit band must be told it is grey16, or sharp scales it to 8-bit values first.
  const raw = await (sixteen ? band.toColourspace('grey16').raw({ depth: 'ushort' }) : band.raw()).toBuffer();
  if (!sixteen) return { alpha: raw };
  const samples = asUint16(raw);
  const alpha = Buffer.alloc(samples.length);
  for (let i = 0; i < samples.length; i++) alpha[i] = samples[i]! >> 8;
  return { alpha };
}

/** Smallest and largest value of the image's alpha band (sharp's statistics, in the file's sample units). */
async function alphaBand(bytes: Buffer, maxPixels: number, ignoreIcc: boolean): Promise<[number, number]> {
  const stats = await limitedSharp(bytes, maxPixels, ignoreIcc).stats();
  const alpha = stats.channels[stats.channels.length - 1]!;
  return [alpha.min, alpha.max];
}

function checkChannels(path: string, got: number, expected: number): void {
  if (got !== expected) throw new ImageError(path, `decoder produced ${got} channels where ${expected} were expected`);
}

/** A 16-bit view of sharp's output, copied when the buffer is not 2-byte aligned. */
function asUint16(data: Buffer): Uint16Array {
  if (data.byteOffset % 2 === 0) return new Uint16Array(data.buffer, data.byteOffset, data.length / 2);
  const copy = new Uint8Array(data);
  return new Uint16Array(copy.buffer);
}
