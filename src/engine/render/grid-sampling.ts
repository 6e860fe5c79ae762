// Sampling a heatmap grid: one pure module (no Node or DOM imports) shared by the CLI's overlay
// PNGs, the extension's hover thumbnails and the review panel's canvas, so all three draw the
// same map the same way. Cell centres sit at integer grid positions; outside the outer centres
// the edge value holds.

export interface Range {
  min: number;
  max: number;
}

export function valueRange(values: readonly number[]): Range {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { min, max };
}

export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Bilinear value at grid coordinates (gx, gy), each already clamped to the grid. */
export function bilinearAt(values: readonly number[], rows: number, cols: number, gx: number, gy: number): number {
  const x0 = Math.floor(gx);
  const y0 = Math.floor(gy);
  const x1 = Math.min(cols - 1, x0 + 1);
  const y1 = Math.min(rows - 1, y0 + 1);
  const fx = gx - x0;
  const fy = gy - y0;
  const top = values[y0 * cols + x0]! * (1 - fx) + values[y0 * cols + x1]! * fx;
  const bottom = values[y1 * cols + x0]! * (1 - fx) + values[y1 * cols + x1]! * fx;
  return top * (1 - fy) + bottom * fy;
}

/** Grid coordinate of the centre of pixel `p` of `n` pixels spanning `cells` cells. */
export function gridCoordinate(p: number, n: number, cells: number): number {
  return clamp(((p + 0.5) * cells) / n - 0.5, 0, cells - 1);
}

/** Samples the grid at every pixel of a `width` × `height` raster covering the grid's box. */
export function upsampleGrid(
  values: readonly number[],
  rows: number,
  cols: number,
  width: number,
  height: number,
): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const gy = gridCoordinate(y, height, rows);
    for (let x = 0; x < width; x++)
      out[y * width + x] = bilinearAt(values, rows, cols, gridCoordinate(x, width, cols), gy);
  }
  return out;
}
