// `radalign flag`: records one flag (or unflag) through the same store the extension uses, for
// scripts and for importing flags from other tools. Checks the pair and sentence against the
// folder's saved results (`radalign score --save`), so a typo never lands in the review file.
import { resolve } from 'node:path';
import { defaultReviewerName, entryLine, FLAG_REASONS, isFlagReason, ReviewStore } from '../engine/review';
import { openSavedResults, RESULTS_FILE } from '../engine/store/results-file';
import { cliFailure, type CliOutcome, datasetFolder } from './cli-outcome';

export interface FlagCommandOptions {
  sentence?: string;
  note?: string;
  reviewer?: string;
}

/** Prints the stored entry as one JSON line once it is on disk (exit 0); exit 2 with a message otherwise. */
export async function runFlag(folder: string, pairId: string, reason: string, opts: FlagCommandOptions): Promise<CliOutcome> {
  if (reason !== 'none' && !isFlagReason(reason)) return cliFailure(`unknown reason "${reason}" (expected one of ${FLAG_REASONS.join(', ')}, or none to unflag)`);
  const root = await datasetFolder(folder);
  if (typeof root !== 'string') return root;
  const saved = await openSavedResults(root);
  if (saved === undefined) return cliFailure(`no saved results in ${resolve(root, RESULTS_FILE)}: run "radalign score ${folder} --save" first`);
  if (!saved.ok) return cliFailure(saved.problem);
  // One pair read, whatever the size of the results.
  const pair = await saved.results.pair(pairId).finally(() => saved.results.close());
  if (!pair) return cliFailure(`no pair "${pairId}" in ${resolve(root, RESULTS_FILE)} (${saved.results.count} pairs)`);
  let sentence: number | null = null;
  if (opts.sentence !== undefined) {
    const n = Number(opts.sentence);
    const count = pair.sentences.length;
    if (!Number.isInteger(n) || n < 0 || n >= count) {
      return cliFailure(`pair "${pairId}" has ${count} sentence${count === 1 ? '' : 's'} (--sentence 0 to ${count - 1}); there is no sentence ${opts.sentence}`);
    }
    sentence = n;
  }
  const entry = await new ReviewStore(root).record({
    pair: pairId,
    sentence,
    ...(sentence !== null ? { sentenceText: pair.sentences[sentence].text } : {}),
    reason: reason === 'none' ? null : reason,
    note: opts.note ?? '',
    reviewer: opts.reviewer?.trim() || defaultReviewerName(),
    model: saved.results.model.id,
  });
  return { code: 0, stdout: entryLine(entry) + '\n' };
}
