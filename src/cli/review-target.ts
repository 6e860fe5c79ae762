// What `radalign flag` and `radalign verdict` share: the dataset folder, the pair checked against
// the folder's saved results (so a typo never lands in the review file), and who is recording.
import { resolve } from 'node:path';
import type { ModelSummary, PairResult } from '../engine/results';
import { resolveReviewerName } from '../engine/review';
import { openSavedResults, RESULTS_FILE } from '../engine/store/results-file';
import { cliFailure, type CliOutcome, datasetFolder } from './cli-outcome';

export interface ReviewTarget {
  root: string;
  pair: PairResult;
  model: ModelSummary;
  reviewer: string;
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
  const root = await datasetFolder(folder);
  if (typeof root !== 'string') return root;
  const saved = await openSavedResults(root);
  if (saved === undefined)
    return cliFailure(
      `no saved results in ${resolve(root, RESULTS_FILE)}: run "radalign score ${folder} --save" first`,
    );
  if (!saved.ok) return cliFailure(saved.problem);
  const unknown = (id: string) => `no pair "${id}" in ${resolve(root, RESULTS_FILE)} (${saved.results.count} pairs)`;
  if (other && saved.results.entry(other.id) === undefined) {
    await saved.results.close();
    return cliFailure(`${other.option}: ${unknown(other.id)}`);
  }
  const pair = await saved.results.pair(pairId).finally(() => saved.results.close());
  if (!pair) return cliFailure(unknown(pairId));
  return { root, pair, model: saved.results.model, reviewer: await resolveReviewerName(root, reviewer) };
}
