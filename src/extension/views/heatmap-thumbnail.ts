// A small PNG of a sentence heatmap for hovers, encoded in plain JavaScript (pngjs).
// Drawing it over the radiograph would need the engine's image decoders (sharp, DICOM) in the
// extension host; those native addons stay in the scoring worker, and the review panel shows
// the full overlay. The thumbnail shows where in the image the sentence points.
import { PNG } from 'pngjs';
import { colormap } from '../../engine/render/colormap';
import { upsampleGrid, valueRange } from '../../engine/render/grid-sampling';
import type { Heatmap } from '../../engine/scoring/heatmap';

/** Longest side of the thumbnail, in pixels: a hover is small, and data URIs travel in messages. */
export const THUMBNAIL_SIDE = 96;

const cache = new WeakMap<Heatmap, string>();

/** `data:image/png;base64,…` of the heatmap, cached per heatmap object (i.e. per scored sentence). */
export function heatmapDataUri(map: Heatmap): string {
  let uri = cache.get(map);
  if (!uri) {
    uri = `data:image/png;base64,${heatmapPng(map).toString('base64')}`;
    cache.set(map, uri);
  }
  return uri;
}

/** The grid bilinearly upsampled, min–max normalised through the overlay's colour map, aspect of its box. */
export function heatmapPng(map: Heatmap, side = THUMBNAIL_SIDE): Buffer {
  const [x0, y0, x1, y1] = map.box;
  const aspect = Math.abs(x1 - x0) / Math.max(1e-9, Math.abs(y1 - y0)) || 1;
  const width = Math.max(1, Math.round(aspect >= 1 ? side : side * aspect));
  const height = Math.max(1, Math.round(aspect >= 1 ? side / aspect : side));
  const { min, max } = valueRange(map.values);
  const span = max - min || 1;
  const samples = upsampleGrid(map.values, map.rows, map.cols, width, height);
  const png = new PNG({ width, height, colorType: 2 });
  samples.forEach((v, i) => {
    const [r, g, b] = colormap((v - min) / span);
    png.data[i * 4] = r;
    png.data[i * 4 + 1] = g;
    png.data[i * 4 + 2] = b;
    png.data[i * 4 + 3] = 255;
  });
  return PNG.sync.write(png, { colorType: 2 });
}
