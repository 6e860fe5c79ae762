// Cache entries are checked against what the caller needs, not only against their own checksum:
// NaN/Infinity, wrong vector lengths (another model's width under the same key), missing image
// metadata. Each is a miss, counted in stats.corrupt, and the run goes on with the same scores.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddingCache, encodeEntry, hashKey } from '../../../src/engine/cache/embedding-cache';
import { entryProblem } from '../../../src/engine/cache/entry-check';
import { imageEntryShape, occlusionEntryShape, reportEntryShape } from '../../../src/engine/cache/entry-shapes';
import { scoreDataset, type ScoreResults } from '../../../src/engine';
import { cachedRun, type CachedRun, scoresOf } from '../../helpers/cached-run';
import { tinyClipDir } from '../../helpers/fixture-models';

const transform = { scaleX: 1, scaleY: 1, offsetX: 0, offsetY: -3, width: 8, height: 10, inputSize: 8 };
const info = { embedDim: 4, patchGrid: [2, 3] as [number, number], preprocess: { size: 8 } };
const filled = (n: number, v = 0.5) => new Float32Array(n).fill(v);

describe('cache entries are validated against the caller', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'radalign-cache-valid-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** Writes an entry with a correct checksum straight to disk (the cache's own encoder, no put filter). */
  async function plant(cache: EmbeddingCache, key: string, meta: unknown, arrays: Float32Array[]) {
    await cache.put(key, { meta: {}, arrays: [filled(1)] }); // makes the folder
    await writeFile(cache.pathOf(key), encodeEntry({ meta, arrays }));
  }

  it('a valid image entry of the expected shape is a hit', async () => {
    const cache = new EmbeddingCache(dir);
    await cache.put(hashKey('a'), { meta: { transform }, arrays: [filled(4), filled(24)] });
    const got = await cache.get(hashKey('a'), imageEntryShape(info));
    assert.deepEqual(got?.meta, { transform });
    assert.deepEqual(cache.stats, { hits: 1, misses: 0, corrupt: 0, writes: 1 });
  });

  it('an intact entry (valid checksum) with NaN is a miss, counted and removed, even without a shape', async () => {
    const cache = new EmbeddingCache(dir);
    const key = hashKey('nan');
    const v = filled(4);
    v[2] = NaN;
    await plant(cache, key, { transform }, [v, filled(24)]);
    assert.equal(await cache.get(key), null);
    assert.deepEqual(cache.stats, { hits: 0, misses: 1, corrupt: 1, writes: 1 });
    assert.match(cache.rejected[0], /\.emb: array 0 has a non-finite value \(NaN\) at index 2$/);
    await assert.rejects(readFile(cache.pathOf(key)), /ENOENT/);
  });

  it('put does not write NaN or Infinity (it would only be rejected on read)', async () => {
    const cache = new EmbeddingCache(dir);
    await cache.put(hashKey('inf'), { meta: {}, arrays: [new Float32Array([1, Infinity])] });
    assert.equal(cache.stats.writes, 0);
    assert.equal(await cache.get(hashKey('inf')), null);
    assert.equal(cache.stats.corrupt, 0, 'nothing was there to reject');
  });

  it('a vector of another length than the model dim (another model, same key) is a miss', async () => {
    const cache = new EmbeddingCache(dir);
    const key = hashKey('dim');
    await cache.put(key, { meta: { transform }, arrays: [filled(8), filled(48)] }); // dim 8, written by "another model"
    assert.equal(await cache.get(key, imageEntryShape(info)), null);
    assert.equal(cache.stats.corrupt, 1);
    assert.match(cache.rejected[0], /array 0 \(embedding of dim 4\) has 8 values, expected 4$/);
  });

  it('a patch grid of the wrong size, or a missing one, is a miss', async () => {
    const cache = new EmbeddingCache(dir);
    await cache.put(hashKey('g1'), { meta: { transform }, arrays: [filled(4), filled(20)] });
    await cache.put(hashKey('g2'), { meta: { transform }, arrays: [filled(4)] });
    assert.equal(await cache.get(hashKey('g1'), imageEntryShape(info)), null);
    assert.equal(await cache.get(hashKey('g2'), imageEntryShape(info)), null);
    assert.match(cache.rejected[0], /array 1 \(patch grid 2×3×4\) has 20 values, expected 24$/);
    assert.match(cache.rejected[1], /has 1 arrays, expected 2 \(embedding of dim 4, patch grid 2×3×4\)$/);
    assert.equal(cache.stats.corrupt, 2);
  });

  it('an image entry without its metadata, or with a broken transform, is a miss, not a crash later', async () => {
    const cache = new EmbeddingCache(dir);
    const cases: [unknown, RegExp][] = [
      [{}, /metadata: 'transform' is missing$/],
      [null, /metadata: missing \(expected an object with a transform\)$/],
      [
        { transform: { ...transform, offsetX: undefined } },
        /metadata: 'transform.offsetX' must be a finite number \(got undefined\)$/,
      ],
      [{ transform: { ...transform, scaleY: 0 } }, /metadata: 'transform.scaleY' must be positive \(got 0\)$/],
      [{ transform: { ...transform, inputSize: 9 } }, /metadata: 'transform.inputSize' is 9, the model's input is 8$/],
    ];
    for (const [i, [meta]] of cases.entries())
      await plant(cache, hashKey('m', String(i)), meta, [filled(4), filled(24)]);
    for (const [i] of cases.entries())
      assert.equal(await cache.get(hashKey('m', String(i)), imageEntryShape(info)), null);
    cases.forEach(([, re], i) => assert.match(cache.rejected[i], re));
  });

  it('occlusion and report shapes', () => {
    const occ = occlusionEntryShape(info, 3);
    assert.equal(entryProblem({ meta: { transform }, arrays: [filled(36)] }, occ), null);
    assert.match(
      entryProblem({ meta: { transform }, arrays: [filled(35)] }, occ) ?? '',
      /occlusion grid 3×3×4\) has 35 values, expected 36/,
    );
    const rep = reportEntryShape(4, 2);
    assert.equal(entryProblem({ meta: { chunks: 1 }, arrays: [filled(4), filled(4), filled(4)] }, rep), null);
    assert.match(
      entryProblem({ meta: { chunks: 1 }, arrays: [filled(4), filled(4)] }, rep) ?? '',
      /has 2 arrays, expected 3/,
    );
    assert.match(
      entryProblem({ meta: { chunks: 1 }, arrays: [filled(4), filled(3), filled(4)] }, rep) ?? '',
      /array 1 \(sentence 0 embedding of dim 4\) has 3 values/,
    );
    assert.match(
      entryProblem({ meta: {}, arrays: [] }, rep) ?? '',
      /'chunks' must be a whole number ≥ 0 \(got undefined\)/,
    );
  });
});

