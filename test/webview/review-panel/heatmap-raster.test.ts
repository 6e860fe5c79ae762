// Heatmap overlay pixels: upsampling into the box, normalisation, colour map, placement.
import assert from 'node:assert/strict';
import { colormapGradient, colormapLut } from '../../../webview/review-panel/colormaps';
import {
  overlayPlacement,
  overlayRgba,
  upsampleGrid,
  valueAt,
  valueRange,
} from '../../../webview/review-panel/heatmap-raster';

describe('webview heatmap raster', () => {
  it('upsamples with cell centres at cell centres and edge values held outside them', () => {
    // 1 row, 2 cells: 0 | 1, upsampled to 4 px: centres of cells at px 0.5..1.5 and 2.5..3.5 in grid terms.
    const out = upsampleGrid([0, 1], 1, 2, 4, 1);
    assert.deepEqual(Array.from(out), [0, 0.25, 0.75, 1]);
    // A 2x2 grid upsampled 2x: each output pixel is a bilinear mix; corners hold the corner values.
    const sq = upsampleGrid([0, 1, 2, 3], 2, 2, 4, 4);
    assert.equal(sq[0], 0);
    assert.equal(sq[15], 3);
    // Pixel (1, 1) sits at grid (0.25, 0.25): rows 0.25 and 2.25 mixed 3:1.
    assert.equal(sq[1 * 4 + 1], 0.75 * 0.25 + 0.25 * 2.25);
  });

  it('normalises min..max through the colour map with opacity growing with the value', () => {
    const lut = colormapLut('grey');
    const rgba = overlayRgba(Float32Array.from([2, 3, 4]), valueRange([2, 4]), lut, 0.8);
    assert.deepEqual(Array.from(rgba.slice(0, 4)), [0, 0, 0, Math.round(255 * 0.8 * 0.25)]);
    assert.deepEqual(Array.from(rgba.slice(4, 8)), [128, 128, 128, Math.round(255 * 0.8 * 0.625)]);
    assert.deepEqual(Array.from(rgba.slice(8, 12)), [255, 255, 255, Math.round(255 * 0.8)]);
    // A flat map does not divide by zero.
    assert.ok(Array.from(overlayRgba(Float32Array.from([5, 5]), valueRange([5, 5]), lut, 1)).every(Number.isFinite));
  });

  it('places the raster on the box in image pixels and clips the overhang of letterboxed inputs', () => {
    const { dest, clip } = overlayPlacement([-10, 0, 110, 100], 100, 80);
    assert.deepEqual(dest, { x: -10, y: 0, width: 120, height: 100 });
    assert.deepEqual(clip, { x: 0, y: 0, width: 100, height: 80 });
    const map = { rows: 2, cols: 2, values: [1, 2, 3, 4], box: [0, 0, 100, 100] as [number, number, number, number] };
    assert.equal(valueAt(map, 10, 10), 1);
    assert.equal(valueAt(map, 60, 10), 2);
    assert.equal(valueAt(map, 99, 99), 4);
    assert.equal(valueAt(map, 100, 50), undefined);
  });

  it('has turbo, hot and grey maps with the engine colours at the ends', () => {
    assert.deepEqual(Array.from(colormapLut('turbo').slice(0, 3)), [48, 18, 59]);
    assert.deepEqual(Array.from(colormapLut('hot').slice(255 * 3)), [255, 255, 255]);
    assert.match(
      colormapGradient('grey', 2),
      /^linear-gradient\(to right, rgb\(0, 0, 0\) 0%, rgb\(255, 255, 255\) 100%\)$/,
    );
  });
});
