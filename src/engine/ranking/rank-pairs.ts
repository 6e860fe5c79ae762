// Dataset-relative mismatch suspicion at MIMIC scale.
//
// A pair whose report is a poor match for its image *compared with the other reports in the same
// dataset* (and whose image is a poor match for its report compared with the other images) is
// suspicious, whatever the absolute cosine is: absolute cosines differ a lot between models and
// datasets, ranks do not. Reports with the same text as the pair's own (notes reused across a
// patient's images) are not counted as competitors.
//
// Exact, and fast: onnxruntime's float32 GEMM computes every image × report similarity block by
// block, and its error is bounded (|fl(a·b) − a·b| ≤ γ_D·‖a‖‖b‖, γ_D ≈ D·2⁻²⁴, whatever the
// summation order). Every comparison that the bound cannot settle, and every score that is
// reported, is recomputed by the same double-precision dot product the results always used, so
// ranks, best matches and their scores equal the plain O(N²) loop's (reference-suspicion.ts in the
// tests) exactly, ties included.
import { dot } from '../scoring/vectors';
import { type Candidate, topDistinct } from './best-matches';
import { openSimilarityBlocks, type SimilarityBlocks } from './similarity-blocks';

export interface RankInput {
  /** Unit-length study (image) embeddings, one `dim`-wide row per pair, packed. */
  images: Float32Array;
  /** Unit-length report embeddings, one row per pair, packed in the same order. */
  reports: Float32Array;
  dim: number;
  /** A key per pair, equal for pairs with the same report text. */
  reportKeys: readonly string[];
  /** How many best-matching other reports to list per pair. */
  bestCount: number;
}

export interface PairRanking {
  /** 0 (its own report is the best match both ways) to 1 (every other report/image fits better). */
  suspicion: number;
  /** Fraction of other reports that match this pair's image better than its own report. */
  reportRank: number;
  /** Fraction of other images that match this pair's report better than its own image. */
  imageRank: number;
  /** Pairs whose reports match this pair's image best (own report text excluded), with the exact cosine. */
  best: { index: number; score: number }[];
  /** The counts behind the two ranks (kept so that a later run can update them: update-ranking.ts). */
  betterReports: number;
  betterImages: number;
}

export interface RankOptions {
  /** onnxruntime threads for the GEMM (0: its default). */
  threads?: number;
  /** Rows and columns of one similarity block (memory: rows × cols × 4 bytes, twice while the next is computed). */
  blockRows?: number;
  blockCols?: number;
  /** Called after each block row with the pairs ranked so far. */
  onProgress?: (done: number, total: number) => void;
}

