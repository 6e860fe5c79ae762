// Reads results an earlier run left in `<folder>/.radalign/results.json`, so a reopened
// workspace shows them without rescoring (the extension activates on that file). The dataset
// folder, and so this file, comes from someone else: it is read only through the engine's
// link-refusing reader and validated in full (results-schema.ts); a file that fails is reported
// with the reason and not used. Free of `vscode`.
import { join } from 'node:path';
import { loadSavedResults, RESULTS_FILE } from '../engine/store/results-file';
import type { ScoredFolder } from './results-store';

export function resultsFileFor(folder: string): string {
  return join(folder, RESULTS_FILE);
}

export type SavedResultsOutcome =
  /** The folder was never scored (no `.radalign/results.json`). */
  | { status: 'none'; folder: string }
  | { status: 'loaded'; saved: ScoredFolder }
  /** The file is there but not used: `problem` names the file and what is wrong (a link, bad JSON, a field). */
  | { status: 'refused'; folder: string; resultsFile: string; problem: string };

export async function readSavedResults(folder: string): Promise<SavedResultsOutcome> {
  const resultsFile = resultsFileFor(folder);
  let parsed;
  try {
    parsed = await loadSavedResults(folder);
  } catch (e) {
    // A planted link, a folder where the file should be, an unreadable file: the message names it.
    return { status: 'refused', folder, resultsFile, problem: e instanceof Error ? e.message : String(e) };
  }
  if (parsed === undefined) return { status: 'none', folder };
  return parsed.ok ? { status: 'loaded', saved: { folder, resultsFile, results: parsed.results } } : { status: 'refused', folder, resultsFile, problem: parsed.problem };
}
