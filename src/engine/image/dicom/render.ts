// Stored DICOM sample values to 8-bit display values: Modality LUT, then VOI window, then MONOCHROME1 inversion.
import {
  type IntensityWindow,
  applyLut,
  buildLut,
  percentileBounds,
  sampleRange,
  voi,
  windowFromBounds,
} from '../window';
import type { PixelAttributes } from './attributes';

/**
 * Greyscale pipeline (PS3.4 N.2.1): modality value = stored * slope + intercept; VOI from the file's first
 * WindowCenter/Width, else a percentile window over the image; MONOCHROME1 (white = low) is inverted last.
 * The returned window is in modality units.
 */
export function renderMonochrome(
  samples: Int32Array,
  attrs: PixelAttributes,
): { data: Buffer; window: IntensityWindow } {
  const { rescaleSlope: slope, rescaleIntercept: intercept } = attrs;
  const modality = (stored: number): number => stored * slope + intercept;
  const range = sampleRange(samples);

  let window: IntensityWindow;
  let toDisplay: (m: number) => number;
  if (attrs.window) {
    const { center, width, fn } = attrs.window;
    window = { center, width, origin: 'dicom' };
    toDisplay = (m) => voi(m, center, width, fn);
  } else {
    const percentile = percentileBounds(samples, range);
    const bounds = percentile ?? storedTypeRange(attrs);
    // A negative slope reverses the order of values; the window is still low..high in modality units.
    const [lo, hi] = [modality(bounds.lo), modality(bounds.hi)].sort((a, b) => a - b) as [number, number];
    window = windowFromBounds(lo, hi, percentile ? 'percentile' : 'full-range');
    toDisplay = (m) => voi(m, window.center, window.width, 'LINEAR_EXACT');
  }
  const invert = attrs.photometric === 'MONOCHROME1';
  const lut = buildLut(range, (stored) => {
    const y = toDisplay(modality(stored));
    return invert ? 255 - y : y;
  });
  return { data: applyLut(samples, range, lut), window };
}

/** Every value BitsStored can hold: the window for a constant image. */
function storedTypeRange(attrs: PixelAttributes): { lo: number; hi: number } {
  const span = 2 ** attrs.bitsStored;
  return attrs.signed ? { lo: -span / 2, hi: span / 2 - 1 } : { lo: 0, hi: span - 1 };
}

/**
 * Colour pipeline: no VOI for colour (PS3.3 C.11.2); samples deeper than 8 bits keep their top 8;
 * YBR_FULL (uncompressed or RLE) is converted to RGB with the PS3.3 C.7.6.3.1.2 equations.
 */
export function renderColour(samples: Int32Array, attrs: PixelAttributes): Buffer {
  const shift = Math.max(0, attrs.bitsStored - 8);
  const out = Buffer.allocUnsafe(samples.length);
  const clamp = (v: number): number => Math.min(255, Math.max(0, Math.round(v)));
  if (attrs.photometric === 'YBR_FULL') {
    for (let i = 0; i < samples.length; i += 3) {
      const y = samples[i]! >> shift;
      const cb = (samples[i + 1]! >> shift) - 128;
      const cr = (samples[i + 2]! >> shift) - 128;
      out[i] = clamp(y + 1.402 * cr);
      out[i + 1] = clamp(y - 0.344136 * cb - 0.714136 * cr);
      out[i + 2] = clamp(y + 1.772 * cb);
    }
    return out;
  }
  for (let i = 0; i < samples.length; i++) out[i] = clamp(samples[i]! >> shift);
  return out;
}
