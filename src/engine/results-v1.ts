// Results of format radalign-results/1 (the names before issue 12: a pair's `score` and `report`,
// its best reports' `score`, a sentence's `score` and `imageScore`), still read: an older
// `.radalign/results.json`, and the pairs of a radalign-results/2 store (results-store/store-v2.ts).
// The renamed fields are checked under their old names, so a problem names the field as the file
// spells it; then they are renamed, and the current schema checks everything. Free of Node.
import * as v from 'valibot';
import { finite, legacyReportPath } from './results-schema';
import { isManifestOrigin } from './report-origin';

export const RESULTS_FORMAT_V1 = 'radalign-results/1';

/** A sentence's renamed fields; the others pass through to the current schema. */
export const V1SentenceSchema = v.looseObject({ score: finite, imageScore: finite });

/** A pair's renamed fields (bestReports optional: a scored part's pairs have none yet). */
export const V1PairSchema = v.looseObject({
  report: legacyReportPath,
  score: finite,
  bestReports: v.optional(v.array(v.looseObject({ score: finite }), 'expected an array')),
  sentences: v.array(V1SentenceSchema, 'expected an array of sentences'),
});

export const V1ResultsSchema = v.looseObject({
  format: v.literal(RESULTS_FORMAT_V1),
  pairs: v.array(V1PairSchema, 'expected an array of pairs'),
});

/** `report` as it was: a manifest row label when it reads as one (the old format could not say more), else a file. */
export function reportSource(report: string): { reportFile: string | null; reportRow: string | null } {
  return isManifestOrigin(report) ? { reportFile: null, reportRow: report } : { reportFile: report, reportRow: null };
}

/** A pair that passed V1PairSchema with today's names (to be checked by the current schema). */
export function renameV1Pair(pair: v.InferOutput<typeof V1PairSchema>): Record<string, unknown> {
  const { report, score, bestReports, sentences, ...rest } = pair;
  return {
    ...rest,
    ...reportSource(report),
    cosine: score,
    ...(bestReports ? { bestReports: bestReports.map(({ score: cosine, ...b }) => ({ ...b, cosine })) } : {}),
    sentences: sentences.map(({ score: evidence, imageScore: imageCosine, ...s }) => ({ ...s, evidence, imageCosine })),
  };
}

/** A whole radalign-results/1 document with today's names and format (to be checked by the current schema). */
export function renameV1Results(
  results: v.InferOutput<typeof V1ResultsSchema>,
  format: string,
): Record<string, unknown> {
  return { ...results, format, pairs: results.pairs.map(renameV1Pair) };
}
