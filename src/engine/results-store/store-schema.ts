// The results store's small files: the summary (`results.json`, format radalign-results/4), which
// names the generation of data files that is current, and the index, one entry per pair in rank
// order, which lets a reader list, page and find pairs without reading them. A store of the
// previous version (radalign-results/2, index /1: the names before issue 12) is still read, its
// index and pairs renamed on read (store-v2.ts).
import * as v from 'valibot';
import {
  count,
  describeIssue,
  ModelSummarySchema,
  relativePath,
  ReportSourceFields,
  reportSourceProblem,
  RunSummarySchema,
} from '../results-schema';

/** The summary's format: after radalign-results/3, the document (results-schema.ts), which shares the numbers. */
export const STORE_FORMAT = 'radalign-results/4';
export const INDEX_FORMAT = 'radalign-results-index/2';
/** The previous store (pairs with the names before issue 12), read and renamed (store-v2.ts). */
export const STORE_FORMAT_V2 = 'radalign-results/2';
export const INDEX_FORMAT_V1 = 'radalign-results-index/1';

/** A data file of a store or part: a plain name of ours, never a path (the summary may come from someone else). */
const fileName = v.pipe(
  v.string('expected a file name'),
  v.regex(
    /^(?:results|part|shard)[.-][A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.(?:jsonl|bin|json)$/,
    'expected a file name of the form results.<generation>.<kind> (no folders)',
  ),
);

export const PairFilesSchema = v.object({
  pairs: fileName,
  heatmaps: fileName,
  embeddings: fileName,
  count,
  pairsBytes: count,
  heatmapsBytes: count,
  embeddingsBytes: count,
});

export const StoreSummarySchema = v.object({
  /** Written as STORE_FORMAT; STORE_FORMAT_V2 is read (its index and pairs have the older names). */
  format: v.picklist([STORE_FORMAT, STORE_FORMAT_V2], `expected "${STORE_FORMAT}" (or the older "${STORE_FORMAT_V2}")`),
  model: ModelSummarySchema,
  run: RunSummarySchema,
  /** Pairs scored, and files listed as not scored. */
  pairs: count,
  skipped: count,
  /** The tag in every data file name of this generation. */
  generation: v.pipe(v.string('expected text'), v.regex(/^[A-Za-z0-9_-]+$/, 'expected a plain tag')),
  files: v.object({
    ...PairFilesSchema.entries,
    index: fileName,
    indexBytes: count,
    skippedList: fileName,
    skippedBytes: count,
    /** The ranking's counts and best matches (ranking-file.ts), for ranking again after a few changes. */
    ranking: v.optional(fileName),
    rankingBytes: v.optional(count),
  }),
  /** Best matches kept per pair. */
  bestCount: v.optional(count),
  /** What the pairs' scores depend on besides their inputs: another value, the next run scores every pair again. */
  settingsKey: v.string('expected text'),
});

export type StoreSummary = v.InferOutput<typeof StoreSummarySchema>;

/** One index entry: id, byte offset and length of its line, suspicion, pair cosine, input key, report file or row (one null), images. */
export const IndexEntrySchema = v.pipe(
  v.tuple(
    [
      v.pipe(v.string(), v.minLength(1, 'expected a pair id')),
      count,
      count,
      v.number(),
      v.number(),
      v.string(),
      ReportSourceFields.reportFile,
      ReportSourceFields.reportRow,
      v.array(relativePath),
    ],
    'expected [id, offset, length, suspicion, cosine, inputKey, reportFile, reportRow, images]',
  ),
  v.check(
    (e) => reportSourceProblem({ reportFile: e[6], reportRow: e[7] }) === undefined,
    (issue) =>
      `pair "${issue.input[0]}": ${reportSourceProblem({ reportFile: issue.input[6], reportRow: issue.input[7] })}`,
  ),
);

export type IndexEntry = v.InferOutput<typeof IndexEntrySchema>;

export const StoreIndexSchema = v.object({
  format: v.literal(INDEX_FORMAT),
  /** In rank order: entry k is the pair ranked k + 1. */
  pairs: v.array(IndexEntrySchema),
});

export type StoreIndex = v.InferOutput<typeof StoreIndexSchema>;

/** Parses JSON text against `schema`; the error names `file` and the field. */
export function parseJsonFile<T extends v.GenericSchema>(schema: T, text: string, file: string): v.InferOutput<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  return checkValue(schema, json, file);
}

/** Checks a value read from `file` against `schema`; the error names `file` and the field. */
export function checkValue<T extends v.GenericSchema>(schema: T, value: unknown, file: string): v.InferOutput<T> {
  const parsed = v.safeParse(schema, value);
  if (!parsed.success) throw new Error(`${file}: ${describeIssue(parsed.issues[0])}`);
  return parsed.output;
}
