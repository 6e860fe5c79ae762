// Window/level for host-decoded pixels (16-bit PNG/TIFF, DICOM): a lookup table from sample value
// to grey, rebuilt when the window changes, and the mouse-drag mapping that changes it.

export interface IntensityWindow {
  center: number;
  width: number;
}

/**
 * `lut[v]` for v in 0..maxValue: 0 at or below center − width/2, 255 above center + width/2,
 * linear between (DICOM LINEAR_EXACT); `invert` shows low values white (MONOCHROME1).
 */
export function windowLut(window: IntensityWindow, maxValue: number, invert: boolean): Uint8Array {
  const lut = new Uint8Array(maxValue + 1);
  const width = Math.max(window.width, 1e-6);
  const lo = window.center - width / 2;
  for (let v = 0; v <= maxValue; v++) {
    const t = v <= lo ? 0 : v > lo + width ? 1 : (v - lo) / width;
    const g = Math.round(t * 255);
    lut[v] = invert ? 255 - g : g;
  }
  return lut;
}

/** Grey or RGB samples through the LUT into RGBA pixels for an ImageData. */
export function samplesToRgba(samples: Uint8Array | Uint16Array, channels: 1 | 3, lut: Uint8Array): Uint8ClampedArray {
  const n = samples.length / channels;
  const out = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    if (channels === 1) {
      const g = lut[samples[i]!]!;
      out[i * 4] = g;
      out[i * 4 + 1] = g;
      out[i * 4 + 2] = g;
    } else {
      out[i * 4] = lut[samples[i * 3]!]!;
      out[i * 4 + 1] = lut[samples[i * 3 + 1]!]!;
      out[i * 4 + 2] = lut[samples[i * 3 + 2]!]!;
    }
    out[i * 4 + 3] = 255;
  }
  return out;
}

/**
 * Dragging changes the window as in most radiology viewers: right widens it (less contrast),
 * down lowers the centre (brighter). `sensitivity`: window units per screen pixel.
 */
export function dragWindow(
  start: IntensityWindow,
  dx: number,
  dy: number,
  sensitivity: number,
  maxValue: number,
): IntensityWindow {
  return {
    center: clamp(start.center - dy * sensitivity, -maxValue, 2 * maxValue),
    width: clamp(start.width + dx * sensitivity, 1, 2 * maxValue),
  };
}

/** Samples as the typed array their bit depth says; copies when the bytes are not 2-aligned. */
export function samplesFromBytes(bytes: Uint8Array, bits: 8 | 16): Uint8Array | Uint16Array {
  if (bits === 8) return bytes;
  if (bytes.byteOffset % 2 === 0) return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
  return new Uint16Array(bytes.slice().buffer);
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
