// Turns a sentence heatmap (a small grid placed over the image) into overlay pixels: bilinear
// upsampling with cells centred in their box, min–max normalisation, colour map, and an opacity
// that grows with the value so low-evidence areas leave the radiograph visible (as the CLI's PNGs).
import { clamp, type Range } from '../../src/engine/render/grid-sampling';
import type { HeatmapView } from '../../src/protocol/review-panel-protocol';

export { upsampleGrid, valueRange, type Range } from '../../src/engine/render/grid-sampling';

/** Raster size for the upsampled grid: enough pixels per cell for smooth gradients, capped. */
export function overlaySize(
  map: Pick<HeatmapView, 'rows' | 'cols'>,
  perCell = 16,
  cap = 512,
): { width: number; height: number } {
  return { width: Math.min(cap, map.cols * perCell), height: Math.min(cap, map.rows * perCell) };
}

/** RGBA pixels: colour from `lut` (256×RGB) for the normalised value, alpha `opacity * (0.25 + 0.75 t)`. */
export function overlayRgba(samples: Float32Array, range: Range, lut: Uint8Array, opacity: number): Uint8ClampedArray {
  const span = range.max - range.min || 1;
  const out = new Uint8ClampedArray(samples.length * 4);
  for (let i = 0; i < samples.length; i++) {
    const t = clamp((samples[i]! - range.min) / span, 0, 1);
    const k = Math.round(t * 255) * 3;
    out[i * 4] = lut[k]!;
    out[i * 4 + 1] = lut[k + 1]!;
    out[i * 4 + 2] = lut[k + 2]!;
    out[i * 4 + 3] = Math.round(255 * opacity * (0.25 + 0.75 * t));
  }
  return out;
}

/** Where the overlay raster goes, in image pixels, and the part of it that lies on the image (the box may overhang a letterboxed input). */
export function overlayPlacement(
  box: readonly [number, number, number, number],
  imageWidth: number,
  imageHeight: number,
) {
  const [x0, y0, x1, y1] = box;
  const dest = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  const clip = {
    x: Math.max(0, x0),
    y: Math.max(0, y0),
    width: Math.min(imageWidth, x1) - Math.max(0, x0),
    height: Math.min(imageHeight, y1) - Math.max(0, y0),
  };
  return { dest, clip };
}

/** The grid value under an image pixel (for the hover readout), or undefined outside the box. */
export function valueAt(
  map: Pick<HeatmapView, 'rows' | 'cols' | 'values' | 'box'>,
  x: number,
  y: number,
): number | undefined {
  const [x0, y0, x1, y1] = map.box;
  if (x < x0 || x >= x1 || y < y0 || y >= y1) return undefined;
  const col = Math.min(map.cols - 1, Math.floor(((x - x0) / (x1 - x0)) * map.cols));
  const row = Math.min(map.rows - 1, Math.floor(((y - y0) / (y1 - y0)) * map.rows));
  return map.values[row * map.cols + col];
}
