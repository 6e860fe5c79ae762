// The plain O(N²) suspicion loop the results were first computed with: the oracle that
// src/engine/ranking/rank-pairs.ts must equal exactly (ranks, best matches, scores, ties).
// A pair whose report is a poor match for its image *compared with the other reports in the same
// dataset* (and whose image is a poor match for its report compared with the other images) is
// suspicious, whatever the absolute cosine is: absolute cosines differ a lot between models and
// datasets, ranks do not. Reports with the same text as the pair's own (notes reused across a
// patient's images) are not counted as competitors.
import { dot } from '../../src/engine/scoring/vectors';

export interface SuspicionInput {
  /** Unit-length study (image) embeddings, one per pair. */
  images: Float32Array[];
  /** Unit-length report embeddings, one per pair. */
  reports: Float32Array[];
  /** A key per pair equal for pairs with the same report text. */
  reportKeys: string[];
  /** How many best-matching other reports to list per pair. */
  bestCount: number;
}

export interface SuspicionResult {
  /** 0 (its own report is the best match both ways) to 1 (every other report/image fits better). */
  suspicion: number;
  /** Fraction of other reports that match this pair's image better than its own report. */
  reportRank: number;
  /** Fraction of other images that match this pair's report better than its own image. */
  imageRank: number;
  /** Indices of the pairs whose reports match this pair's image best (own report excluded). */
  best: { index: number; score: number }[];
}

/**
 * O(N²·D) over the similarity matrix, computed row by row so memory stays O(N·D).
 * Fine for tens of thousands of pairs; much larger sets would want an approximate index.
 */
export function computeSuspicion(input: SuspicionInput): SuspicionResult[] {
  const { images, reports, reportKeys, bestCount } = input;
  const n = images.length;
  const own = images.map((img, i) => dot(img, reports[i]));
  const betterImages = new Array<number>(n).fill(0);
  const competitors = new Array<number>(n).fill(0);
  const results: SuspicionResult[] = [];

  for (let i = 0; i < n; i++) {
    let betterReports = 0;
    let others = 0;
    const best: { index: number; score: number }[] = [];
    for (let j = 0; j < n; j++) {
      if (j === i || reportKeys[j] === reportKeys[i]) continue;
      const s = dot(images[i], reports[j]);
      others++;
      if (s > own[i]) betterReports++;
      // Column view: image i competes for report j.
      if (s > own[j]) betterImages[j]++;
      competitors[j]++;
      insertBest(best, { index: j, score: s }, bestCount, reportKeys);
    }
    const reportRank = others ? betterReports / others : 0;
    results.push({ suspicion: 0, reportRank, imageRank: 0, best });
  }
  for (let i = 0; i < n; i++) {
    const r = results[i];
    r.imageRank = competitors[i] ? betterImages[i] / competitors[i] : 0;
    r.suspicion = (r.reportRank + r.imageRank) / 2;
  }
  return results;
}

/** Keeps `list` sorted by descending score with at most `max` items, one per report text. */
function insertBest(
  list: { index: number; score: number }[],
  item: { index: number; score: number },
  max: number,
  keys: string[],
): void {
  if (max <= 0) return;
  if (list.length === max && item.score <= list[max - 1].score) return;
  const same = list.findIndex((b) => keys[b.index] === keys[item.index]);
  if (same >= 0) {
    if (list[same].score >= item.score) return;
    list.splice(same, 1);
  }
  let at = list.length;
  while (at > 0 && list[at - 1].score < item.score) at--;
  list.splice(at, 0, item);
  if (list.length > max) list.pop();
}
