// Decodes an image for a viewer: grey or RGB samples kept at 16 bits where the source has more
// than 8 (so window/level can be changed while viewing), downscaled to a displayable size, with
// the default window the engine would use and whether white means low values (MONOCHROME1).
// Sizes are checked against the pixel limit from the header, as for scoring.
import type { Metadata } from 'sharp';
import { readDicomFirstFrame, type Frame } from './dicom/dicom';
import { renderColour } from './dicom/render';
import { ImageError, describeThrown } from './errors';
import { type ImageLimits, maxPixelsOf } from './pixel-limit';
import { explainSharpLimit, limitedSharp, readRasterHeader } from './raster';
import { readImageFile } from './read-image-file';
import { percentileBounds, sampleRange } from './window';

export interface DisplayImage {
  /** Size of `data` (after downscaling). */
  width: number;
  height: number;
  /** Size of the original image: heatmap boxes are in these pixels. */
  sourceWidth: number;
  sourceHeight: number;
  channels: 1 | 3;
  bits: 8 | 16;
  /** Interleaved samples, `width * height * channels`. */
  data: Uint8Array | Uint16Array;
  /** Default window in `data` units: center ± width/2 map to black and white. */
  window: { center: number; width: number };
  /** Low values are shown white (DICOM MONOCHROME1). */
  invert: boolean;
  /** `data` value → source units (DICOM modality units, e.g. HU): `value * scale + offset`. */
  units: { scale: number; offset: number };
  /** 'png', 'jpeg', 'tiff', 'webp', 'dicom'. */
  format: string;
  /** Bits per sample in the source. */
  sourceBits: number;
}

export const DEFAULT_DISPLAY_MAX_SIDE = 1536;

const IDENTITY_UNITS = { scale: 1, offset: 0 };
const FULL_8_BIT_WINDOW = { center: 127.5, width: 255 };

/** @param limits `maxImagePixels` refuses an image from its header (default: DEFAULT_LIMITS). */
export async function decodeForDisplay(
  path: string,
  maxSide = DEFAULT_DISPLAY_MAX_SIDE,
  limits?: ImageLimits,
): Promise<DisplayImage> {
  const { bytes, format } = await readImageFile(path, limits);
  const maxPixels = maxPixelsOf(limits);
  try {
    if (format === 'dicom')
      return dicomForDisplay(await readDicomFirstFrame(path, bytes, { maxImagePixels: maxPixels }), maxSide);
    const meta = await readRasterHeader(path, bytes, format, maxPixels);
    return await rasterForDisplay(bytes, format, maxSide, meta, maxPixels).catch((thrown: unknown) => {
      throw explainSharpLimit(path, thrown, meta, maxPixels);
    });
  } catch (thrown) {
    if (thrown instanceof ImageError) throw thrown;
    throw new ImageError(path, `cannot decode ${format} for display: ${describeThrown(thrown)}`);
  }
}

async function rasterForDisplay(
  bytes: Buffer,
  format: string,
  maxSide: number,
  meta: Metadata,
  maxPixels: number,
): Promise<DisplayImage> {
  const grey = meta.channels !== undefined && meta.channels <= 2 && !meta.isPalette;
  const deep = meta.depth === 'ushort';
  if (meta.depth !== undefined && meta.depth !== 'uchar' && !deep) {
    throw new Error(`unsupported sample format '${meta.depth}' (only 8- and 16-bit integer images are read)`);
  }
  const colourspace = deep ? (grey ? 'grey16' : 'rgb16') : grey ? 'b-w' : 'srgb';
  const { data, info } = await limitedSharp(bytes, maxPixels)
    .autoOrient()
    .removeAlpha()
    .toColourspace(colourspace)
    .raw(deep ? { depth: 'ushort' } : {})
    .toBuffer({ resolveWithObject: true });
  const channels = grey ? 1 : 3;
  if (info.channels !== channels)
    throw new Error(`decoder produced ${info.channels} channels where ${channels} were expected`);
  const base = {
    sourceWidth: info.width,
    sourceHeight: info.height,
    channels,
    invert: false,
    units: IDENTITY_UNITS,
    format,
  } as const;
  // Area averaging in JS rather than sharp's resize: no ringing at hard edges, and the window is
  // taken from the full-resolution samples, as the engine does.
  if (!deep) {
    const small = downscaleArea(
      new Uint8Array(data.buffer, data.byteOffset, data.length),
      info.width,
      info.height,
      channels,
      maxSide,
    );
    return { ...base, ...small, bits: 8, window: FULL_8_BIT_WINDOW, sourceBits: 8 };
  }
  const samples = new Uint16Array(new Uint8Array(data).buffer); // a copy: sharp's buffer may be unaligned
  const window = percentileWindow(samples) ?? { center: 32767.5, width: 65535 };
  return {
    ...base,
    ...downscaleArea(samples, info.width, info.height, channels, maxSide),
    bits: 16,
    window,
    sourceBits: 16,
  };
}

