// The header of a scored part: what `radalign score --shard K/N` leaves in the shard folder beside
// the part's pair files, written last (so a part without one is unfinished), and what `radalign
// merge` checks before it ranks: every part of the same dataset, discovery and settings.
// Version 2 holds pairs with the names of results format 3 (`cosine`, `reportFile`/`reportRow`,
// `evidence`, `imageCosine`); a part of version 1 is refused by name (score it again): parts are
// scratch files of one run, unlike saved results, which are read in the older version too.
import * as v from 'valibot';
import { count, ModelSummarySchema, RunSummarySchema, SkippedSchema } from '../results-schema';
import { checkValue, PairFilesSchema } from './store-schema';

export const PART_FORMAT = 'radalign-part/2';

export const PartHeaderSchema = v.object({
  format: v.literal(PART_FORMAT),
  shard: v.object({ index: count, count: v.pipe(count, v.minValue(1, 'expected 1 or more')) }),
  dataset: v.object({
    /** The dataset folder as the part's machine saw it. */
    folder: v.string('expected text'),
    /** Pairs discovered in the whole folder, and a sha256 over their ids, image paths and reports in order: equal on every part. */
    pairs: count,
    idsSha256: v.string('expected text'),
  }),
  /** This part's pairs: discovery positions from ≤ i < to. */
  range: v.object({ from: count, to: count }),
  model: ModelSummarySchema,
  settingsKey: v.string('expected text'),
  /** Files this part lists as not scored (part 0 also lists discovery's). */
  skipped: v.array(SkippedSchema),
  run: RunSummarySchema,
  files: PairFilesSchema,
});

export type PartHeader = v.InferOutput<typeof PartHeaderSchema>;

/** The header in `text`, read from `file`; the error names the file and the field, or the older version. */
export function parsePartHeader(text: string, file: string): PartHeader {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  const format = typeof json === 'object' && json !== null ? (json as { format?: unknown }).format : undefined;
  if (typeof format === 'string' && format !== PART_FORMAT && /^radalign-part\/\d+$/.test(format))
    throw new Error(
      `${file}: format "${format}" is a part written by another radalign version, which this one (reading "${PART_FORMAT}") cannot merge; score that part again with this version`,
    );
  return checkValue(PartHeaderSchema, json, file);
}

/** The shard's file name stem: `shard-0003-of-0010`, sorting in index order. */
export function shardStem(index: number, count: number): string {
  const width = Math.max(4, String(count - 1).length);
  return `shard-${String(index).padStart(width, '0')}-of-${String(count).padStart(width, '0')}`;
}

/** The pairs of shard `index` of `count`: a contiguous run of discovery order, sizes differing by at most one. */
export function shardRange(pairs: number, index: number, count: number): { from: number; to: number } {
  return { from: Math.floor((index * pairs) / count), to: Math.floor(((index + 1) * pairs) / count) };
}
