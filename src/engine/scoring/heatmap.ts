// Per-sentence heatmaps over an image, as small grids placed in original image coordinates.
// The heavy lifting (drawing, upsampling, colour maps) happens where the map is shown.
import type { InputToImageTransform } from '../types';
import { dot } from './vectors';

/** A sentence's map over one image; its shape is part of the results contract (results-schema.ts). */
export type { Heatmap } from '../results-schema';

/**
 * Cosine of the unit sentence embedding with each of `rows*cols` unit patch embeddings (row-major,
 * `dim` each; normalised once per image by the caller, not once per sentence).
 */
export function patchSimilarity(
  sentence: Float32Array,
  unitPatches: Float32Array,
  rows: number,
  cols: number,
): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let c = 0; c < rows * cols; c++) out[c] = dot(sentence, unitPatches, c * sentence.length);
  return out;
}

/**
 * Drop of the sentence–image cosine when each cell is occluded: `unitOccluded` holds one unit
 * image embedding per cell, `unitImage` the unit embedding of the whole image. Positive values
 * mark regions that support the sentence.
 */
export function occlusionDrop(
  sentence: Float32Array,
  unitImage: Float32Array,
  unitOccluded: Float32Array,
  cells: number,
): Float32Array {
  const full = dot(sentence, unitImage);
  const out = new Float32Array(cells);
  for (let c = 0; c < cells; c++) out[c] = full - dot(sentence, unitOccluded, c * sentence.length);
  return out;
}

/** Separable [1 2 1]/4 smoothing with edge renormalisation: damps single-patch noise without moving peaks. */
export function smoothGrid(values: Float32Array, rows: number, cols: number, passes = 1): Float32Array {
  let cur = values;
  for (let p = 0; p < passes; p++) {
    const h = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) {
        let s = 2 * cur[r * cols + c];
        let w = 2;
        if (c > 0) {
          s += cur[r * cols + c - 1];
          w++;
        }
        if (c < cols - 1) {
          s += cur[r * cols + c + 1];
          w++;
        }
        h[r * cols + c] = s / w;
      }
    const v = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) {
        let s = 2 * h[r * cols + c];
        let w = 2;
        if (r > 0) {
          s += h[(r - 1) * cols + c];
          w++;
        }
        if (r < rows - 1) {
          s += h[(r + 1) * cols + c];
          w++;
        }
        v[r * cols + c] = s / w;
      }
    cur = v;
  }
  return cur;
}

/** The model-input square mapped back to original pixel coordinates (undoes resize and crop/pad). */
export function gridBox(t: InputToImageTransform): [number, number, number, number] {
  return [
    -t.offsetX / t.scaleX,
    -t.offsetY / t.scaleY,
    (t.inputSize - t.offsetX) / t.scaleX,
    (t.inputSize - t.offsetY) / t.scaleY,
  ];
}

/** Rounds for compact JSON without losing what a colour map can show. */
export function roundValues(values: Float32Array, digits = 4): number[] {
  const f = 10 ** digits;
  return Array.from(values, (v) => Math.round(v * f) / f);
}