export async function rankPairs(input: RankInput, options: RankOptions = {}): Promise<PairRanking[]> {
  const { images, reports, dim, bestCount } = input;
  const n = input.reportKeys.length;
  if (images.length !== n * dim || reports.length !== n * dim) {
    throw new Error(
      `rankPairs: ${n} pairs of ${dim} values need ${n * dim} values each, got ${images.length} image and ${reports.length} report values`,
    );
  }
  if (n === 0) return [];
  const keys = keyIds(input.reportKeys);
  const groupSize = new Int32Array(n);
  for (let i = 0; i < n; i++) groupSize[keys[i]]++;
  const row = (m: Float32Array, i: number) => m.subarray(i * dim, (i + 1) * dim);
  const exact = (i: number, j: number) => dot(row(images, i), reports, j * dim);
  const own = new Float64Array(n);
  for (let i = 0; i < n; i++) own[i] = exact(i, i);
  const eps = gemmErrorBound(images, reports, dim, n);
  const ownHi = own.map((o) => o + eps);
  const members: number[][] = [];
  for (let i = 0; i < n; i++) (members[keys[i]] ??= []).push(i);
  const sameKey = members.map((m) => Int32Array.from(m));

  const betterReports = new Int32Array(n);
  const betterImages = new Int32Array(n);
  const best: Candidate[][] = new Array(n);
  const rowsPerBlock = Math.max(1, Math.min(n, options.blockRows ?? 512));
  const colsPerBlock = Math.max(1, Math.min(n, options.blockCols ?? 2048));

  const gemm = await openSimilarityBlocks(options.threads ?? 0);
  try {
    const tiles: { r0: number; r1: number; c0: number; c1: number }[] = [];
    for (let r0 = 0; r0 < n; r0 += rowsPerBlock)
      for (let c0 = 0; c0 < n; c0 += colsPerBlock)
        tiles.push({ r0, r1: Math.min(n, r0 + rowsPerBlock), c0, c1: Math.min(n, c0 + colsPerBlock) });
    const compute = (t: (typeof tiles)[number]) => multiply(gemm, images, reports, dim, t);

    let rows: RowState[] = [];
    let next = compute(tiles[0]);
    for (let k = 0; k < tiles.length; k++) {
      const t = tiles[k];
      const block = await next;
      // The next block is multiplied (onnxruntime's threads) while this one is scanned (this thread).
      if (k + 1 < tiles.length) next = compute(tiles[k + 1]);
      if (t.c0 === 0) rows = Array.from({ length: t.r1 - t.r0 }, () => new RowState(bestCount, eps));
      scanBlock(block, t, rows, own, ownHi, keys, sameKey, eps, exact, betterReports, betterImages);
      if (t.c1 === n) {
        for (let i = t.r0; i < t.r1; i++) best[i] = rows[i - t.r0].finish(keys, (j) => exact(i, j));
        options.onProgress?.(t.r1, n);
      }
    }
  } finally {
    await gemm.dispose();
  }

  const out: PairRanking[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const competitors = n - groupSize[keys[i]];
    const reportRank = competitors ? betterReports[i] / competitors : 0;
    const imageRank = competitors ? betterImages[i] / competitors : 0;
    out[i] = {
      suspicion: (reportRank + imageRank) / 2,
      reportRank,
      imageRank,
      best: best[i],
      betterReports: betterReports[i],
      betterImages: betterImages[i],
    };
  }
  return out;
}

/**
 * One block: counts, for each row i and column j of another report text, whether report j beats
 * pair i's own report for image i (row count) and whether image i beats pair j's own image for
 * report j (column count). A plain function over typed arrays, so V8 optimises the hot loop.
 */
function scanBlock(
  block: Float32Array,
  t: { r0: number; r1: number; c0: number; c1: number },
  rows: RowState[],
  own: Float64Array,
  ownHi: Float64Array,
  keys: Int32Array,
  sameKey: Int32Array[],
  eps: number,
  exact: (i: number, j: number) => number,
  betterReports: Int32Array,
  betterImages: Int32Array,
): void {
  const { r0, r1, c0, c1 } = t;
  const width = c1 - c0;
  for (let i = r0; i < r1; i++) {
    const state = rows[i - r0];
    const oi = own[i];
    const hi = ownHi[i];
    const ki = keys[i];
    const base = (i - r0) * width - c0;
    let floor = state.floor;
    let better = 0;
    // Every column is counted here, its own text's too (no test per column); those are taken off below.
    for (let j = c0; j < c1; j++) {
      const s = block[base + j];
      // Counted from the GEMM value, without branches (similarities vs own cosines are coin flips
      // on suspicious rows, which a branch predictor loses); a value within the error bound of
      // either own cosine is counted again from the exact dot product instead.
      better += Number(s > hi);
      betterImages[j] += Number(s > ownHi[j]);
      if (Math.abs(s - oi) <= eps || Math.abs(s - own[j]) <= eps) {
        const [row, col] = nearTie(s, i, j, own, ownHi, eps, exact);
        better += row;
        betterImages[j] += col;
      }
      if (s >= floor && keys[j] !== ki) {
        state.consider(j, s, keys);
        floor = state.floor;
      }
    }
    // Columns with this row's report text (itself, and reused texts) are not competitors.
    for (const j of sameKey[ki]) {
      if (j < c0 || j >= c1) continue;
      const s = block[base + j];
      better -= Number(s > hi);
      betterImages[j] -= Number(s > ownHi[j]);
      if (Math.abs(s - oi) <= eps || Math.abs(s - own[j]) <= eps) {
        const [row, col] = nearTie(s, i, j, own, ownHi, eps, exact);
        better -= row;
        betterImages[j] -= col;
      }
    }
    betterReports[i] += better;
  }
}

