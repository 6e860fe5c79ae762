// The family-step fields of model.json (shortestEdge, filter, antialias, intensity, before, 'truncate-ratio'):
// their validation, their geometry, the heatmap transform through two steps, and the route they take.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { modelInputFromFile, planResize } from '../../../src/engine/image';
import { ModelError, planModel } from '../../../src/engine/model';
import type { ImagePreprocessSpec } from '../../../src/engine/types';
import { tinyClipDir, tinyClipWithImage } from '../../helpers/fixture-models';

const CHEXZERO_LIKE = {
  size: 32,
  resize: 'squash',
  mean: [0.4, 0.4, 0.4],
  std: [0.3, 0.3, 0.3],
  filter: 'bicubic',
  antialias: false,
  before: { size: 48, resize: 'letterbox', filter: 'lanczos', resizeRounding: 'truncate-ratio', cropRounding: 'floor' },
};

describe('model.json family-step fields', function () {
  this.timeout(60000);
  let tmp: string;
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'radalign-fields-'));
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  async function problemOf(image: Record<string, unknown>): Promise<string> {
    const dir = await tinyClipWithImage(tmp, image);
    try {
      await planModel(dir);
    } catch (err) {
      assert.ok(err instanceof ModelError, String(err));
      assert.equal(err.file, join(dir, 'model.json'));
      return err.problem;
    }
    throw new Error('expected a ModelError');
  }

  it('reads the fields as written, and leaves them out when absent', async () => {
    const plain = (await planModel(tinyClipDir)).preprocess;
    for (const key of ['shortestEdge', 'filter', 'antialias', 'intensity', 'before'] as const)
      assert.equal(plain[key], undefined, key);
    const spec = (await planModel(await tinyClipWithImage(tmp, { ...CHEXZERO_LIKE, intensity: 'min-max' }))).preprocess;
    assert.deepEqual(spec.before, CHEXZERO_LIKE.before);
    assert.equal(spec.antialias, false);
    assert.equal(spec.filter, 'bicubic');
    assert.equal(spec.intensity, 'min-max');
    const edge = (await planModel(await tinyClipWithImage(tmp, { shortestEdge: 40 }))).preprocess;
    assert.equal(edge.shortestEdge, 40);
  });

  it('names model.json and the field for each bad value', async () => {
    assert.match(
      await problemOf({ filter: 'cubic' }),
      /field 'image\.filter' must be 'bicubic', .*'nearest' \(got 'cubic'\)/,
    );
    assert.match(await problemOf({ antialias: 'no' }), /field 'image\.antialias' must be true or false/);
    assert.match(
      await problemOf({ antialias: false, filter: 'lanczos' }),
      /field 'image\.antialias' is false, .*no lanczos/,
    );
    assert.match(await problemOf({ intensity: 'percentile' }), /field 'image\.intensity' must be 'min-max'/);
    assert.match(await problemOf({ shortestEdge: 20 }), /field 'image\.shortestEdge' must be at least size 32/);
    assert.match(await problemOf({ shortestEdge: 40.5 }), /field 'image\.shortestEdge' must be a whole number/);
    assert.match(
      await problemOf({ shortestEdge: 40, resize: 'letterbox' }),
      /field 'image\.shortestEdge' is only for resize 'shortest-edge'/,
    );
    assert.match(await problemOf({ before: 320 }), /field 'image\.before' must be an object/);
    assert.match(await problemOf({ before: { resize: 'letterbox' } }), /missing field 'image\.before\.size'/);
    assert.match(
      await problemOf({ before: { size: 64, filter: 'box' } }),
      /field 'image\.before\.filter' must be 'bicubic'/,
    );
    assert.match(
      await problemOf({ before: { size: 64, resizeRounding: 'ceil' } }),
      /field 'image\.before\.resizeRounding' must be 'round', 'truncate' or 'truncate-ratio'/,
    );
  });

  it('refuses a bad spec built in code, naming the field', async () => {
    const path = join(tmp, 'small.png');
    await sharp({ create: { width: 20, height: 10, channels: 3, background: '#808080' } })
      .png()
      .toFile(path);
    const base = (await planModel(tinyClipDir)).preprocess;
    const bad = (extra: object): ImagePreprocessSpec => ({ ...base, ...extra }) as unknown as ImagePreprocessSpec;
    await assert.rejects(modelInputFromFile(path, bad({ filter: 'box' })), /unknown filter 'box'/);
    await assert.rejects(modelInputFromFile(path, bad({ intensity: 'x' })), /unknown intensity 'x'/);
    await assert.rejects(
      modelInputFromFile(path, bad({ before: { size: 8, resize: 'letterbox', cropRounding: 'up' } })),
      /unknown before\.cropRounding 'up'/,
    );
    await assert.rejects(modelInputFromFile(path, bad({ shortestEdge: 4 })), /shortestEdge 4 is not a whole number/);
  });

  it("'truncate-ratio' computes every side ratio first, as CheXzero's preprocess", () => {
    // int(147 * (96/147)) = 95 and int(49 * (96/147)) = 31, where 'truncate' gives 96 and 32.
    const ratio = planResize(147, 49, 96, 'letterbox', { resizeRounding: 'truncate-ratio' });
    assert.deepEqual([ratio.resizeWidth, ratio.resizeHeight, ratio.left, ratio.top], [95, 31, 0, 32]);
    const truncate = planResize(147, 49, 96, 'letterbox', { resizeRounding: 'truncate' });
    assert.deepEqual([truncate.resizeWidth, truncate.resizeHeight], [96, 32]);
    for (let w = 1; w <= 400; w++) {
      for (const h of [1, 7, 120, 399]) {
        const p = planResize(w, h, 320, 'letterbox', { resizeRounding: 'truncate-ratio' });
        const r = 320 / Math.max(w, h);
        assert.deepEqual(
          [p.resizeWidth, p.resizeHeight],
          [Math.max(1, Math.trunc(w * r)), Math.max(1, Math.trunc(h * r))],
        );
      }
    }
  });

  it('shortestEdge resizes the short side to it, then crops `size` from the middle', () => {
    // torchvision Resize(47) + CenterCrop(40) of 97x61: 74x47 (int(47 * 97 / 61) = 74), crop at (17, 4).
    const p = planResize(97, 61, 40, 'shortest-edge', {
      shortestEdge: 47,
      resizeRounding: 'truncate',
      cropRounding: 'half-even',
    });
    assert.deepEqual([p.resizeWidth, p.resizeHeight, p.left, p.top], [74, 47, 17, 4]);
    assert.equal(p.transform.offsetX, -17);
    assert.equal(p.transform.scaleY, 47 / 61);
  });

  it('maps the model input back through both steps of a `before`', async () => {
    // A white dot on black, off-centre in a wide image: the brightest input pixel maps back onto the dot.
    const [width, height, dotX, dotY] = [150, 90, 117, 31];
    const pixels = Buffer.alloc(width * height);
    for (let y = dotY - 2; y <= dotY + 2; y++) for (let x = dotX - 2; x <= dotX + 2; x++) pixels[y * width + x] = 255;
    const path = join(tmp, 'dot.png');
    await sharp(pixels, { raw: { width, height, channels: 1 } })
      .png()
      .toFile(path);
    const spec = (await planModel(await tinyClipWithImage(tmp, CHEXZERO_LIKE))).preprocess;
    const { tensor, transform } = await modelInputFromFile(path, spec);
    let best = 0;
    for (let i = 1; i < 32 * 32; i++) if (tensor[i]! > tensor[best]!) best = i;
    const [ix, iy] = [(best % 32) + 0.5, Math.floor(best / 32) + 0.5];
    const x = (ix - transform.offsetX) / transform.scaleX;
    const y = (iy - transform.offsetY) / transform.scaleY;
    // One input pixel is 150/32 ≈ 4.7 original pixels.
    assert.ok(Math.abs(x - (dotX + 0.5)) < 4.7 && Math.abs(y - (dotY + 0.5)) < 4.7, `(${x}, ${y})`);
    // The composition, exactly: 150x90 → 48x28 (int(90 * (48/150)) = 28) padded 10 top; then 48 → 32.
    assert.deepEqual(transform, {
      scaleX: (48 / 150) * (32 / 48),
      scaleY: (28 / 90) * (32 / 48),
      offsetX: 0,
      offsetY: 10 * (32 / 48),
      width,
      height,
      inputSize: 32,
    });
  });

  it('takes the decoded route for family steps, the one pipeline without them', async () => {
    const path = join(tmp, 'route.png');
    await sharp({ create: { width: 40, height: 30, channels: 3, background: '#406080' } })
      .png()
      .toFile(path);
    const base = (await planModel(tinyClipDir)).preprocess;
    assert.equal((await modelInputFromFile(path, base)).route, 'one-pipeline');
    assert.equal((await modelInputFromFile(path, { ...base, shortestEdge: 40 })).route, 'one-pipeline');
    for (const extra of [
      { filter: 'bicubic' },
      { antialias: true },
      { intensity: 'min-max' },
      { before: { size: 40, resize: 'squash' } },
    ])
      assert.equal((await modelInputFromFile(path, { ...base, ...extra } as ImagePreprocessSpec)).route, 'decoded');
  });
});
