// Draws a heatmap grid over its image and writes a PNG (for `radalign score --heatmaps`).
import sharp from 'sharp';
import type { Heatmap } from '../scoring/heatmap';
import type { DecodedImage } from '../types';
import { colormap } from './colormap';
import { bilinearAt, clamp, valueRange } from './grid-sampling';

export interface OverlayOptions {
  /** Longest side of the written PNG, in pixels. */
  maxSide?: number;
  /** Peak overlay opacity. */
  opacity?: number;
}

/**
 * Bilinearly samples the grid at every output pixel (cells centred in their box), maps the
 * min–max-normalised value through the colour map, and blends with an opacity that grows with the
 * value so that low-evidence areas leave the radiograph visible.
 */
export async function writeHeatmapOverlay(
  image: DecodedImage,
  map: Heatmap,
  outPath: string,
  options: OverlayOptions = {},
): Promise<void> {
  const maxSide = options.maxSide ?? 768;
  const opacity = options.opacity ?? 0.6;
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
  const w = Math.max(1, Math.round(image.width * scale));
  const h = Math.max(1, Math.round(image.height * scale));
  const base = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: image.channels },
    limitInputPixels: false,
  }) // already decoded under the engine's pixel limit
    .resize(w, h, { fit: 'fill' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const rgb = base.data;
  const ch = base.info.channels;

  const { min: lo, max: hi } = valueRange(map.values);
  const span = hi - lo || 1;
  const [bx0, by0, bx1, by1] = map.box;
  const out = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    const gy = clamp(((y + 0.5) / scale - by0) / ((by1 - by0) / map.rows) - 0.5, 0, map.rows - 1);
    for (let x = 0; x < w; x++) {
      const gx = clamp(((x + 0.5) / scale - bx0) / ((bx1 - bx0) / map.cols) - 0.5, 0, map.cols - 1);
      const t = (bilinearAt(map.values, map.rows, map.cols, gx, gy) - lo) / span;
      const [r, g, b] = colormap(t);
      const a = opacity * (0.25 + 0.75 * t);
      const i = (y * w + x) * ch;
      const o = (y * w + x) * 3;
      out[o] = rgb[i] * (1 - a) + r * a;
      out[o + 1] = rgb[i + 1] * (1 - a) + g * a;
      out[o + 2] = rgb[i + 2] * (1 - a) + b * a;
    }
  }
  await sharp(out, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toFile(outPath);
}
