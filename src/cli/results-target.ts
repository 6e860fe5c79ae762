// Where `score` and `merge` put their results store: the dataset's `.radalign/` with --save
// (where the extension and `radalign flag` read it), else a temporary folder removed at the end.
// A refused `.radalign` (a planted link) still gives the run, from a temporary folder, and exit 2.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredResults } from '../engine';
import { folderLocation, radalignLocation, type StoreLocation } from '../engine/results-store/location';
import { radalignFolder } from '../engine/store/radalign-folder';
import { printFailure } from './cli-outcome';

/** Where the results were saved, or why not (for `report`). */
export interface SaveOutcome {
  savedTo?: string;
  saveProblem?: string;
}

/**
 * Produces a store into the target for `saveFolder` (or a temporary folder), hands it to `use`,
 * closes it and removes a temporary folder; the exit code: `use`'s, or 2 with the message when
 * `produce` fails.
 */
export async function intoResults(
  saveFolder: string | undefined,
  produce: (location: StoreLocation) => Promise<StoredResults>,
  use: (stored: StoredResults, saved: SaveOutcome) => Promise<number>,
): Promise<number> {
  let location: StoreLocation | undefined;
  const saved: SaveOutcome = {};
  if (saveFolder !== undefined) {
    try {
      await radalignFolder(saveFolder, true);
      location = radalignLocation(saveFolder);
      saved.savedTo = join(location.dir, 'results.json');
    } catch (e) {
      saved.saveProblem = e instanceof Error ? e.message : String(e);
    }
  }
  const temp = location ? undefined : await mkdtemp(join(tmpdir(), 'radalign-run-'));
  try {
    let stored: StoredResults;
    try {
      stored = await produce(location ?? folderLocation(temp!));
    } catch (e) {
      return printFailure(e instanceof Error ? e.message : String(e));
    }
    try {
      return await use(stored, saved);
    } finally {
      await stored.close();
    }
  } finally {
    if (temp) await rm(temp, { recursive: true, force: true });
  }
}
