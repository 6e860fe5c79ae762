// Ranking again after a few pairs changed, without comparing every image with every report again.
//
// A pair's counts (how many other reports beat its own for its image, how many other images beat
// its own for its report) change only by the comparisons with pairs that were removed or changed
// (subtracted, with their old embeddings and report texts) and with pairs that are new or changed
// (added). Its best matches change only by the new pairs, or must be found again when one of its
// best matches is gone. New and changed pairs are ranked against everything. Every comparison is
// the exact dot product the full ranking uses, so the result equals rankPairs on the new set
// (the tests check this on random edits): O(N·changed·D) instead of O(N²·D).
import { dot } from '../scoring/vectors';
import { type Candidate, topDistinct } from './best-matches';
import type { PairRanking } from './rank-pairs';

/** What a ranking leaves for the next one, per pair. */
export interface RankCounts {
  betterReports: number;
  betterImages: number;
  best: Candidate[];
}

export interface RankedSet {
  images: Float32Array;
  reports: Float32Array;
  /** Equal for pairs with the same report text. */
  keys: readonly string[];
}

export interface PreviousRanking extends RankedSet {
  /** Per previous pair (its index in the previous set): counts and best matches (indices into the previous set). */
  counts: RankCounts[];
}

/**
 * Ranks `next` given the ranking of `previous`; `unchanged[i]` is the index in `previous` of next
 * pair i when its image and report embeddings and report text are the same, else -1.
 */
export function updateRanking(
  previous: PreviousRanking,
  next: RankedSet,
  unchanged: Int32Array,
  dim: number,
  bestCount: number,
): PairRanking[] {
  const n = next.keys.length;
  const m = previous.keys.length;
  if (unchanged.length !== n) throw new Error(`updateRanking: ${unchanged.length} entries for ${n} pairs`);
  const nextOf = new Int32Array(m).fill(-1);
  unchanged.forEach((p, i) => {
    if (p >= 0) {
      if (p >= m || nextOf[p] >= 0) throw new Error(`updateRanking: previous pair ${p} cannot be next pair ${i}`);
      nextOf[p] = i;
    }
  });
  const removed: number[] = [];
  for (let p = 0; p < m; p++) if (nextOf[p] < 0) removed.push(p);
  const added: number[] = [];
  for (let i = 0; i < n; i++) if (unchanged[i] < 0) added.push(i);

  const row = (a: Float32Array, i: number) => a.subarray(i * dim, (i + 1) * dim);
  const sim = (imgs: Float32Array, i: number, reps: Float32Array, j: number) => dot(row(imgs, i), reps, j * dim);
  const own = new Float64Array(n);
  for (let i = 0; i < n; i++) own[i] = sim(next.images, i, next.reports, i);
  const group = new Map<string, number>();
  for (const k of next.keys) group.set(k, (group.get(k) ?? 0) + 1);

  const out: PairRanking[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const key = next.keys[i];
    let betterReports = 0;
    let betterImages = 0;
    let best: Candidate[];
    const p = unchanged[i];
    if (p >= 0) {
      const before = previous.counts[p];
      betterReports = before.betterReports;
      betterImages = before.betterImages;
      for (const q of removed) {
        if (previous.keys[q] === key) continue;
        if (sim(previous.images, p, previous.reports, q) > own[i]) betterReports--;
        if (sim(previous.images, q, previous.reports, p) > own[i]) betterImages--;
      }
      for (const c of added) {
        if (next.keys[c] === key) continue;
        if (sim(next.images, i, next.reports, c) > own[i]) betterReports++;
        if (sim(next.images, c, next.reports, i) > own[i]) betterImages++;
      }
      if (before.best.some((b) => nextOf[b.index] < 0)) best = bestOf(i, allIndices(n), next, key, sim, bestCount);
      else {
        const kept = before.best.map((b) => ({ index: nextOf[b.index], score: b.score }));
        const fresh = added
          .filter((c) => next.keys[c] !== key)
          .map((c) => ({ index: c, score: sim(next.images, i, next.reports, c) }));
        best = topDistinct([...kept, ...fresh], next.keys, bestCount);
      }
    } else {
      for (let j = 0; j < n; j++) {
        if (next.keys[j] === key) continue;
        if (sim(next.images, i, next.reports, j) > own[i]) betterReports++;
        if (sim(next.images, j, next.reports, i) > own[i]) betterImages++;
      }
      best = bestOf(i, allIndices(n), next, key, sim, bestCount);
    }
    const competitors = n - group.get(key)!;
    const reportRank = competitors ? betterReports / competitors : 0;
    const imageRank = competitors ? betterImages / competitors : 0;
    out[i] = { suspicion: (reportRank + imageRank) / 2, reportRank, imageRank, best, betterReports, betterImages };
  }
  return out;
}

function allIndices(n: number): Iterable<number> {
  return { [Symbol.iterator]: () => Array.from({ length: n }, (_, j) => j)[Symbol.iterator]() };
}

function bestOf(
  i: number,
  columns: Iterable<number>,
  set: RankedSet,
  key: string,
  sim: (imgs: Float32Array, i: number, reps: Float32Array, j: number) => number,
  bestCount: number,
): Candidate[] {
  const all: Candidate[] = [];
  for (const j of columns) if (set.keys[j] !== key) all.push({ index: j, score: sim(set.images, i, set.reports, j) });
  return topDistinct(all, set.keys, bestCount);
}
