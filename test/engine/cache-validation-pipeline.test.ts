// A run over cache entries that are intact (valid checksum, finite) but do not fit the model: a
// vector of another width under the same key, an image entry without its transform, a report
// entry missing a sentence. The readers (pipeline/image-features.ts, report-features.ts) pass the
// expected shape (cache/entry-shapes.ts) to the cache, so each is a miss, recomputed, rewritten
// and counted in run.cache.corrupt; the run's scores equal an uncached run's.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddingCache, encodeEntry, hashKey } from '../../src/engine/cache/embedding-cache';
import { scoreDataset, type ScoreResults } from '../../src/engine';
import { IMAGE_PIPELINE_VERSION } from '../../src/engine/pipeline/image-features';
import { REPORT_PIPELINE_VERSION } from '../../src/engine/pipeline/report-features';
import { writeSyntheticDataset } from '../../src/sample/synthetic-dataset';
import { tinyClipDir } from '../helpers/fixture-models';

describe('a run over cache entries of the wrong shape (fixture model)', function () {
  this.timeout(120_000);
  let root: string;
  let data: string;
  let cacheDir: string;
  let uncached: ScoreResults;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'radalign-cache-shape-'));
    data = join(root, 'data');
    cacheDir = join(root, 'cache');
    await writeSyntheticDataset(data, { pairs: 6, swapped: 1, seed: 7, size: 96 });
    uncached = await scoreDataset(data, { modelDir: tinyClipDir, cacheDir: null });
    await scoreDataset(data, { modelDir: tinyClipDir, cacheDir });
  });
  after(() => rm(root, { recursive: true, force: true }));

  const scores = (r: ScoreResults) => r.pairs.map((p) => [p.id, p.score, p.suspicion, p.sentences.map((s) => [s.imageScore, s.score, s.heatmap?.values])]);
  const imageKey = async (id: string) => hashKey('image', IMAGE_PIPELINE_VERSION, uncached.model.identity, hashKey(await readFile(join(data, `${id}.png`))));
  const reportKey = async (id: string) => hashKey('report', REPORT_PIPELINE_VERSION, uncached.model.identity, await readFile(join(data, `${id}.txt`), 'utf8'));

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
    await reseal(await imageKey(ids[0]), (e) => (e.arrays = e.arrays.map((a) => new Float32Array(a.length * 2).fill(0.1))));
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
    assert.deepEqual([again.run.cache.corrupt, again.run.cache.misses, again.run.cache.hits, again.run.cache.writes], [4, 4, 8, 4]);

    const clean = await scoreDataset(data, { modelDir: tinyClipDir, cacheDir });
    assert.deepEqual([clean.run.cache.hits, clean.run.cache.corrupt, clean.run.imagesEncoded, clean.run.textsEncoded], [12, 0, 0, 0]);
  });
});
