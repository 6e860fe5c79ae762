// What the review commands share: the dataset folder and its saved results (`radalign assign`,
// `review --summary`), and for `radalign flag` and `radalign verdict` the pair checked against
// them (so a typo never lands in the review file) and who is recording.
import { resolve } from 'node:path';
import type { ModelSummary, PairResult } from '../engine/results';
import { resolveReviewerName } from '../engine/review';
import { openSavedResults, RESULTS_FILE, type SavedResults } from '../engine/store/results-file';
import { cliFailure, type CliOutcome, datasetFolder } from './cli-outcome';

export interface ReviewTarget {
  root: string;
  pair: PairResult;
  model: ModelSummary;
  reviewer: string;
}

/**
 * The dataset folder and its saved results (opened: the caller closes them), or the failure to
 * print: no such folder, nothing saved (say how to save), or results that cannot be read. `need`
 * says which option needs them, for the message.
 */
export async function savedResultsIn(
  folder: string,
  need?: string,
): Promise<{ root: string; results: SavedResults } | CliOutcome> {
  const root = await datasetFolder(folder);
  if (typeof root !== 'string') return root;
  const saved = await openSavedResults(root);
  const where = resolve(root, RESULTS_FILE);
  const fix = `run "radalign score ${folder} --save" first`;
  if (saved === undefined)
    return cliFailure(
      need
        ? `${need} needs the saved results, and there are none in ${where}: ${fix}`
        : `no saved results in ${where}: ${fix}`,
    );
  if (!saved.ok) return cliFailure(need ? `${need} needs the saved results: ${saved.problem}` : saved.problem);
  return { root, results: saved.results };
}

/**
 * The pair `pairId` of the saved results in `folder` (one pair read, whatever their size), or the
 * failure to print; `other` names another pair an option refers to, checked in the index.
 */
export async function reviewTarget(
  folder: string,
  pairId: string,
  reviewer: string | undefined,
  other?: { option: string; id: string },
): Promise<ReviewTarget | CliOutcome> {
  const saved = await savedResultsIn(folder);
  if ('code' in saved) return saved;
  const { root } = saved;
  const unknown = (id: string) => `no pair "${id}" in ${resolve(root, RESULTS_FILE)} (${saved.results.count} pairs)`;
  if (other && saved.results.entry(other.id) === undefined) {
    await saved.results.close();
    return cliFailure(`${other.option}: ${unknown(other.id)}`);
  }
  const pair = await saved.results.pair(pairId).finally(() => saved.results.close());
  if (!pair) return cliFailure(unknown(pairId));
  return { root, pair, model: saved.results.model, reviewer: await resolveReviewerName(root, reviewer) };
}
