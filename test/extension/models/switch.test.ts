// Switching model re-scores through the embedding cache keys: the model identity is part of every
// key, so another model encodes everything again, switching back hits the cache, and a downloaded
// copy of a model (another folder, same files) is the same model.
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scoreDataset } from '../../../src/engine';
import { writeSyntheticDataset } from '../../../src/sample/synthetic-dataset';
import { repoRoot, tinyClipDir } from '../../helpers/fixture-models';

const otherModelDir = join(repoRoot, 'test', 'fixtures', 'export', 'hf-clip');

describe('switching model and the embedding cache', function () {
  this.timeout(120_000);
  let dir: string;
  let data: string;
  let cache: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'radalign-switch-'));
    data = join(dir, 'data');
    cache = join(dir, 'cache');
    await writeSyntheticDataset(data, { pairs: 5, swapped: 1, seed: 4, size: 64 });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('another model re-encodes every image and text; switching back hits the cache', async () => {
    const a = await scoreDataset(data, { modelDir: tinyClipDir, cacheDir: cache, heatmaps: 'never' });
    assert.equal(a.run.imagesEncoded, 5);
    const b = await scoreDataset(data, { modelDir: otherModelDir, cacheDir: cache, heatmaps: 'never' });
    assert.notEqual(b.model.identity, a.model.identity);
    assert.equal(b.run.imagesEncoded, 5, "the other model does not reuse the first one's embeddings");
    assert.ok(b.run.textsEncoded > 0);
    const back = await scoreDataset(data, { modelDir: tinyClipDir, cacheDir: cache, heatmaps: 'never' });
    assert.equal(back.run.imagesEncoded, 0);
    assert.equal(back.run.textsEncoded, 0);
    assert.deepEqual(
      back.pairs.map((p) => [p.id, p.cosine]),
      a.pairs.map((p) => [p.id, p.cosine]),
    );
  });

  it('a downloaded copy of a model in another folder is the same model: the cache hits', async () => {
    const copy = join(dir, 'global-storage', 'models', 'tiny-clip-fixture');
    await cp(tinyClipDir, copy, { recursive: true });
    const r = await scoreDataset(data, { modelDir: copy, cacheDir: cache, heatmaps: 'never' });
    assert.equal(r.run.imagesEncoded, 0);
    assert.equal(r.run.textsEncoded, 0);
  });
});
