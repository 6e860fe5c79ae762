// Rules of decoding that a plausible-looking mistake would break, each checked on real DICOM files
// written byte by byte: the order of rescale, window and MONOCHROME1 inversion (PS3.4 N.2.1,
// PS3.3 C.11.2.1.2), and that a heatmap cell's box, mapped back through the preprocessing
// transform, covers the image pixels that cell was made from, for non-square images in every
// resize mode.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage, preprocessImage } from '../../../src/engine/image';
import { gridBox } from '../../../src/engine/scoring/heatmap';
import type { ImagePreprocessSpec, InputToImageTransform } from '../../../src/engine/types';
import { type TestDicomImage, TransferSyntaxes as TS, buildDicom } from '../../helpers/dicom-writer';
import { makeTempDir } from '../../helpers/image-fixtures';

const temp = makeTempDir('decoding-rules');
after(temp.remove);
let counter = 0;

function writeDicom(img: TestDicomImage): string {
  const path = join(temp.dir, `rule-${++counter}.dcm`);
  writeFileSync(path, buildDicom(img));
  return path;
}

/** DICOM LINEAR VOI (PS3.3 C.11.2.1.2.1), unrounded, written out again so the expectations do not borrow the code under test. */
function linear(x: number, center: number, width: number): number {
  if (x <= center - 0.5 - (width - 1) / 2) return 0;
  if (x > center - 0.5 + (width - 1) / 2) return 255;
  return ((x - (center - 0.5)) / (width - 1) + 0.5) * 255;
}

