// Maps integer samples of any bit depth to 8 bits through an intensity window, via one lookup table
// over the stored-value range (fast for 16-bit images of tens of megapixels).
import type { DecodedImage } from '../types';

export type IntensityWindow = NonNullable<DecodedImage['window']>;

/** Integer samples as decoders produce them. */
export type Samples = Uint8Array | Uint16Array | Int16Array | Int32Array;

/** Robust default: ignores the brightest and darkest 0.5 % (burnt-in labels, collimator edges). */
export const PERCENTILE_LOW = 0.005;
export const PERCENTILE_HIGH = 0.995;

export interface SampleRange {
  min: number;
  max: number;
}

export function sampleRange(samples: Samples): SampleRange {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/**
 * The values at the low and high percentiles (nearest rank), from a histogram over `range`.
 * Returns null when the window would be empty (a constant image, or one dominated by a single value).
 */
export function percentileBounds(
  samples: Samples,
  range: SampleRange,
  low = PERCENTILE_LOW,
  high = PERCENTILE_HIGH,
): { lo: number; hi: number } | null {
  const counts = new Uint32Array(range.max - range.min + 1);
  for (let i = 0; i < samples.length; i++) counts[samples[i]! - range.min]!++;
  const last = samples.length - 1;
  const loRank = Math.floor(low * last);
  const hiRank = Math.ceil(high * last);
  let lo = range.min;
  let hi = range.max;
  let seen = 0;
  let loFound = false;
  for (let v = 0; v < counts.length; v++) {
    seen += counts[v]!;
    if (!loFound && seen > loRank) {
      lo = v + range.min;
      loFound = true;
    }
    if (seen > hiRank) {
      hi = v + range.min;
      break;
    }
  }
  if (hi > lo) return { lo, hi };
  return range.max > range.min ? { lo: range.min, hi: range.max } : null;
}

/** A window from `lo` (→ 0) to `hi` (→ 255), in the units the caller's values are in. */
export function windowFromBounds(lo: number, hi: number, origin: IntensityWindow['origin']): IntensityWindow {
  return { center: (lo + hi) / 2, width: hi - lo, origin };
}

/** DICOM VOI LUT Function (0028,1056); LINEAR is the default. */
export type VoiFunction = 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';

/**
 * Output in 0..255 (unrounded) for value `x`, per DICOM PS3.3 C.11.2.1.2 (LINEAR, LINEAR_EXACT) and
 * C.11.2.1.3.1 (SIGMOID). Percentile and full-range windows use LINEAR_EXACT: center ± width/2 map to 0 and 255.
 */
export function voi(x: number, center: number, width: number, fn: VoiFunction): number {
  switch (fn) {
    case 'LINEAR': {
      // The standard's formula: centre shifted by half a unit, width reduced by one (for integer data).
      const c = center - 0.5;
      const w = width - 1;
      if (x <= c - w / 2) return 0;
      if (x > c + w / 2) return 255;
      return ((x - c) / w + 0.5) * 255;
    }
    case 'LINEAR_EXACT':
      if (x <= center - width / 2) return 0;
      if (x > center + width / 2) return 255;
      return ((x - center) / width + 0.5) * 255;
    case 'SIGMOID':
      return 255 / (1 + Math.exp((-4 * (x - center)) / width));
  }
}

/** Builds `lut[stored - range.min]` = 8-bit output, rounding to nearest. */
export function buildLut(range: SampleRange, map: (stored: number) => number): Uint8Array {
  const lut = new Uint8Array(range.max - range.min + 1);
  for (let i = 0; i < lut.length; i++) lut[i] = Math.min(255, Math.max(0, Math.round(map(i + range.min))));
  return lut;
}

export function applyLut(samples: Samples, range: SampleRange, lut: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = lut[samples[i]! - range.min]!;
  return out;
}

/**
 * 16-bit PNG/TIFF samples to 8 bits with the percentile window (one window for all channels, so colours
 * keep their balance); the whole 0..65535 range when the image is constant.
 */
export function windowUnsigned16(samples: Uint16Array): { data: Buffer; window: IntensityWindow } {
  const range = sampleRange(samples);
  const bounds = percentileBounds(samples, range);
  const window = bounds
    ? windowFromBounds(bounds.lo, bounds.hi, 'percentile')
    : windowFromBounds(0, 65535, 'full-range');
  const lut = buildLut(range, (v) => voi(v, window.center, window.width, 'LINEAR_EXACT'));
  return { data: applyLut(samples, range, lut), window };
}
