// A run over cache entries that are intact (valid checksum, finite) but do not fit the model: a
// vector of another width under the same key, an image entry without its transform, a report
// entry missing a sentence. The readers (pipeline/image-features.ts, report-features.ts) pass the
// expected shape (cache/entry-shapes.ts) to the cache, so each is a miss, recomputed, rewritten
// and counted in run.cache.corrupt; the run's scores equal an uncached run's.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { EmbeddingCache, encodeEntry } from '../../../src/engine/cache/embedding-cache';
import { scoreDataset, type ScoreResults } from '../../../src/engine';
import { cachedRun, type CachedRun, scoresOf } from '../../helpers/cached-run';
import { tinyClipDir } from '../../helpers/fixture-models';

describe('a run over cache entries of the wrong shape (fixture model)', function () {
  this.timeout(120_000);
  let run: CachedRun;
  let data: string;
  let cacheDir: string;
  let uncached: ScoreResults;
  before(async () => {
    run = await cachedRun(7);
    ({ data, cacheDir, uncached } = run);
  });
  after(() => run.remove());

  const scores = scoresOf;
  const imageKey = (id: string) => run.imageKey(id);
  const reportKey = (id: string) => run.reportKey(id);

  /** Reads an entry as stored, lets `change` alter it, and writes it back with a correct checksum. */
  async function reseal(key: string, change: (e: { meta: Record<string, unknown>; arrays: Float32Array[] }) => void) {
    const cache = new EmbeddingCache(cacheDir);
    const entry = await cache.get<Record<string, unknown>>(key);
    assert.ok(entry, 'the entry was cached by the first run');
    change(entry);
    await writeFile(cache.pathOf(key), encodeEntry(entry));
  }

  it('wrong vector length, missing image metadata, short report entry: misses, recomputed, counted; same scores', async () => {
    const ids = uncached.pairs.map((p) => p.id).sort();
    const dim = uncached.model.embedDim;
    // "Another model" with twice the width under the same key: every array twice as long.
    await reseal(
      await imageKey(ids[0]),
      (e) => (e.arrays = e.arrays.map((a) => new Float32Array(a.length * 2).fill(0.1))),
    );
    // An older writer without the transform (used to abort: reading 'offsetX' of undefined).
    await reseal(await imageKey(ids[1]), (e) => (e.meta = {}));
    // Just the embedding, one float short.
    await reseal(await imageKey(ids[2]), (e) => (e.arrays[0] = e.arrays[0].subarray(0, dim - 1)));
    // A report entry whose sentence vectors are one short in width.
    await reseal(await reportKey(ids[3]), (e) => (e.arrays = e.arrays.map((a) => a.slice(0, dim - 1))));

    const again = await scoreDataset(data, { modelDir: tinyClipDir, cacheDir });
    assert.deepEqual(again.skipped, []);
    assert.deepEqual(scores(again), scores(uncached));
    assert.equal(again.run.imagesEncoded, 3);
    assert.ok(again.run.textsEncoded > 0);
    assert.deepEqual(
      [again.run.cache.corrupt, again.run.cache.misses, again.run.cache.hits, again.run.cache.writes],
      [4, 4, 8, 4],
    );

    const clean = await scoreDataset(data, { modelDir: tinyClipDir, cacheDir });
    assert.deepEqual(
      [clean.run.cache.hits, clean.run.cache.corrupt, clean.run.imagesEncoded, clean.run.textsEncoded],
      [12, 0, 0, 0],
    );
  });
});
