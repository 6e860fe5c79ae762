// Opens results an earlier run left in `<folder>/.radalign/results.json`, so a reopened
// workspace shows them without rescoring (the extension activates on that file). Opened, not read
// whole: the summary and index are read and validated, pairs later one at a time (227,000 pairs
// do not fit in the extension host). The dataset folder, and so these files, come from someone
// else: read only through the engine's link-refusing reader and validated (results-schema.ts,
// results-store/); a file that fails is reported with the reason and not used. Free of `vscode`.
import { join } from 'node:path';
import { describeError } from '../engine/describe-error';
import { openSavedResults, RESULTS_FILE, type SavedResults } from '../engine/store/results-file';
import type { Skipped } from '../engine/types';

/** Results open for review, as the SessionManager keeps them (from a run, or from this folder's saved results). */
export interface ScoredFolder {
  /** Absolute dataset folder. */
  folder: string;
  /** Where these results were saved (`<folder>/.radalign/results.json`), or would have been when saving was refused. */
  resultsFile: string;
  /** The saved results, open: read pairs through them while they are current. */
  results: SavedResults;
  /** Files the run could not use, with why (a short list, read when the results were opened). */
  skipped: Skipped[];
  /** Closes the results' files and removes a temporary store; the SessionManager calls it once they are replaced. */
  release(): Promise<void>;
}

export function resultsFileFor(folder: string): string {
  return join(folder, RESULTS_FILE);
}

export type SavedResultsOutcome =
  /** The folder was never scored (no `.radalign/results.json`). */
  | { status: 'none'; folder: string }
  /** Open: whoever receives it owns `saved` and calls `saved.release()` when done (SessionManager.show does). */
  | { status: 'loaded'; saved: ScoredFolder }
  /** The file is there but not used: `problem` names the file and what is wrong (a link, bad JSON, a field). */
  | { status: 'refused'; folder: string; resultsFile: string; problem: string };

export async function readSavedResults(folder: string): Promise<SavedResultsOutcome> {
  const resultsFile = resultsFileFor(folder);
  const refused = (e: unknown): SavedResultsOutcome => ({
    status: 'refused',
    folder,
    resultsFile,
    problem: describeError(e),
  });
  let opened;
  try {
    opened = await openSavedResults(folder);
  } catch (e) {
    // A planted link, a folder where the file should be, an unreadable file: the message names it.
    return refused(e);
  }
  if (opened === undefined) return { status: 'none', folder };
  if (!opened.ok) return { status: 'refused', folder, resultsFile, problem: opened.problem };
  try {
    return { status: 'loaded', saved: await scoredFolder(folder, resultsFile, opened.results, async () => {}) };
  } catch (e) {
    return refused(e);
  }
}

/**
 * Open results as the SessionManager keeps them: the skipped list read (short), and a release that
 * closes the files, then runs `cleanUp` (e.g. removes a temporary store). Closes them on failure.
 */
export async function scoredFolder(
  folder: string,
  resultsFile: string,
  results: SavedResults,
  cleanUp: () => Promise<void>,
): Promise<ScoredFolder> {
  let released: Promise<void> | undefined;
  const release = () => (released ??= results.close().finally(cleanUp));
  try {
    return { folder, resultsFile, results, skipped: await results.skipped(), release };
  } catch (e) {
    await release().catch(() => {});
    throw e;
  }
}