describe('engine/image: decoding rules', () => {
  describe('MONOCHROME1: the output of the VOI window is inverted (PS3.3 C.11.2.1.2)', () => {
    // Window centre 100, width 50: 75 and below → 0, above 124 → 255.
    const stored = [0, 76, 90, 100, 124, 160, 200, 255];
    const windowThenInvert = stored.map((x) => Math.round(255 - linear(x, 100, 50)));
    const invertThenWindow = stored.map((x) => Math.round(linear(255 - x, 100, 50)));

    it('the two orders give different pixels for these values', () => {
      assert.deepEqual(windowThenInvert, [255, 250, 177, 125, 0, 0, 0, 0]);
      assert.deepEqual(invertThenWindow, [255, 255, 255, 255, 255, 104, 0, 0]);
    });

    it('an 8-bit MONOCHROME1 file with a window decodes to window-then-invert', async () => {
      const path = writeDicom({
        transferSyntax: TS.explicitLittle,
        rows: 1,
        columns: stored.length,
        bitsAllocated: 8,
        photometric: 'MONOCHROME1',
        windowCenter: '100',
        windowWidth: '50',
        pixels: stored,
      });
      const img = await decodeImage(path);
      assert.deepEqual(img.window, { center: 100, width: 50, origin: 'dicom' });
      assert.deepEqual([...img.data], windowThenInvert);
    });

    it('a 16-bit MONOCHROME1 file with rescale and a window: rescale, window, then invert', async () => {
      // modality = 4 * stored - 1000; window 0 ± 500 (width 1000).
      const values = [0, 100, 200, 250, 300, 400, 500];
      const path = writeDicom({
        transferSyntax: TS.explicitLittle,
        rows: 1,
        columns: values.length,
        bitsAllocated: 16,
        bitsStored: 12,
        photometric: 'MONOCHROME1',
        rescaleSlope: '4',
        rescaleIntercept: '-1000',
        windowCenter: '0',
        windowWidth: '1000',
        pixels: values,
      });
      const img = await decodeImage(path);
      const expected = values.map((x) => Math.round(255 - linear(4 * x - 1000, 0, 1000)));
      assert.deepEqual(expected, [255, 255, 178, 127, 76, 0, 0]);
      assert.deepEqual([...img.data], expected);
    });

    it('without a window, MONOCHROME1 is the inverse of the same MONOCHROME2 file', async () => {
      const values = Array.from({ length: 64 }, (_, i) => 300 + ((i * 37) % 900));
      const base = {
        transferSyntax: TS.explicitLittle,
        rows: 8,
        columns: 8,
        bitsAllocated: 16,
        bitsStored: 12,
        pixels: values,
      } as const;
      const m1 = await decodeImage(writeDicom({ ...base, photometric: 'MONOCHROME1' }));
      const m2 = await decodeImage(writeDicom({ ...base, photometric: 'MONOCHROME2' }));
      assert.deepEqual(m1.window, m2.window);
      // Equal up to rounding: MONOCHROME1 inverts the unrounded window output, so a value at x.5 may differ by one.
      const off = [...m1.data].map((v, i) => Math.abs(v - (255 - m2.data[i]!)));
      assert.ok(Math.max(...off) <= 1, `differences ${off.join(' ')}`);
      assert.ok(m1.data[0]! > 200 && m2.data[0]! < 55, `${m1.data[0]} / ${m2.data[0]}`);
    });
  });

  describe('a negative RescaleSlope with an intercept maps stored values before the window', () => {
    // modality = -2 * stored + 1000
    const stored = [0, 149, 200, 251, 300, 351, 400, 500];

    it('with a window (LINEAR, centre 500, width 400), exact pixels', async () => {
      const path = writeDicom({
        transferSyntax: TS.explicitLittle,
        rows: 1,
        columns: stored.length,
        bitsAllocated: 16,
        rescaleSlope: '-2',
        rescaleIntercept: '1000',
        windowCenter: '500',
        windowWidth: '400',
        pixels: stored,
      });
      const img = await decodeImage(path);
      // modality 1000, 702, 600, 498, 400, 298, 200, 0: 702 is above 699 (white), 298 at or below 300 (black).
      assert.deepEqual([...img.data], [255, 255, 192, 127, 64, 0, 0, 0]);
      assert.deepEqual(
        [...img.data],
        stored.map((x) => Math.round(linear(-2 * x + 1000, 500, 400))),
      );
    });

    it('without a window, the percentile window runs low to high in modality units, so high stored values are dark', async () => {
      const path = writeDicom({
        transferSyntax: TS.explicitLittle,
        rows: 1,
        columns: stored.length,
        bitsAllocated: 16,
        rescaleSlope: '-2',
        rescaleIntercept: '1000',
        pixels: stored,
      });
      const img = await decodeImage(path);
      // 8 values: the window spans stored 500 (modality 0) .. stored 0 (modality 1000), LINEAR_EXACT.
      assert.deepEqual(img.window, { center: 500, width: 1000, origin: 'percentile' });
      const expected = stored.map((x) => Math.round(((-2 * x + 1000) / 1000) * 255));
      assert.deepEqual(expected, [255, 179, 153, 127, 102, 76, 51, 0]);
      assert.deepEqual([...img.data], expected);
    });
  });

  describe('heatmap cells of non-square images map back onto the pixels they came from', () => {
    // The bundled default model: 224 px input, a 7 × 7 patch grid (media/models/default/model.json).
    const size = 224;
    const grid = 7;
    const spec = (resize: ImagePreprocessSpec['resize']): ImagePreprocessSpec => ({
      size,
      resize,
      mean: [0, 0, 0],
      std: [1, 1, 1],
      channels: 3,
    });
    const modes: ImagePreprocessSpec['resize'][] = ['squash', 'shortest-edge', 'letterbox'];
    const shapes: Array<[number, number]> = [
      [300, 120],
      [120, 300],
    ];

    /** Cell (row, col)'s box in image pixels: the grid box, cut into equal cells, as the overlay and the panel draw it. */
    function cellBox(
      t: InputToImageTransform,
      row: number,
      col: number,
    ): { x0: number; y0: number; x1: number; y1: number } {
      const [bx0, by0, bx1, by1] = gridBox(t);
      const w = (bx1 - bx0) / grid;
      const h = (by1 - by0) / grid;
      return { x0: bx0 + col * w, y0: by0 + row * h, x1: bx0 + (col + 1) * w, y1: by0 + (row + 1) * h };
    }

    /** Input value (0..1 with mean 0, std 1) at input pixel (x, y), channel 0. */
    const valueAt = (tensor: Float32Array, x: number, y: number): number => tensor[y * size + x]!;

    /** An 8-bit DICOM of `width` × `height`, values from `value(x, y)`, shown as stored (centre 128, width 256 is the identity). */
    async function decodeDrawn(width: number, height: number, value: (x: number, y: number) => number) {
      const pixels = Array.from({ length: width * height }, (_, i) => value(i % width, Math.floor(i / width)));
      return decodeImage(
        writeDicom({
          transferSyntax: TS.explicitLittle,
          rows: height,
          columns: width,
          bitsAllocated: 8,
          windowCenter: '128',
          windowWidth: '256',
          pixels,
        }),
      );
    }

    for (const resize of modes) {
      for (const [width, height] of shapes) {
        it(`${resize} ${width} × ${height}: the cell holding a bright square maps back to a box covering the square`, async () => {
          // A 10 × 10 square around the centre of the image: inside the crop of shortest-edge, away from letterbox padding.
          const sx0 = Math.round(width * 0.55) - 5;
          const sy0 = Math.round(height * 0.45) - 5;
          const square = { x0: sx0, y0: sy0, x1: sx0 + 10, y1: sy0 + 10 };
          const img = await decodeDrawn(width, height, (x, y) =>
            x >= square.x0 && x < square.x1 && y >= square.y0 && y < square.y1 ? 255 : 0,
          );
          const { tensor, transform } = await preprocessImage(img, spec(resize));

          // The model-input cell that holds the square: the one with the most bright mass.
          const mass = new Float64Array(grid * grid);
          for (let y = 0; y < size; y++)
            for (let x = 0; x < size; x++)
              mass[Math.floor((y * grid) / size) * grid + Math.floor((x * grid) / size)]! += Math.max(
                0,
                valueAt(tensor, x, y),
              );
          const best = mass.indexOf(Math.max(...mass));
          const box = cellBox(transform, Math.floor(best / grid), best % grid);

          const centre = { x: (square.x0 + square.x1) / 2, y: (square.y0 + square.y1) / 2 };
          const where = `cell ${best}: box ${JSON.stringify(box)}, square ${JSON.stringify(square)}`;
          assert.ok(centre.x >= box.x0 && centre.x <= box.x1 && centre.y >= box.y0 && centre.y <= box.y1, where);
          // The square's pixels mostly fall in that box (it may straddle a cell border by a few pixels).
          const inside =
            (Math.min(square.x1, box.x1) - Math.max(square.x0, box.x0)) *
            (Math.min(square.y1, box.y1) - Math.max(square.y0, box.y0));
          assert.ok(inside >= 0.25 * 100, `${where}: only ${inside} of 100 square pixels inside`);
        });

        it(`${resize} ${width} × ${height}: every cell's centre samples the image point at its box's centre`, async () => {
          // Ramps that encode each pixel's own coordinate; linear, so bicubic resizing keeps them linear.
          const xRamp = await preprocessImage(
            await decodeDrawn(width, height, (x) => Math.round((x * 255) / (width - 1))),
            spec(resize),
          );
          const yRamp = await preprocessImage(
            await decodeDrawn(width, height, (_, y) => Math.round((y * 255) / (height - 1))),
            spec(resize),
          );
          assert.deepEqual(xRamp.transform, yRamp.transform);
          const t = xRamp.transform;
          let checked = 0;
          for (let row = 0; row < grid; row++) {
            for (let col = 0; col < grid; col++) {
              const box = cellBox(t, row, col);
              const cx = (box.x0 + box.x1) / 2;
              const cy = (box.y0 + box.y1) / 2;
              if (cx < 2 || cx > width - 2 || cy < 2 || cy > height - 2) continue; // a letterbox cell over the padding
              // The input pixel at the cell's centre: (col + 0.5) * 32 in continuous input coordinates.
              const ix = Math.floor(((col + 0.5) * size) / grid);
              const iy = Math.floor(((row + 0.5) * size) / grid);
              // Pixel i's value sits at its centre, i + 0.5: value v ↔ x = v * (width - 1) / 255 + 0.5.
              const gotX = valueAt(xRamp.tensor, ix, iy) * (width - 1) + 0.5;
              const gotY = valueAt(yRamp.tensor, ix, iy) * (height - 1) + 0.5;
              // Within one model-input pixel (mapped back) and one 8-bit step of the ramp.
              const tolX = 1 / t.scaleX + (width - 1) / 255 + 0.5;
              const tolY = 1 / t.scaleY + (height - 1) / 255 + 0.5;
              const where = `cell (${row}, ${col}) box ${JSON.stringify(box)}: sampled (${gotX.toFixed(2)}, ${gotY.toFixed(2)})`;
              assert.ok(
                Math.abs(gotX - cx) <= tolX,
                `${where}: x off by ${(gotX - cx).toFixed(2)} > ${tolX.toFixed(2)}`,
              );
              assert.ok(
                Math.abs(gotY - cy) <= tolY,
                `${where}: y off by ${(gotY - cy).toFixed(2)} > ${tolY.toFixed(2)}`,
              );
              checked++;
            }
          }
          // Squash and crop fill every cell with image; letterbox leaves bands of padding.
          assert.ok(checked >= (resize === 'letterbox' ? 21 : 49), `${checked} cells checked`);
        });
      }
    }
  });
});
