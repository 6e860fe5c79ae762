// The header of a scored part: what `radalign score --shard K/N` leaves in the shard folder beside
// the part's pair files, written last (so a part without one is unfinished), and what `radalign
// merge` checks before it ranks: every part of the same dataset, discovery and settings.
import * as v from 'valibot';
import { count, ModelSummarySchema, RunSummarySchema, SkippedSchema } from '../results-schema';
import { PairFilesSchema } from './store-schema';

export const PART_FORMAT = 'radalign-part/1';

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

/** The shard's file name stem: `shard-0003-of-0010`, sorting in index order. */
export function shardStem(index: number, count: number): string {
  const width = Math.max(4, String(count - 1).length);
  return `shard-${String(index).padStart(width, '0')}-of-${String(count).padStart(width, '0')}`;
}

/** The pairs of shard `index` of `count`: a contiguous run of discovery order, sizes differing by at most one. */
export function shardRange(pairs: number, index: number, count: number): { from: number; to: number } {
  return { from: Math.floor((index * pairs) / count), to: Math.floor(((index + 1) * pairs) / count) };
}
