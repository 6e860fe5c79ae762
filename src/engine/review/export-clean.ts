// `radalign export-clean`: the dataset's pairs as the review leaves them, a manifest that
// `radalign score --manifest` (or a training script) reads. Mismatched pairs are left out, or
// paired with the report the review says belongs to their images; what was dropped and why goes
// to clean-summary.json. Reads the saved results a pair at a time (never all records at once) and
// writes only into the export folder: the dataset folder is never modified. Rules: clean-rules.ts;
// files and columns: clean-manifest.ts and docs/clean-export.md.
import { basename, join } from 'node:path';
import type { PairResult } from '../results';
import { StoredResults } from '../results-store/results-store';
import { openSavedResults, RESULTS_FILE, type SavedResults } from '../store/results-file';
import { byCodeUnit } from '../dataset/walk';
import { type CleanOptions, type CleanDecision, decidePair, DROP_REASONS, type DropReason } from './clean-rules';
import {
  annotationEntry,
  type CleanRow,
  csvHeader,
  csvLine,
  isR2GenOrigin,
  jsonlLine,
  R2GEN_SPLITS,
  type R2GenSplit,
  r2genSplit,
  reviewColumns,
} from './clean-manifest';
import { CLEAN_FORMAT, prepareOutDir, removeStale, StreamedFile, SUMMARY_FILE, writeSmallFile } from './clean-out-dir';
import { ReviewIndex } from './review-index';
import { REVIEW_FILE, ReviewStore } from './review-store';
import type { FlagReason } from './types';

export { CleanExportRefused } from './clean-out-dir';
export type { CleanOptions, DropReason } from './clean-rules';

export type ExportCleanOptions = CleanOptions;

export interface DroppedPair {
  id: string;
  reason: DropReason;
  detail?: string;
  /** The mismatch reason the deciding verdict gave, when it gave one. */
  mismatch?: FlagReason;
  reviewers: string[];
  adjudicatedBy?: string;
}

export interface RePairedPair {
  id: string;
  /** The pair whose report this pair's images now carry. */
  reportOf: string;
  reviewers: string[];
  adjudicatedBy?: string;
}

/** clean-summary.json, format radalign-clean/1. */
export interface ExportCleanSummary {
  format: typeof CLEAN_FORMAT;
  createdAt: string;
  dataset: string;
  source: {
    results: string;
    /** The results store's generation (null for an older single-document results file). */
    generation: string | null;
    model: string;
    scoredAt: string;
    pairs: number;
  };
  review: { file: string; problems: string[]; pairsNotInResults: number };
  options: Required<CleanOptions>;
  /** Whether the pairs came from an R2Gen annotation file (then annotation.json is written). */
  r2gen: boolean;
  counts: {
    pairs: number;
    written: number;
    kept: number;
    rePaired: number;
    dropped: number;
    keptBy: Record<'unreviewed' | 'aligned' | 'unsure' | 'disagreed', number>;
    droppedBy: Record<DropReason, number>;
  };
  dropped: DroppedPair[];
  rePaired: RePairedPair[];
  /** Pairs written to the manifests but not to annotation.json: their split is none of train/val/test. */
  annotationLeftOut: string[];
  /** Files written, in the export folder. */
  files: string[];
  /** The export folder, absolute. */
  outDir: string;
}

/** No saved results to export from (score with --save first), or they cannot be read. */
export class CleanExportNoResults extends Error {
  override name = 'CleanExportNoResults';
}

const DEFAULTS: Required<CleanOptions> = { unsure: 'keep', disagreed: 'drop', reviewedOnly: false };

/** A pair's fields an export needs, read without its heatmap values. */
type PairText = Pick<PairResult, 'id' | 'images' | 'reportFile' | 'reportRow' | 'reportText' | 'split'>;

export async function exportClean(
  root: string,
  outDir: string,
  options: ExportCleanOptions = {},
): Promise<ExportCleanSummary> {
  const opts: Required<CleanOptions> = { ...DEFAULTS, ...definedOnly(options) };
  const opened = await openSavedResults(root);
  if (opened === undefined)
    throw new CleanExportNoResults(
      `${join(root, RESULTS_FILE)}: no saved results; score the folder with \`radalign score ${root} --save\` (or in VS Code) first`,
    );
  if (!opened.ok) throw new CleanExportNoResults(opened.problem);
  const results = opened.results;
  try {
    const out = await prepareOutDir(root, outDir);
    const loaded = await new ReviewStore(root).load();
    const review = new ReviewIndex(loaded.entries);
    return await write(root, out, results, review, loaded.problems, opts);
  } finally {
    await results.close();
  }
}

