// The guards of image decoding, on the image-v2 paths: the one sharp pipeline from the file's bytes
// (image/model-input.ts) and ImageFeatureStore, with and without the file identity index. Each
// refuses what decodeImage refused, with the same reason, and an image recognised from its status
// (never opened) is still held to the checks a read makes first.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { EmbeddingCache } from '../../../src/engine/cache/embedding-cache';
import { FileIdentityIndex } from '../../../src/engine/cache/file-identity';
import { decodeImage, ImageError, modelInputFromFile, planModelInput } from '../../../src/engine/image';
import { loadModel } from '../../../src/engine/model';
import type { ClipModel } from '../../../src/engine/model/types';
import { ImageFeatureStore } from '../../../src/engine/pipeline/image-features';
import type { ImagePreprocessSpec } from '../../../src/engine/types';
import { tinyClipDir } from '../../helpers/fixture-models';
import { assertImageError, makeTempDir } from '../../helpers/image-fixtures';
import { describePeak, measurePeakRss } from '../../helpers/peak-rss';

const temp = makeTempDir('pipeline-guards');
after(temp.remove);

const spec: ImagePreprocessSpec = { size: 64, resize: 'squash', mean: [0, 0, 0], std: [1, 1, 1], channels: 3 };

/** A real 8-bit JPEG whose frame header (SOF0) is rewritten to claim `width` × `height`. */
async function jpegClaiming(width: number, height: number): Promise<Buffer> {
  const jpeg = await sharp(Buffer.alloc(32 * 32, 120), { raw: { width: 32, height: 32, channels: 1 } })
    .jpeg()
    .toBuffer();
  const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
  assert.ok(sof > 0, 'baseline JPEG has an SOF0 segment');
  jpeg.writeUInt16BE(height, sof + 5);
  jpeg.writeUInt16BE(width, sof + 7);
  return jpeg;
}

describe('engine/image: guards on the one-pipeline route', function () {
  this.timeout(60_000);

  it('the pixel limit is checked from the header when the route is planned, before any decoding', async () => {
    const path = join(temp.dir, 'claims-30000.jpg');
    const bytes = await jpegClaiming(30_000, 30_000);
    writeFileSync(path, bytes);
    const refusal =
      /^image is 30000 × 30000 pixels \(900 MP\), over the 64 MP limit for one image \(raise it with --max-image-pixels\)$/;
    // planModelInput reads the header only; a job (and so a decode) is never made for this file.
    const measured = await measurePeakRss(() => planModelInput(path, bytes, 'jpeg'));
    await assertImageError(Promise.reject(measured.outcome), path, refusal);
    assert.ok(measured.peakMB - measured.beforeMB < 100, describePeak(measured));
    await assertImageError(modelInputFromFile(path, spec), path, refusal);
    await assertImageError(decodeImage(path), path, refusal); // the same words as before
  });

  it('at the limit an 8-bit image goes through one pipeline; one pixel more is refused with the same words as decodeImage', async () => {
    const limits = { maxImagePixels: 10_000 };
    const at = join(temp.dir, 'at-limit.jpg');
    const over = join(temp.dir, 'over-limit.jpg');
    await sharp(Buffer.alloc(100 * 100, 77), { raw: { width: 100, height: 100, channels: 1 } })
      .jpeg()
      .toFile(at);
    await sharp(Buffer.alloc(101 * 100, 77), { raw: { width: 101, height: 100, channels: 1 } })
      .jpeg()
      .toFile(over);
    assert.equal((await modelInputFromFile(at, spec, limits)).route, 'one-pipeline');
    const words =
      /^image is 101 × 100 pixels \(0\.0101 MP\), over the 0\.01 MP limit for one image \(raise it with --max-image-pixels\)$/;
    await assertImageError(modelInputFromFile(over, spec, limits), over, words);
    await assertImageError(decodeImage(over, limits), over, words);
  });

  it('a cut JPEG, an empty file and a text file are refused as before', async () => {
    const whole = await sharp(Buffer.alloc(300 * 200 * 3, 90), { raw: { width: 300, height: 200, channels: 3 } })
      .jpeg()
      .toBuffer();
    const cut = join(temp.dir, 'cut.jpg');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    await assertImageError(modelInputFromFile(cut, spec), cut, /^cannot decode jpeg: /);
    await assertImageError(decodeImage(cut), cut, /^cannot decode jpeg: /);
    const empty = join(temp.dir, 'empty.png');
    writeFileSync(empty, '');
    await assertImageError(modelInputFromFile(empty, spec), empty, /^empty file \(0 bytes\)$/);
    const text = join(temp.dir, 'text.jpg');
    writeFileSync(text, 'hello, not an image');
    await assertImageError(
      modelInputFromFile(text, spec),
      text,
      /^not a supported image \(starts with bytes 68 65 6c 6c 6f 2c 20 6e\)$/,
    );
  });

  it("a bad preprocessing spec is the model's error (a plain Error), not the file's", async () => {
    const path = join(temp.dir, 'fine.png');
    await sharp(Buffer.alloc(20 * 20, 9), { raw: { width: 20, height: 20, channels: 1 } })
      .png()
      .toFile(path);
    await assert.rejects(
      modelInputFromFile(path, { ...spec, mean: [0.5] }),
      (e: unknown) => !(e instanceof ImageError) && /mean\/std have 1\/3 values/.test(String(e)),
    );
  });
});

