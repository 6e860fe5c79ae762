// Colour maps as 256-entry lookup tables for the heatmap overlay and its colour bar. turbo and hot
// are the engine's (the CLI's heatmap PNGs look the same); grey is for colour-blind-safe reading.
import { colormap } from '../../src/engine/render/colormap';
import type { ColormapName } from '../../src/protocol/panel-persisted-state';

const cache = new Map<ColormapName, Uint8Array>();

/** `lut[3*i .. 3*i+2]` = RGB for t = i/255. */
export function colormapLut(name: ColormapName): Uint8Array {
  const hit = cache.get(name);
  if (hit) return hit;
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const rgb = name === 'grey' ? [i, i, i] : colormap(i / 255, name);
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round(rgb[c]!);
  }
  cache.set(name, lut);
  return lut;
}

/** A CSS linear-gradient through the map (for the colour bar), left = low. */
export function colormapGradient(name: ColormapName, stops = 9): string {
  const lut = colormapLut(name);
  const parts: string[] = [];
  for (let s = 0; s < stops; s++) {
    const i = Math.round((s / (stops - 1)) * 255);
    parts.push(`rgb(${lut[i * 3]}, ${lut[i * 3 + 1]}, ${lut[i * 3 + 2]}) ${Math.round((s / (stops - 1)) * 100)}%`);
  }
  return `linear-gradient(to right, ${parts.join(', ')})`;
}
