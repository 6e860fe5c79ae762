// `radalign review`: the folder's current flags in the export format (the extension's "Export
// review…"), joined with the saved scores when there are any, to stdout or a file.
import writeFileAtomic from 'write-file-atomic';
import { resolve } from 'node:path';
import type { PairResult } from '../engine/results';
import { exportCsv, exportJson, exportRows, ReviewStore } from '../engine/review';
import { openSavedResults } from '../engine/store/results-file';
import { cliFailure, type CliOutcome, datasetFolder } from './cli-outcome';

export interface ReviewCommandOptions {
  format: string;
  out?: string;
}

export async function runReview(folder: string, opts: ReviewCommandOptions): Promise<CliOutcome> {
  if (opts.format !== 'json' && opts.format !== 'csv') return cliFailure(`unknown format "${opts.format}" (expected json or csv)`);
  const root = await datasetFolder(folder);
  if (typeof root !== 'string') return root;
  const store = new ReviewStore(root);
  const loaded = await store.load();
  const warnings = loaded.problems.map((p) => `radalign: warning: ${p}`);
  const saved = await openSavedResults(root);
  // Only the flagged pairs are read, whatever the size of the results.
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
  const text = opts.format === 'csv' ? exportCsv(rows) : exportJson(rows);
  const stderr = warnings.length ? warnings.join('\n') + '\n' : '';
  if (opts.out === undefined) return { code: 0, stdout: text, stderr };
  const out = resolve(opts.out);
  await writeFileAtomic(out, text, { encoding: 'utf8' });
  return { code: 0, stdout: `${rows.length} flag${rows.length === 1 ? '' : 's'} written to ${out}\n`, stderr };
}
