// Reads results an earlier run left in `<folder>/.radalign/results.json`, so a reopened
// workspace shows them without rescoring (the extension activates on that file).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScoreResults } from '../engine';
import type { ScoredFolder } from './results-store';

export const RESULTS_RELATIVE_PATH = join('.radalign', 'results.json');

export function resultsFileFor(folder: string): string {
  return join(folder, RESULTS_RELATIVE_PATH);
}

/** The saved results of `folder`, or undefined when there are none (or they are unreadable). */
export async function readSavedResults(folder: string): Promise<ScoredFolder | undefined> {
  const resultsFile = resultsFileFor(folder);
  try {
    const parsed: unknown = JSON.parse(await readFile(resultsFile, 'utf8'));
    return looksLikeResults(parsed) ? { folder, resultsFile, results: parsed } : undefined;
  } catch {
    return undefined; // missing, or half-edited by hand: scoring again rewrites it
  }
}

/** A shape check, not a validation: the file is ours, written by the worker. */
function looksLikeResults(value: unknown): value is ScoreResults {
  const r = value as Partial<ScoreResults> | null;
  return typeof r === 'object' && r !== null && Array.isArray(r.pairs) && Array.isArray(r.skipped) && typeof r.model === 'object' && typeof r.run === 'object';
}