async function write(
  root: string,
  out: string,
  results: SavedResults,
  review: ReviewIndex,
  problems: string[],
  opts: Required<CleanOptions>,
): Promise<ExportCleanSummary> {
  const ids = results.ids().sort(byCodeUnit);
  const known = (id: string) => results.entry(id) !== undefined;
  const r2gen = ids.some((id) => isR2GenOrigin(results.entry(id)!.reportRow));
  const read = textReader(results);

  const summary: ExportCleanSummary = {
    format: CLEAN_FORMAT,
    createdAt: new Date().toISOString(),
    dataset: root,
    source: {
      results: RESULTS_FILE.split('\\').join('/'),
      generation: results instanceof StoredResults ? results.summary.generation : null,
      model: results.model.id,
      scoredAt: results.run.startedAt,
      pairs: results.count,
    },
    review: {
      file: REVIEW_FILE.split('\\').join('/'),
      problems,
      pairsNotInResults: [...review.pairs()].filter((p) => !known(p.pair)).length,
    },
    options: opts,
    r2gen,
    counts: {
      pairs: ids.length,
      written: 0,
      kept: 0,
      rePaired: 0,
      dropped: 0,
      keptBy: { unreviewed: 0, aligned: 0, unsure: 0, disagreed: 0 },
      droppedBy: Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>,
    },
    dropped: [],
    rePaired: [],
    annotationLeftOut: [],
    files: [],
    outDir: out,
  };

  const files: StreamedFile[] = [];
  const open = async (name: string) => {
    const f = await StreamedFile.create(out, name);
    files.push(f);
    return f;
  };
  try {
    const csv = await open('manifest.csv');
    const jsonl = await open('manifest.jsonl');
    const splits = new Map<R2GenSplit, { file: StreamedFile; rows: number }>();
    if (r2gen) for (const s of R2GEN_SPLITS) splits.set(s, { file: await open('annotation.json'), rows: 0 });
    await csv.write(csvHeader());

    for (const id of ids) {
      const pairReview = review.get(id);
      const decision = decidePair(id, pairReview, opts, known);
      if (decision.action === 'drop') {
        record(summary, id, decision);
        continue;
      }
      const pair = await read(id);
      const reportPair = decision.action === 're-pair' ? await read(decision.useReportOf) : pair;
      const row: CleanRow = {
        id,
        images: pair.images,
        report: reportPair.reportText,
        reportPath: reportPair.reportFile,
        split: pair.split ?? null,
        outcome: decision.outcome,
        action: decision.action === 're-pair' ? 're-paired' : 'kept',
        reportOf: reportPair.id,
        ...reviewColumns(pairReview),
      };
      record(summary, id, decision);
      summary.counts.written++;
      await csv.write(csvLine(row));
      await jsonl.write(jsonlLine(row));
      if (r2gen) {
        const split = r2genSplit(row.split);
        if (split === undefined) summary.annotationLeftOut.push(id);
        else {
          const part = splits.get(split)!;
          await part.file.write(`${part.rows++ === 0 ? '\n' : ',\n'}    ${annotationEntry(row, split)}`);
        }
      }
    }

    const committed: string[] = [];
    let annotation: StreamedFile | undefined;
    if (r2gen) {
      annotation = await open('annotation.json');
      await annotation.write('{');
      let first = true;
      for (const [split, part] of splits) {
        await annotation.write(`${first ? '' : ','}\n  ${JSON.stringify(split)}: [`);
        await annotation.append(part.file);
        await annotation.write(part.rows ? '\n  ]' : ']');
        first = false;
      }
      await annotation.write('\n}\n');
    }
    // Every large file is durable under its temporary name before any replaces its target.
    for (const f of [csv, jsonl, ...(annotation ? [annotation] : [])]) await f.finish();
    for (const f of [csv, jsonl, ...(annotation ? [annotation] : [])]) committed.push(await f.commit());
    if (!r2gen) await removeStale(out, 'annotation.json');
    summary.files = [...committed.map((p) => basename(p)), SUMMARY_FILE];
    await writeSmallFile(out, SUMMARY_FILE, JSON.stringify(summary, null, 1) + '\n');
    return summary;
  } finally {
    for (const f of files) await f.abort();
  }
}

function record(summary: ExportCleanSummary, id: string, d: CleanDecision): void {
  const who = { reviewers: d.reviewers, ...(d.adjudicatedBy !== undefined ? { adjudicatedBy: d.adjudicatedBy } : {}) };
  if (d.action === 'drop') {
    summary.counts.dropped++;
    summary.counts.droppedBy[d.reason]++;
    summary.dropped.push({
      id,
      reason: d.reason,
      ...(d.detail ? { detail: d.detail } : {}),
      ...(d.mismatch ? { mismatch: d.mismatch } : {}),
      ...who,
    });
  } else if (d.action === 're-pair') {
    summary.counts.rePaired++;
    summary.rePaired.push({ id, reportOf: d.useReportOf, ...who });
  } else {
    summary.counts.kept++;
    summary.counts.keptBy[d.outcome as keyof ExportCleanSummary['counts']['keptBy']]++;
  }
}

/** Reads a pair's text fields; from a results store without its heatmap values. */
function textReader(results: SavedResults): (id: string) => Promise<PairText> {
  return async (id) => {
    const pair = results instanceof StoredResults ? await results.stored(id) : await results.pair(id);
    if (!pair) throw new Error(`${RESULTS_FILE}: pair "${id}" is in the index but could not be read`);
    return pair;
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
