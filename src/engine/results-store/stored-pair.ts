// One pair as stored on disk: a line of JSON with everything but the heatmap values, which go to a
// binary side file (65 % of a pair's JSON before), and a few fields for the store itself. The same
// form serves a scored part (before ranking: no ranking fields) and a ranked store.
import * as v from 'valibot';
import {
  count,
  endBeforeStart,
  fraction,
  HeatmapGridSchema,
  PairResultSchema,
  pathTo,
  reportSourceProblem,
  SentenceFieldsSchema,
  type PairResult,
  type SentenceResult,
} from '../results-schema';
import { roundValues } from '../scoring/heatmap';
import { parseJsonFile } from './store-schema';

const pairFields = PairResultSchema.pipe[0].entries;

const StoredSentenceSchema = v.pipe(
  v.object({ ...SentenceFieldsSchema.entries, heatmap: v.optional(HeatmapGridSchema) }),
  v.forward(
    v.check(
      (s) => s.start <= s.end,
      (issue) => endBeforeStart(issue.input),
    ),
    ['end'],
  ),
);

export const StoredPairSchema = v.pipe(
  v.object({
    id: pairFields.id,
    images: pairFields.images,
    reportFile: pairFields.reportFile,
    reportRow: pairFields.reportRow,
    reportText: pairFields.reportText,
    cosine: pairFields.cosine,
    split: pairFields.split,
    sentences: v.array(StoredSentenceSchema, 'expected an array of sentences'),
    /** Ranking, once the pair has been ranked with the rest of the dataset. */
    suspicion: v.optional(fraction),
    rank: v.optional(pairFields.rank),
    reportRank: v.optional(fraction),
    imageRank: v.optional(fraction),
    bestReports: v.optional(pairFields.bestReports),
    /** Position in the dataset's discovery order: parts merge in it, so ties break as in one run. */
    order: count,
    /** Row of the pair's study and report embeddings in the embeddings file. */
    row: count,
    /** Index of the pair's first heatmap value in the heatmaps file; its sentences' maps follow in order. */
    heatmapAt: count,
    /** sha256 of everything the pair's scores depend on: equal keys, the pair need not be scored again. */
    inputKey: v.pipe(v.string('expected text'), v.regex(/^[0-9a-f]{64}$/, 'expected a sha256 in hex')),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const pair = dataset.value;
    const source = reportSourceProblem(pair);
    if (source) addIssue({ message: source, path: pathTo(pair, ['reportFile']) });
    pair.sentences.forEach((s, i) => {
      const at = (...keys: (string | number)[]) => pathTo(pair, ['sentences', i, ...keys]);
      if (s.end > pair.reportText.length)
        addIssue({
          message: `offset ${s.end} lies past the end of reportText (${pair.reportText.length} characters)`,
          path: at('end'),
        });
      if (s.heatmap && s.heatmap.imageIndex >= pair.images.length) {
        addIssue({
          message: `image ${s.heatmap.imageIndex} does not exist (the pair has ${pair.images.length})`,
          path: at('heatmap', 'imageIndex'),
        });
      }
    });
  }),
);

export type StoredPair = v.InferOutput<typeof StoredPairSchema>;

/** How many heatmap values a stored pair owns (its sentences' maps, in order). */
export function heatmapValueCount(pair: { sentences: { heatmap?: { rows: number; cols: number } }[] }): number {
  let n = 0;
  for (const s of pair.sentences) if (s.heatmap) n += s.heatmap.rows * s.heatmap.cols;
  return n;
}

/** Parses one line; the error names `where` (file and line) and the field. */
export function parseStoredPair(line: string, where: string): StoredPair {
  return parseJsonFile(StoredPairSchema, line, where);
}

/** The pair without its heatmap values, and the values as float32. */
export function splitHeatmaps(
  pair: Omit<PairResult, 'suspicion' | 'rank' | 'reportRank' | 'imageRank' | 'bestReports'>,
): {
  sentences: StoredPair['sentences'];
  values: Float32Array;
} {
  const values = new Float32Array(heatmapValueCount(pair));
  let at = 0;
  const sentences = pair.sentences.map((s) => {
    if (!s.heatmap) return s as StoredPair['sentences'][number];
    const { values: v, ...grid } = s.heatmap;
    values.set(v, at);
    at += v.length;
    return { ...s, heatmap: grid };
  });
  return { sentences, values };
}

/** Sentences with their heatmap values put back, rounded as the results always wrote them. */
export function joinHeatmaps(sentences: StoredPair['sentences'], values: Float32Array): SentenceResult[] {
  let at = 0;
  return sentences.map((s) => {
    if (!s.heatmap) return s as SentenceResult;
    const n = s.heatmap.rows * s.heatmap.cols;
    // Written rounded to roundValues' digits: float32 holds such values closely enough to round back to them.
    const out = roundValues(values.subarray(at, at + n)).map((x) => x + 0); // -0 as 0, as JSON writes it
    at += n;
    return { ...s, heatmap: { ...s.heatmap, values: out } };
  });
}

/** The results-file form of a ranked stored pair. */
export function toPairResult(pair: StoredPair, values: Float32Array, where: string): PairResult {
  if (
    pair.rank === undefined ||
    pair.suspicion === undefined ||
    pair.reportRank === undefined ||
    pair.imageRank === undefined ||
    pair.bestReports === undefined
  ) {
    throw new Error(`${where}: pair "${pair.id}" has not been ranked (a scored part, not results)`);
  }
  // Key order as the results file always had it.
  const out = {
    id: pair.id,
    images: pair.images,
    reportFile: pair.reportFile,
    reportRow: pair.reportRow,
    reportText: pair.reportText,
    cosine: pair.cosine,
    sentences: joinHeatmaps(pair.sentences, values),
    ...(pair.split !== undefined ? { split: pair.split } : {}),
    suspicion: pair.suspicion,
    rank: pair.rank,
    reportRank: pair.reportRank,
    imageRank: pair.imageRank,
    bestReports: pair.bestReports,
  };
  return out;
}
