// resizeRounding / cropRounding: planResize against the model families' own formulas, the defaults
// unchanged, and a model.json with the fields set cropping the pixels those formulas name.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeImage, modelInputFromFile, planResize, preprocessImage } from '../../../src/engine/image';
import { roundHalfEven, type ResizeRoundingSpec } from '../../../src/engine/image/geometry';
import { ModelError, planModel } from '../../../src/engine/model';
import type { ImagePreprocessSpec } from '../../../src/engine/types';
import { tinyClipDir, tinyClipWithImage } from '../../helpers/fixture-models';

type Mode = ImagePreprocessSpec['resize'];

/** Python's round(d / 2) for an integer d: a tie (odd d) goes to the even neighbour. */
function pyRoundHalf(d: number): number {
  if (d % 2 === 0) return d / 2;
  const k = (d - 1) / 2;
  return k % 2 === 0 ? k : k + 1;
}

interface Reference {
  resizeWidth: number;
  resizeHeight: number;
  left: number;
  top: number;
}

/**
 * torchvision (open_clip's image_transform): transforms.functional._compute_resized_output_size gives the
 * long side `int(requested_new_short * long / short)`; center_crop offsets `int(round((h - th) / 2.0))`.
 */
function torchvisionReference(width: number, height: number, size: number): Reference {
  const [short, long] = width <= height ? [width, height] : [height, width];
  const newLong = Math.trunc((size * long) / short);
  const [resizeWidth, resizeHeight] = width <= height ? [size, newLong] : [newLong, size];
  return { resizeWidth, resizeHeight, left: pyRoundHalf(resizeWidth - size), top: pyRoundHalf(resizeHeight - size) };
}

/**
 * Hugging Face CLIPImageProcessor: image_transforms.get_resize_output_image_size(default_to_square=False)
 * gives the long side `int(requested_new_short * long / short)`; center_crop offsets `(h - th) // 2`.
 */
function huggingFaceReference(width: number, height: number, size: number): Reference {
  const [short, long] = width <= height ? [width, height] : [height, width];
  const newLong = Math.trunc((size * long) / short);
  const [resizeWidth, resizeHeight] = width <= height ? [size, newLong] : [newLong, size];
  return {
    resizeWidth,
    resizeHeight,
    left: Math.floor((resizeWidth - size) / 2),
    top: Math.floor((resizeHeight - size) / 2),
  };
}

/** planResize as it was before the rounding fields, copied here so the defaults are checked against it. */
function previousPlan(width: number, height: number, size: number, mode: Mode): Reference {
  let resizeWidth = size;
  let resizeHeight = size;
  if (mode === 'shortest-edge') {
    const scale = size / Math.min(width, height);
    resizeWidth = width <= height ? size : Math.max(size, Math.round(width * scale));
    resizeHeight = height <= width ? size : Math.max(size, Math.round(height * scale));
  } else if (mode === 'letterbox') {
    const scale = size / Math.max(width, height);
    resizeWidth = width >= height ? size : Math.max(1, Math.round(width * scale));
    resizeHeight = height >= width ? size : Math.max(1, Math.round(height * scale));
  }
  return {
    resizeWidth,
    resizeHeight,
    left: Math.floor(Math.abs(resizeWidth - size) / 2),
    top: Math.floor(Math.abs(resizeHeight - size) / 2),
  };
}

const SIZES = [7, 8, 32, 224];
const MAX_SIDE = 300;

function* dimensions(): Generator<[number, number, number]> {
  for (const size of SIZES) {
    for (let width = 1; width <= MAX_SIDE; width++) {
      for (let height = 1; height <= MAX_SIDE; height++) yield [width, height, size];
    }
  }
}

function planOf(width: number, height: number, size: number, mode: Mode, rounding?: ResizeRoundingSpec): Reference {
  const { resizeWidth, resizeHeight, left, top } = planResize(width, height, size, mode, rounding);
  return { resizeWidth, resizeHeight, left, top };
}