/** The corrections, from the exact dot product, to the GEMM value's counts when it lies within the error bound. */
function nearTie(
  s: number,
  i: number,
  j: number,
  own: Float64Array,
  ownHi: Float64Array,
  eps: number,
  exact: (i: number, j: number) => number,
): [number, number] {
  const e = exact(i, j);
  const row = Math.abs(s - own[i]) <= eps ? Number(e > own[i]) - Number(s > ownHi[i]) : 0;
  const col = Math.abs(s - own[j]) <= eps ? Number(e > own[j]) - Number(s > ownHi[j]) : 0;
  return [row, col];
}

async function multiply(
  gemm: SimilarityBlocks,
  images: Float32Array,
  reports: Float32Array,
  dim: number,
  t: { r0: number; r1: number; c0: number; c1: number },
): Promise<Float32Array> {
  return gemm.multiply(
    images.subarray(t.r0 * dim, t.r1 * dim),
    t.r1 - t.r0,
    reports.subarray(t.c0 * dim, t.c1 * dim),
    t.c1 - t.c0,
    dim,
  );
}

/**
 * Largest possible |GEMM value − exact dot| over all pairs, doubled for margin: Higham's bound
 * γ_D·Σ|a_k b_k| ≤ γ_D·‖a‖‖b‖ for float32 accumulation in any order (FMA or not).
 */
export function gemmErrorBound(images: Float32Array, reports: Float32Array, dim: number, n: number): number {
  const maxNorm = (m: Float32Array) => {
    let max = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = i * dim; k < (i + 1) * dim; k++) s += m[k] * m[k];
      max = Math.max(max, Math.sqrt(s));
    }
    return max;
  };
  const u = 2 ** -24;
  const gamma = (dim * u) / (1 - dim * u);
  return 2 * gamma * maxNorm(images) * maxNorm(reports) + Number.EPSILON;
}

/** Small integers for report keys: equal strings, equal ids. */
function keyIds(keys: readonly string[]): Int32Array {
  const ids = new Map<string, number>();
  const out = new Int32Array(keys.length);
  keys.forEach((k, i) => {
    let id = ids.get(k);
    if (id === undefined) ids.set(k, (id = ids.size));
    out[i] = id;
  });
  return out;
}

/**
 * Best matches of one image row. While the row is scanned, a best list over GEMM values gives a
 * floor (its weakest entry, less twice the error bound) below which no column can reach the exact
 * best list; columns above it are kept as candidates. At the end the candidates' exact scores go
 * through the one selection (best-matches.ts), which picks what the plain loop's one pass picked:
 * every column it would keep is a candidate.
 */
class RowState {
  floor = -Infinity;
  private readonly approx: Candidate[] = [];
  private candidates: Candidate[] = [];

  constructor(
    private readonly max: number,
    private readonly eps: number,
  ) {
    if (max <= 0) this.floor = Infinity;
  }

  consider(j: number, s: number, keys: Int32Array): void {
    this.candidates.push({ index: j, score: s });
    if (insertBest(this.approx, { index: j, score: s }, this.max, keys) && this.approx.length === this.max) {
      this.floor = this.approx[this.max - 1].score - 2 * this.eps;
      if (this.candidates.length > 8 * this.max + 64)
        this.candidates = this.candidates.filter((c) => c.score >= this.floor);
    }
  }

  finish(keys: Int32Array, exact: (j: number) => number): Candidate[] {
    const kept = this.candidates
      .filter((c) => c.score >= this.floor)
      .map((c) => ({ index: c.index, score: exact(c.index) }));
    return topDistinct(kept, keys, this.max);
  }
}

/**
 * The running best list over GEMM values, for the floor: kept sorted by descending score with at
 * most `max` items, one per report text, in one pass. Returns whether `item` was taken.
 */
function insertBest(list: Candidate[], item: Candidate, max: number, keys: Int32Array): boolean {
  if (max <= 0) return false;
  if (list.length === max && item.score <= list[max - 1].score) return false;
  const same = list.findIndex((b) => keys[b.index] === keys[item.index]);
  if (same >= 0) {
    if (list[same].score >= item.score) return false;
    list.splice(same, 1);
  }
  let at = list.length;
  while (at > 0 && list[at - 1].score < item.score) at--;
  list.splice(at, 0, item);
  if (list.length > max) list.pop();
  return true;
}
