// `radalign review`: the folder's current review (verdicts, adjudications, sentence flags) in the
// export format (the extension's "Export review…"), joined with the saved scores when there are
// any, to stdout or a file; with --summary, where the review stands instead: reviewed / total per
// reviewer and overall, progress through assigned shares, agreement, open disagreements.
import writeFileAtomic from 'write-file-atomic';
import { resolve } from 'node:path';
import type { PairResult } from '../engine/results';
import { exportCsv, exportJson, exportRows, ReviewIndex, ReviewStore } from '../engine/review';
import { type Assignment, readAssignment } from '../engine/review/assignment';
import { reviewSummary } from '../engine/review/progress';
import { openSavedResults } from '../engine/store/results-file';
import { cliFailure, type CliOutcome, datasetFolder } from './cli-outcome';
import { summaryText } from './review-summary-text';
import { savedResultsIn } from './review-target';

export interface ReviewCommandOptions {
  /** json or csv; with --summary json or text. Default json, with --summary text. */
  format?: string;
  out?: string;
  summary?: boolean;
}

export async function runReview(folder: string, opts: ReviewCommandOptions): Promise<CliOutcome> {
  if (opts.summary) return runSummary(folder, opts);
  const format = opts.format ?? 'json';
  if (format !== 'json' && format !== 'csv') return cliFailure(`unknown format "${format}" (expected json or csv)`);
  const root = await datasetFolder(folder);
  if (typeof root !== 'string') return root;
  const store = new ReviewStore(root);
  const loaded = await store.load();
  const warnings = loaded.problems.map((p) => `radalign: warning: ${p}`);
  const saved = await openSavedResults(root);
  // Only the reviewed pairs are read, whatever the size of the results.
  const pairs: PairResult[] = [];
  if (saved?.ok) {
    try {
      for (const id of new Set(loaded.entries.map((e) => e.pair))) {
        const pair = await saved.results.pair(id);
        if (pair) pairs.push(pair);
      }
    } catch (e) {
      warnings.push(`radalign: warning: scores left out: ${(e as Error).message}`);
    } finally {
      await saved.results.close();
    }
  } else if (saved) warnings.push(`radalign: warning: scores left out: ${saved.problem}`);
  const rows = exportRows(loaded.entries, pairs);
  const text = format === 'csv' ? exportCsv(rows) : exportJson(rows);
  const stderr = warnings.length ? warnings.join('\n') + '\n' : '';
  return deliver(text, opts.out, `${rows.length} review entr${rows.length === 1 ? 'y' : 'ies'}`, stderr);
}

async function runSummary(folder: string, opts: ReviewCommandOptions): Promise<CliOutcome> {
  const format = opts.format ?? 'text';
  if (format !== 'json' && format !== 'text')
    return cliFailure(`unknown format "${format}" for --summary (expected text or json)`);
  // The summary counts over the scored pairs: without them there is no total to count against.
  const saved = await savedResultsIn(folder, '--summary');
  if ('code' in saved) return saved;
  const { root } = saved;
  const ranked = saved.results.ids();
  await saved.results.close();
  const loaded = await new ReviewStore(root).load();
  const warnings = loaded.problems.map((p) => `radalign: warning: ${p}`);
  let assignment: Assignment | undefined;
  try {
    assignment = await readAssignment(root);
  } catch (e) {
    warnings.push(`radalign: warning: shares left out: ${(e as Error).message}`);
  }
  const summary = reviewSummary(new ReviewIndex(loaded.entries), ranked, assignment);
  const text = format === 'json' ? JSON.stringify(summary, null, 2) + '\n' : summaryText(summary, root);
  const stderr = warnings.length ? warnings.join('\n') + '\n' : '';
  return deliver(text, opts.out, 'The review summary', stderr);
}

async function deliver(text: string, out: string | undefined, what: string, stderr: string): Promise<CliOutcome> {
  if (out === undefined) return { code: 0, stdout: text, stderr };
  const path = resolve(out);
  await writeFileAtomic(path, text, { encoding: 'utf8' });
  return { code: 0, stdout: `${what} written to ${path}\n`, stderr };
}