describe('a run over damaged cache entries (fixture model)', function () {
  this.timeout(120_000);
  let run: CachedRun;
  let data: string;
  let cacheDir: string;
  let uncached: ScoreResults;
  before(async () => {
    run = await cachedRun(5);
    ({ data, cacheDir, uncached } = run);
    assert.equal(run.filling.run.cache.writes, 12);
  });
  after(() => run.remove());

  const scores = scoresOf;
  const imageKey = (pair: string) => run.imageKey(pair);
  const imageEntry = async (pair: string) => new EmbeddingCache(cacheDir).pathOf(await imageKey(pair));

  it('a byte flipped inside a stored vector float and a NaN vector with a valid checksum: misses, recomputed, rewritten, counted; same scores', async () => {
    const ids = uncached.pairs.map((p) => p.id).sort();
    assert.equal(uncached.pairs[0].images[0], `${uncached.pairs[0].id}.png`, 'fixture layout: <id>.png');

    // 1. Flip a byte inside the third float of the global embedding of the first image.
    const flipped = await imageEntry(ids[0]);
    const bytes = await readFile(flipped);
    const firstFloat = 8 + 4 + bytes.readUInt32LE(8) + 4 + 4;
    assert.equal(bytes.readUInt32LE(firstFloat - 4), uncached.model.embedDim, 'the offset lands on the embedding');
    bytes[firstFloat + 8 + 1] ^= 0x01;
    await writeFile(flipped, bytes);

    // 2. NaN in the second image's embedding, re-sealed with a correct checksum by the cache's own encoder.
    const nanFile = await imageEntry(ids[1]);
    const cache = new EmbeddingCache(cacheDir);
    const key = await imageKey(ids[1]);
    const good = await cache.get<{ transform: unknown }>(key);
    assert.ok(good && cache.pathOf(key) === nanFile);
    good.arrays[0][0] = NaN;
    await writeFile(nanFile, encodeEntry(good));

    const again = await scoreDataset(data, { modelDir: tinyClipDir, cacheDir });
    assert.deepEqual(again.skipped, []);
    assert.deepEqual(scores(again), scores(uncached));
    assert.equal(again.run.imagesEncoded, 2);
    assert.equal(again.run.textsEncoded, 0);
    assert.equal(again.run.cache.corrupt, 2, 'both damaged entries reach ScoreResults.run.cache');
    assert.equal(again.run.cache.hits, 10);
    assert.equal(again.run.cache.misses, 2);
    assert.equal(again.run.cache.writes, 2, 'both rewritten');

    const clean = await scoreDataset(data, { modelDir: tinyClipDir, cacheDir });
    assert.deepEqual(
      [clean.run.cache.hits, clean.run.cache.corrupt, clean.run.imagesEncoded],
      [12, 0, 0],
      'the rewritten entries are good',
    );
  });
});