describe('preprocessing rounding (resizeRounding, cropRounding)', function () {
  this.timeout(120000);

  it('roundHalfEven rounds ties to the even neighbour, like Python 3', () => {
    assert.deepEqual([0.5, 1.5, 2.5, 6.5, 7.5, 9.5, 7.4, 7.6, 3].map(roundHalfEven), [0, 2, 2, 6, 8, 10, 7, 8, 3]);
  });

  it("matches torchvision's Resize(int) + CenterCrop with truncate / half-even", () => {
    const spec: ResizeRoundingSpec = { resizeRounding: 'truncate', cropRounding: 'half-even' };
    for (const [w, h, size] of dimensions()) {
      assert.deepEqual(
        planOf(w, h, size, 'shortest-edge', spec),
        torchvisionReference(w, h, size),
        `${w}x${h} → ${size}`,
      );
    }
    // The leftovers the half-even rule is about: 15 → 7.5 → 8, 13 → 6.5 → 6.
    assert.equal(planResize(47, 32, 32, 'shortest-edge', spec).left, 8);
    assert.equal(planResize(45, 32, 32, 'shortest-edge', spec).left, 6);
    assert.equal(planResize(32, 47, 32, 'shortest-edge', spec).top, 8);
    assert.equal(planResize(239, 224, 224, 'shortest-edge', spec).left, 8);
  });

  it("matches Hugging Face CLIPImageProcessor's resize + center_crop with truncate / floor", () => {
    const spec: ResizeRoundingSpec = { resizeRounding: 'truncate', cropRounding: 'floor' };
    for (const [w, h, size] of dimensions()) {
      assert.deepEqual(
        planOf(w, h, size, 'shortest-edge', spec),
        huggingFaceReference(w, h, size),
        `${w}x${h} → ${size}`,
      );
    }
    assert.equal(planResize(47, 32, 32, 'shortest-edge', spec).left, 7);
    assert.equal(planResize(45, 32, 32, 'shortest-edge', spec).left, 6);
  });

  it('leaves the geometry unchanged when the fields are absent or set to the defaults', () => {
    const defaults: ResizeRoundingSpec = { resizeRounding: 'round', cropRounding: 'floor' };
    for (const mode of ['shortest-edge', 'squash', 'letterbox'] as const) {
      for (const [w, h, size] of dimensions()) {
        const before = previousPlan(w, h, size, mode);
        const absent = planResize(w, h, size, mode);
        assert.deepEqual(planOf(w, h, size, mode), before, `${mode} ${w}x${h} → ${size}`);
        // Whole plans, transform included, are the same with {} and with the defaults written out.
        assert.deepEqual(planResize(w, h, size, mode, {}), absent);
        assert.deepEqual(planResize(w, h, size, mode, defaults), absent);
      }
    }
  });

  it('keeps the transform exact: offsets are the crop or padding, scales the actual ratios', () => {
    const specs: ResizeRoundingSpec[] = [
      { resizeRounding: 'truncate', cropRounding: 'half-even' },
      { resizeRounding: 'truncate', cropRounding: 'floor' },
      { resizeRounding: 'round', cropRounding: 'half-even' },
    ];
    for (const spec of specs) {
      for (const mode of ['shortest-edge', 'letterbox'] as const) {
        for (const [w, h] of [
          [47, 32],
          [32, 47],
          [97, 60],
          [60, 97],
          [1000, 3],
          [3, 1000],
        ]) {
          const plan = planResize(w!, h!, 32, mode, spec);
          const t = plan.transform;
          assert.equal(t.scaleX, plan.resizeWidth / w!);
          assert.equal(t.scaleY, plan.resizeHeight / h!);
          assert.equal(t.offsetX, mode === 'shortest-edge' ? 0 - plan.left : plan.left);
          assert.equal(t.offsetY, mode === 'shortest-edge' ? 0 - plan.top : plan.top);
          if (mode === 'shortest-edge') {
            // The crop stays inside the resized image.
            assert.ok(plan.left >= 0 && plan.left + 32 <= plan.resizeWidth, `${w}x${h} left ${plan.left}`);
            assert.ok(plan.top >= 0 && plan.top + 32 <= plan.resizeHeight, `${w}x${h} top ${plan.top}`);
          } else {
            assert.ok(plan.left + plan.resizeWidth <= 32 && plan.top + plan.resizeHeight <= 32);
          }
        }
      }
    }
  });

  describe('through model.json and the engine', () => {
    let tmp: string;

    before(async () => {
      tmp = await mkdtemp(join(tmpdir(), 'radalign-rounding-'));
    });
    after(async () => {
      await rm(tmp, { recursive: true, force: true });
    });

    async function modelErrorFrom(dir: string): Promise<ModelError> {
      try {
        await planModel(dir);
      } catch (err) {
        if (err instanceof ModelError) return err;
        throw err;
      }
      throw new Error('expected a ModelError');
    }

    /** A colour PNG whose every pixel differs from its neighbours, so a crop one pixel off shows. */
    async function writePattern(
      name: string,
      width: number,
      height: number,
    ): Promise<{ path: string; pixels: Buffer }> {
      const pixels = Buffer.alloc(width * height * 3);
      for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37 + (i >> 5) * 11) & 0xff;
      const path = join(tmp, name);
      await sharp(pixels, { raw: { width, height, channels: 3 } })
        .png()
        .toFile(path);
      return { path, pixels };
    }

    /** The CHW tensor of 8-bit interleaved pixels, normalised as the spec says. */
    function tensorOf(pixels: Buffer, spec: ImagePreprocessSpec): Float32Array {
      const area = spec.size * spec.size;
      const out = new Float32Array(3 * area);
      for (let c = 0; c < 3; c++) {
        for (let i = 0; i < area; i++) out[c * area + i] = (pixels[i * 3 + c]! / 255 - spec.mean[c]!) / spec.std[c]!;
      }
      return out;
    }

    /** The expected crop, made by hand: sharp resizes to the reference size and extracts at its offset. */
    async function handCrop(path: string, ref: Reference, size: number): Promise<Buffer> {
      return sharp(path)
        .resize(ref.resizeWidth, ref.resizeHeight, { fit: 'fill', kernel: 'cubic' })
        .extract({ left: ref.left, top: ref.top, width: size, height: size })
        .raw()
        .toBuffer();
    }

    it('reads the fields, and leaves them out when model.json does', async () => {
      assert.equal((await planModel(tinyClipDir)).preprocess.resizeRounding, undefined);
      assert.equal((await planModel(tinyClipDir)).preprocess.cropRounding, undefined);
      const plan = await planModel(
        await tinyClipWithImage(tmp, { resizeRounding: 'truncate', cropRounding: 'half-even' }),
      );
      assert.equal(plan.preprocess.resizeRounding, 'truncate');
      assert.equal(plan.preprocess.cropRounding, 'half-even');
    });

    it('names model.json and the field when a value is unknown', async () => {
      let dir = await tinyClipWithImage(tmp, { resizeRounding: 'ceil' });
      let err = await modelErrorFrom(dir);
      assert.equal(err.file, join(dir, 'model.json'));
      assert.match(err.problem, /image\.resizeRounding.*'round', 'truncate' or 'truncate-ratio'.*ceil/);
      dir = await tinyClipWithImage(tmp, { cropRounding: 'round' });
      err = await modelErrorFrom(dir);
      assert.equal(err.file, join(dir, 'model.json'));
      assert.match(err.problem, /image\.cropRounding.*'floor' or 'half-even'.*round/);
      dir = await tinyClipWithImage(tmp, { cropRounding: 3 });
      err = await modelErrorFrom(dir);
      assert.match(err.problem, /image\.cropRounding/);
    });

    it('refuses an unknown value in a spec built in code', async () => {
      const { path } = await writePattern('bad-spec.png', 40, 32);
      const spec = {
        ...(await planModel(tinyClipDir)).preprocess,
        cropRounding: 'ceil',
      } as unknown as ImagePreprocessSpec;
      await assert.rejects(modelInputFromFile(path, spec), /unknown cropRounding 'ceil'/);
    });

    it("crops at torchvision's offset with no resampling (short side already the input size)", async () => {
      // 47x32 into 32: leftover 15, half-even 7.5 → 8 (floor would take 7).
      const { path, pixels } = await writePattern('leftover-15.png', 47, 32);
      const spec = (
        await planModel(await tinyClipWithImage(tmp, { resizeRounding: 'truncate', cropRounding: 'half-even' }))
      ).preprocess;
      const crop = Buffer.alloc(32 * 32 * 3);
      for (let y = 0; y < 32; y++) pixels.copy(crop, y * 32 * 3, (y * 47 + 8) * 3, (y * 47 + 8 + 32) * 3);
      const expected = tensorOf(crop, spec);
      const one = await modelInputFromFile(path, spec);
      assert.equal(one.route, 'one-pipeline');
      assert.deepEqual(one.tensor, expected);
      assert.equal(one.transform.offsetX, -8);
      const decoded = await preprocessImage(await decodeImage(path), spec);
      assert.deepEqual(decoded.tensor, expected);
      // The default spec takes the floor, one pixel to the left: a different tensor.
      const floor = await modelInputFromFile(path, (await planModel(tinyClipDir)).preprocess);
      assert.equal(floor.transform.offsetX, -7);
      assert.notDeepEqual(floor.tensor, expected);
    });

    it('resizes and crops as each family does when the long side is fractional', async () => {
      // 97x60 into 32: the long side is 51.73…, truncated to 51 (rounded, 52); leftover 19 → 9.5.
      const { path } = await writePattern('fractional.png', 97, 60);
      const cases = [
        { fields: { resizeRounding: 'truncate', cropRounding: 'half-even' }, ref: torchvisionReference(97, 60, 32) },
        { fields: { resizeRounding: 'truncate', cropRounding: 'floor' }, ref: huggingFaceReference(97, 60, 32) },
      ];
      assert.deepEqual(cases[0]!.ref, { resizeWidth: 51, resizeHeight: 32, left: 10, top: 0 });
      assert.deepEqual(cases[1]!.ref, { resizeWidth: 51, resizeHeight: 32, left: 9, top: 0 });
      for (const { fields, ref } of cases) {
        const spec = (await planModel(await tinyClipWithImage(tmp, fields))).preprocess;
        const expected = tensorOf(await handCrop(path, ref, 32), spec);
        const one = await modelInputFromFile(path, spec);
        assert.deepEqual(one.tensor, expected, JSON.stringify(fields));
        assert.equal(one.transform.scaleX, 51 / 97);
        assert.equal(one.transform.offsetX, -ref.left);
        const decoded = await preprocessImage(await decodeImage(path), spec);
        assert.deepEqual(decoded.tensor, expected, JSON.stringify(fields));
      }
    });
  });
});
