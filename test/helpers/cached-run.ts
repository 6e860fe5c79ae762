// A scored synthetic dataset with its embedding cache filled, beside an uncached run of the same
// data: the fixture of the cache tests that damage entries and check the next run recomputes them.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashKey } from '../../src/engine/cache/embedding-cache';
import { scoreDataset, type ScoreResults } from '../../src/engine';
import { IMAGE_PIPELINE_VERSION } from '../../src/engine/pipeline/image-features';
import { REPORT_PIPELINE_VERSION } from '../../src/engine/pipeline/report-features';
import { writeSyntheticDataset } from '../../src/sample/synthetic-dataset';
import { tinyClipDir } from './fixture-models';

export interface CachedRun {
  root: string;
  data: string;
  cacheDir: string;
  /** The same data scored without a cache: what every later run must equal. */
  uncached: ScoreResults;
  /** The run that filled the cache. */
  filling: ScoreResults;
  remove(): Promise<void>;
  imageKey(pair: string): Promise<string>;
  reportKey(pair: string): Promise<string>;
}

export async function cachedRun(seed: number): Promise<CachedRun> {
  const root = await mkdtemp(join(tmpdir(), 'radalign-cached-run-'));
  const data = join(root, 'data');
  const cacheDir = join(root, 'cache');
  await writeSyntheticDataset(data, { pairs: 6, swapped: 1, seed, size: 96 });
  const uncached = await scoreDataset(data, { modelDir: tinyClipDir, cacheDir: null });
  const filling = await scoreDataset(data, { modelDir: tinyClipDir, cacheDir });
  return {
    root,
    data,
    cacheDir,
    uncached,
    filling,
    remove: () => rm(root, { recursive: true, force: true }),
    imageKey: async (pair) =>
      hashKey(
        'image',
        IMAGE_PIPELINE_VERSION,
        uncached.model.identity,
        hashKey(await readFile(join(data, `${pair}.png`))),
      ),
    reportKey: async (pair) =>
      hashKey(
        'report',
        REPORT_PIPELINE_VERSION,
        uncached.model.identity,
        await readFile(join(data, `${pair}.txt`), 'utf8'),
      ),
  };
}

/** What a run's scores are compared on. */
export function scoresOf(r: ScoreResults): unknown {
  return r.pairs.map((p) => [
    p.id,
    p.cosine,
    p.suspicion,
    p.sentences.map((s) => [s.imageCosine, s.evidence, s.heatmap?.values]),
  ]);
}
