// The saved results of a run, `<dataset>/.radalign/results.json`: written by the extension's
// scoring worker and by `radalign score --save` (score on a server, review in VS Code), read by
// the extension and by `radalign flag`. Written and read only through radalign-folder.ts (no
// links), and validated in full on every read: the folder may come from someone else.
import { dirname, join } from 'node:path';
import { parseResults, type ParsedResults } from '../results-schema';
import type { ScoreResults } from '../results';
import { RADALIGN_DIR, readRadalignFile, removeAbandonedTemps, writeRadalignFile } from './radalign-folder';

const RESULTS_NAME = 'results.json';
/** Relative to the dataset folder. */
export const RESULTS_FILE = join(RADALIGN_DIR, RESULTS_NAME);

/**
 * Writes the results atomically and removes temporary files of runs that crashed while saving;
 * returns the file written. Throws RefusedPathError for a planted link.
 */
export async function saveResults(datasetRoot: string, results: ScoreResults): Promise<string> {
  const file = await writeRadalignFile(datasetRoot, RESULTS_NAME, JSON.stringify(results, null, 1) + '\n');
  await removeAbandonedTemps(dirname(file), RESULTS_NAME);
  return file;
}

/** The saved results, validated; undefined when nothing was saved. Throws RefusedPathError for a planted link. */
export async function loadSavedResults(datasetRoot: string): Promise<ParsedResults | undefined> {
  const text = await readRadalignFile(datasetRoot, RESULTS_NAME);
  return text === undefined ? undefined : parseResults(text, join(datasetRoot, RESULTS_FILE));
}
