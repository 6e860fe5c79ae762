// Scoring, second half: the dataset-wide work over the parts written by score-part.ts, read back
// as streams in discovery order. Sentence consistency needs term frequencies over every report;
// a sentence's combined evidence needs the spread of every sentence's image cosine and consistency; suspicion compares
// every image with every report (ranking/rank-pairs.ts). Then the pairs are written to the store
// with their ranks. Memory: the embeddings, packed, and a few numbers per pair and per sentence.
import { hashKey } from '../cache/embedding-cache';
import { rankPairs, updateRanking, type PairRanking, type PreviousRanking } from '../ranking';
import type { PairFilesReader } from '../results-store/pair-files';
import type { StoreWriter } from '../results-store/results-store';
import { combineEvidenceArrays } from '../scoring/combine';
import { DocumentFrequencies, sentenceConsistency, terms } from '../scoring/consistency';
import { ScoreCancelled } from './score-part';

/** Changed pairs (as a fraction of all) up to which the ranking is updated rather than computed anew. */
const UPDATE_AT_MOST = 0.02;

/** The previous store's ranking, and which of this run's pairs it ranked unchanged (id → its row there). */
export interface RankingBefore {
  ranking: PreviousRanking;
  unchangedRow: Map<string, number>;
}

export interface RankPartsOptions {
  dim: number;
  /** How many best-matching other reports to list per pair. */
  bestCount: number;
  threads?: number;
  signal?: AbortSignal;
  /** Pairs ranked so far (the similarity work, the longest step), of all. */
  onProgress?: (done: number, total: number) => void;
  /** When given, the ranking is updated from it (O(N·changed)) instead of computed anew (O(N²)). */
  before?: RankingBefore;
}

interface PairPlace {
  id: string;
  cosine: number;
  /** Equal for pairs whose report texts are equal once spaces and case are evened out. */
  textKey: string;
  /** Index of the pair's first sentence in the dataset-wide sentence arrays. */
  firstSentence: number;
}