describe('engine/pipeline: ImageFeatureStore guards, with the identity index', function () {
  this.timeout(60_000);
  let model: ClipModel;
  before(async () => {
    model = await loadModel(tinyClipDir);
  });
  after(async () => {
    await model.dispose();
  });

  it('a file over the byte cap is refused on a cold run and when its status is recognised (never opened)', async () => {
    const cacheDir = join(temp.dir, 'cache-cap');
    const path = join(temp.dir, 'padded.png');
    const png = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#777' } })
      .png()
      .toBuffer();
    writeFileSync(path, Buffer.concat([png, Buffer.alloc(9_000)])); // ~9.1 KB: over 1,000 px × 8 bytes, under 2,000 × 8
    const identity = () => new FileIdentityIndex(cacheDir, { racyMarginMs: 0 });
    await new Promise((resolve) => setTimeout(resolve, 20)); // its times settle before it is recorded

    // Under a limit that admits it: embedded, and recorded in the index.
    const first = new ImageFeatureStore(
      model,
      new EmbeddingCache(cacheDir),
      { maxImagePixels: 2_000 },
      { identity: identity() },
    );
    assert.ok(!((await first.features([path], false)).get(path) instanceof Error));
    await first.flush();
    // Under a lower limit: refused although the index recognises it and its entry is cached.
    const second = new ImageFeatureStore(
      model,
      new EmbeddingCache(cacheDir),
      { maxImagePixels: 1_000 },
      { identity: identity() },
    );
    const refused = (await second.features([path], false)).get(path);
    assert.ok(refused instanceof ImageError, String(refused));
    assert.match(
      refused.problem,
      /^file is 0\.0\d+ MB, more than any image within the 0\.001 MP limit needs \(0\.008 MB; raise it with --max-image-pixels\)$/,
    );
    // And admitted again under the first limit, recognised without reading.
    const third = new ImageFeatureStore(
      model,
      new EmbeddingCache(cacheDir),
      { maxImagePixels: 2_000 },
      { identity: identity() },
    );
    assert.ok(!((await third.features([path], false)).get(path) instanceof Error));
    assert.deepEqual(third.files, { hashed: 0, recognised: 1 });
  });

  it('a FIFO named like an image is refused at once, whether or not the index is used', async () => {
    const path = join(temp.dir, 'pipe.png');
    execFileSync('mkfifo', [path]);
    for (const identity of [new FileIdentityIndex(join(temp.dir, 'cache-fifo')), null]) {
      const store = new ImageFeatureStore(model, new EmbeddingCache(join(temp.dir, 'cache-fifo')), undefined, {
        identity,
      });
      const refused = (await store.features([path], false)).get(path);
      assert.ok(refused instanceof ImageError, String(refused));
      assert.match(refused.problem, /^not a regular file/);
    }
  });

  it('a missing file is refused with the read error, as before', async () => {
    const path = join(temp.dir, 'missing.png');
    const store = new ImageFeatureStore(model, new EmbeddingCache(join(temp.dir, 'cache-missing')));
    const refused = (await store.features([path], false)).get(path);
    assert.ok(refused instanceof ImageError);
    assert.match(refused.problem, /^cannot read file: .*ENOENT/);
  });
});
