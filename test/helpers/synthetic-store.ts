// Real results stores (the current store format, written by the engine's StoreWriter into
// `<folder>/.radalign/`) for the extension's tests: hand-made pairs, or thousands of synthetic ones
// in a second or so, no model needed. Shared by the unit tests and the integration tests.
import { createHash } from 'node:crypto';
import type { PairResult, ScoreResults, SentenceResult } from '../../src/engine/results';
import { radalignLocation } from '../../src/engine/results-store/location';
import { StoreWriter } from '../../src/engine/results-store/results-store';
import { splitHeatmaps } from '../../src/engine/results-store/stored-pair';
import type { Skipped } from '../../src/engine/types';
import { pairResult, sentenceResult } from './result-builders';

const EMBED_DIM = 4;

export const STORE_MODEL: ScoreResults['model'] = {
  id: 'synthetic',
  name: 'Synthetic store',
  identity: 'synthetic',
  layout: 'radalign',
  heatmapKind: 'patch',
  embedDim: EMBED_DIM,
};

/** Writes `pairs` (any order; their ranks must be 1..n) as the saved results of `folder`; returns the summary file. */
export async function writeStore(
  folder: string,
  pairs: readonly PairResult[],
  skipped: Skipped[] = [],
): Promise<string> {
  const ranked = [...pairs].sort((a, b) => a.rank - b.rank);
  const writer = await StoreWriter.create(radalignLocation(folder), EMBED_DIM);
  try {
    for (const [k, pair] of ranked.entries()) {
      const { sentences, values } = splitHeatmaps(pair);
      const { sentences: _whole, ...fields } = pair;
      const inputKey = createHash('sha256').update(pair.id).digest('hex');
      const embedding = Float32Array.from({ length: EMBED_DIM }, (_, i) => Math.cos(k + i));
      // No ranking to update from: counts of nothing, and a text key per pair.
      await writer.add(
        { ...fields, sentences, order: k, inputKey },
        values,
        embedding,
        embedding,
        { betterReports: 0, betterImages: 0, best: [] },
        inputKey,
      );
    }
    const run: ScoreResults['run'] = {
      folder,
      startedAt: '2025-01-01T00:00:00Z',
      seconds: 1,
      imagesEncoded: 0,
      textsEncoded: 0,
      cache: { dir: null, hits: 0, misses: 0, corrupt: 0, writes: 0 },
    };
    return await writer.commit({ model: STORE_MODEL, run, skipped, settingsKey: 'synthetic' });
  } catch (e) {
    await writer.abort();
    throw e;
  }
}

/** The id of the synthetic pair ranked `rank` of `count`: not in rank order (ids sort differently), as in a real dataset. */
export function syntheticId(rank: number, count: number): string {
  // 7919 is prime and larger than any count used here, so this permutes 0..count-1.
  return `study-${String(((rank - 1) * 7919) % count).padStart(6, '0')}`;
}

export const SYNTHETIC_REPORT = 'FINDINGS: Small left pleural effusion. No pneumothorax.\nIMPRESSION: Effusion.';

/** Pair `rank` of `count` synthetic pairs: report `reports/<id>.txt`, image `images/<id>.png`, three sentences, one heatmap. */
export function syntheticPair(rank: number, count: number): PairResult {
  const id = syntheticId(rank, count);
  const text = SYNTHETIC_REPORT;
  const sentence = (s: string, evidence: number, extra: Partial<SentenceResult> = {}) =>
    sentenceResult({ text: s, start: text.indexOf(s), evidence, ...extra }, { unchecked: true });
  const cosine = 0.3 - (0.2 * (count - rank)) / count;
  // Unchecked: thousands are built at once, and the store's reader checks each pair it reads back.
  return pairResult(
    {
      id,
      images: [`images/${id}.png`],
      reportFile: `reports/${id}.txt`,
      reportText: text,
      cosine,
      suspicion: 1 - (rank - 1) / count,
      rank,
      reportRank: (count - rank) / count,
      imageRank: (count - rank) / (2 * count),
      bestReports: [{ id: syntheticId(rank === 1 ? 2 : 1, count), cosine: 0.31 }],
      sentences: [
        sentence('Small left pleural effusion.', cosine - 0.05, {
          heatmap: { kind: 'patch', imageIndex: 0, rows: 2, cols: 2, values: [0.1, 0.2, 0.3, 0.4], box: [0, 0, 8, 8] },
        }),
        sentence('No pneumothorax.', cosine + 0.02, { negated: true }),
        sentence('Effusion.', cosine, { section: 'impression' }),
      ],
    },
    { unchecked: true },
  );
}

/** Writes `count` synthetic pairs as the saved results of `folder` (3,000 take about a second). */
export async function writeSyntheticStore(folder: string, count: number): Promise<string> {
  return writeStore(
    folder,
    Array.from({ length: count }, (_, k) => syntheticPair(k + 1, count)),
  );
}