/** Ranks the pairs of `parts` (in discovery order) and writes them to `out`; says how. */
export async function rankParts(
  parts: PairFilesReader[],
  out: StoreWriter,
  options: RankPartsOptions,
): Promise<{ pairs: number; ranking: 'full' | 'updated' }> {
  const cancelled = () => {
    if (options.signal?.aborted) throw new ScoreCancelled();
  };
  // Pass 1: where each pair is, its report text's key, its sentences' image evidence, term counts.
  const places: PairPlace[] = [];
  const imageCosines: number[] = [];
  const frequencies = new DocumentFrequencies();
  const seen = new Set<string>();
  let lastOrder = -1;
  for (let p = 0; p < parts.length; p++) {
    for await (const { pair } of parts[p].records()) {
      if (pair.order <= lastOrder)
        throw new Error(
          `pair "${pair.id}" (discovery position ${pair.order}) comes after position ${lastOrder}: the parts are not in discovery order`,
        );
      if (seen.has(pair.id)) throw new Error(`pair id "${pair.id}" appears in two parts`);
      seen.add(pair.id);
      lastOrder = pair.order;
      places.push({
        id: pair.id,
        cosine: pair.cosine,
        textKey: hashKey(pair.reportText.replace(/\s+/g, ' ').trim().toLowerCase()),
        firstSentence: imageCosines.length,
      });
      for (const s of pair.sentences) imageCosines.push(s.imageCosine);
      frequencies.add(pair.sentences.flatMap((s) => terms(s.text)));
    }
    cancelled();
  }
  const idf = frequencies.idf();

  // Pass 2: each sentence's fit with the rest of its report, now that every report's terms are counted.
  const consistency = new Float64Array(imageCosines.length).fill(NaN);
  let k = 0;
  for (let p = 0; p < parts.length; p++) {
    for await (const { pair } of parts[p].records()) {
      const c = sentenceConsistency(
        pair.sentences.map((s) => s.text),
        idf,
      );
      for (const v of c) consistency[k++] = v === null ? NaN : round(v);
    }
    cancelled();
  }
  const combined = combineEvidenceArrays(Float64Array.from(imageCosines), consistency);

  // Suspicion: every image against every report.
  const n = places.length;
  const dim = options.dim;
  const study = new Float32Array(n * dim);
  const report = new Float32Array(n * dim);
  let row = 0;
  for (const part of parts) {
    const e = await part.embeddings();
    study.set(e.study, row * dim);
    report.set(e.report, row * dim);
    row += part.count;
  }
  if (row !== n) throw new Error(`the parts hold ${row} embeddings for ${n} pairs`);
  const keys = places.map((p) => p.textKey);
  let ranking: PairRanking[];
  const unchanged = options.before && unchangedIndices(places, options.before);
  if (options.before && unchanged) {
    ranking = updateRanking(
      options.before.ranking,
      { images: study, reports: report, keys },
      unchanged,
      dim,
      options.bestCount,
    );
  } else {
    ranking = await rankPairs(
      { images: study, reports: report, dim, reportKeys: keys, bestCount: options.bestCount },
      { threads: options.threads, onProgress: options.onProgress },
    );
  }
  cancelled();

  // Most suspicious first; among equals, the lower absolute match first, then the id.
  const suspicion = ranking.map((r) => round(r.suspicion));
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort(
    (a, b) =>
      suspicion[b] - suspicion[a] || places[a].cosine - places[b].cosine || (places[a].id < places[b].id ? -1 : 1),
  );
  const rankOf = new Int32Array(n);
  order.forEach((i, r) => (rankOf[i] = r));

  // Pass 3: the records again, read as streams in discovery order, completed and written in that
  // order (the index gives the rank order): no random reads, whatever the size.
  let i = 0;
  for (let p = 0; p < parts.length; p++) {
    for await (const { pair } of parts[p].records()) {
      if (i % 1024 === 0) cancelled();
      const place = places[i];
      if (pair.id !== place.id)
        throw new Error(`${pair.id} read where ${place.id} was: a part changed while it was ranked`);
      const values = await parts[p].heatmapValues(pair);
      const sentences = pair.sentences.map((s, j) => {
        const c = consistency[place.firstSentence + j];
        return { ...s, evidence: round(combined[place.firstSentence + j]), consistency: Number.isNaN(c) ? null : c };
      });
      const { row: _row, heatmapAt: _at, ...rest } = pair;
      await out.add(
        {
          ...rest,
          sentences,
          suspicion: suspicion[i],
          rank: rankOf[i] + 1,
          reportRank: round(ranking[i].reportRank),
          imageRank: round(ranking[i].imageRank),
          bestReports: ranking[i].best.map((b) => ({ id: places[b.index].id, cosine: round(b.score) })),
        },
        values,
        study.subarray(i * dim, (i + 1) * dim),
        report.subarray(i * dim, (i + 1) * dim),
        // Rows of the store are discovery positions, as here.
        { betterReports: ranking[i].betterReports, betterImages: ranking[i].betterImages, best: ranking[i].best },
        place.textKey,
      );
      i++;
    }
  }
  return { pairs: n, ranking: unchanged ? 'updated' : 'full' };
}

/**
 * Per pair, its row in the previous ranking when it is unchanged there (same id, copied because its
 * inputs are equal, same report-text key), else -1; undefined when too much changed for an update
 * to pay: each changed pair costs two exact passes over all pairs in JavaScript (~2·N·D ns), the
 * blocked ranking ~10·N² ns in all, so above a few percent ranking anew is cheaper.
 */
function unchangedIndices(places: PairPlace[], before: RankingBefore): Int32Array | undefined {
  const out = new Int32Array(places.length).fill(-1);
  let kept = 0;
  places.forEach((p, i) => {
    const row = before.unchangedRow.get(p.id);
    if (row !== undefined && row < before.ranking.keys.length && before.ranking.keys[row] === p.textKey) {
      out[i] = row;
      kept++;
    }
  });
  return places.length - kept <= UPDATE_AT_MOST * places.length ? out : undefined;
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