/**
 * Monochrome: modality values (stored * slope + intercept) shifted so the lowest is 0, and
 * compressed into 16 bits only when their span or fractional slope needs it; `units` undoes both.
 * Colour: the engine's 8-bit rendering.
 */
function dicomForDisplay(frame: Frame, maxSide: number): DisplayImage {
  const { attrs, samples } = frame;
  const sourceWidth = attrs.columns;
  const sourceHeight = attrs.rows;
  const base = { sourceWidth, sourceHeight, format: 'dicom', sourceBits: attrs.bitsStored };
  if (attrs.samplesPerPixel === 3) {
    const rgb = renderColour(samples, attrs);
    const small = downscaleArea(
      new Uint8Array(rgb.buffer, rgb.byteOffset, rgb.length),
      sourceWidth,
      sourceHeight,
      3,
      maxSide,
    );
    return { ...base, ...small, channels: 3, bits: 8, window: FULL_8_BIT_WINDOW, invert: false, units: IDENTITY_UNITS };
  }

  const { rescaleSlope: slope, rescaleIntercept: intercept } = attrs;
  const stored = sampleRange(samples);
  const [lo, hi] = [stored.min * slope + intercept, stored.max * slope + intercept].sort((a, b) => a - b) as [
    number,
    number,
  ];
  const integral = Number.isInteger(slope) && Number.isInteger(intercept);
  const scale = integral && hi - lo <= 65535 ? 1 : Math.max(hi - lo, Number.EPSILON) / 65535;
  const units = { scale, offset: lo };
  const toUnits = (modality: number): number => (modality - lo) / scale;

  const full = new Uint16Array(samples.length);
  for (let i = 0; i < samples.length; i++) full[i] = Math.round(toUnits(samples[i]! * slope + intercept));

  let window: DisplayImage['window'];
  if (attrs.window) {
    // The file's own default view (the VOI function's shape is approximated as linear).
    window = { center: toUnits(attrs.window.center), width: attrs.window.width / scale };
  } else {
    window = percentileWindow(full) ?? { center: 32767.5, width: 65535 };
  }
  const small = downscaleArea(full, sourceWidth, sourceHeight, 1, maxSide);
  return { ...base, ...small, channels: 1, bits: 16, window, invert: attrs.photometric === 'MONOCHROME1', units };
}

/** The engine's robust percentile window over 16-bit samples; null for a constant image. */
function percentileWindow(samples: Uint16Array): DisplayImage['window'] | null {
  const bounds = percentileBounds(samples, sampleRange(samples));
  return bounds ? { center: (bounds.lo + bounds.hi) / 2, width: bounds.hi - bounds.lo } : null;
}

/**
 * Shrinks interleaved samples so the longer side is at most `maxSide`, averaging each output
 * pixel's footprint (no aliasing on thin lines such as tubes and wires); returns the input when small enough.
 */
export function downscaleArea<T extends Uint8Array | Uint16Array>(
  data: T,
  width: number,
  height: number,
  channels: number,
  maxSide: number,
): { data: T; width: number; height: number } {
  const factor = Math.max(width, height) / maxSide;
  if (factor <= 1) return { data, width, height };
  const w = Math.max(1, Math.round(width / factor));
  const h = Math.max(1, Math.round(height / factor));
  const xStart = new Int32Array(w + 1);
  for (let x = 0; x <= w; x++) xStart[x] = Math.floor((x * width) / w);
  const out = (data instanceof Uint16Array ? new Uint16Array(w * h * channels) : new Uint8Array(w * h * channels)) as T;
  const sums = new Float64Array(w * channels);
  for (let oy = 0; oy < h; oy++) {
    const y0 = Math.floor((oy * height) / h);
    const y1 = Math.floor(((oy + 1) * height) / h);
    sums.fill(0);
    for (let y = y0; y < y1; y++) {
      const row = y * width * channels;
      for (let ox = 0; ox < w; ox++)
        for (let x = xStart[ox]!; x < xStart[ox + 1]!; x++)
          for (let c = 0; c < channels; c++) sums[ox * channels + c]! += data[row + x * channels + c]!;
    }
    for (let ox = 0; ox < w; ox++) {
      const n = (xStart[ox + 1]! - xStart[ox]!) * (y1 - y0);
      for (let c = 0; c < channels; c++) out[(oy * w + ox) * channels + c] = Math.round(sums[ox * channels + c]! / n);
    }
  }
  return { data: out, width: w, height: h };
}
