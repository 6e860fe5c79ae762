// `radalign flag`: records one flag (or unflag) through the same store the extension uses, for
// scripts and for importing flags from other tools. With `--sentence` it flags that sentence (its
// text and offsets are stored, so the flag follows it); without, it records the reviewer's
// "mismatched" verdict with that reason (reason "none" clears it), as the pair flag always meant.
import { entryLine, FLAG_REASONS, isFlagReason, ReviewStore } from '../engine/review';
import { cliFailure, type CliOutcome } from './cli-outcome';
import { reviewTarget } from './review-target';

export interface FlagCommandOptions {
  sentence?: string;
  note?: string;
  reviewer?: string;
}

/** Prints the stored entry as one JSON line once it is on disk (exit 0); exit 2 with a message otherwise. */
export async function runFlag(
  folder: string,
  pairId: string,
  reason: string,
  opts: FlagCommandOptions,
): Promise<CliOutcome> {
  if (reason !== 'none' && !isFlagReason(reason))
    return cliFailure(`unknown reason "${reason}" (expected one of ${FLAG_REASONS.join(', ')}, or none to unflag)`);
  const target = await reviewTarget(folder, pairId, opts.reviewer);
  if ('code' in target) return target;
  const { root, pair, model, reviewer } = target;
  const flagReason = reason === 'none' ? null : reason;
  const common = { pair: pairId, reviewer, note: flagReason === null ? '' : (opts.note ?? ''), model: model.id };
  if (opts.sentence === undefined) {
    const entry = await new ReviewStore(root).record({
      kind: 'verdict',
      ...common,
      verdict: flagReason === null ? null : 'mismatched',
      reason: flagReason,
    });
    return { code: 0, stdout: entryLine(entry) + '\n' };
  }
  const n = Number(opts.sentence);
  const count = pair.sentences.length;
  if (!Number.isInteger(n) || n < 0 || n >= count) {
    return cliFailure(
      `pair "${pairId}" has ${count} sentence${count === 1 ? '' : 's'} (--sentence 0 to ${count - 1}); there is no sentence ${opts.sentence}`,
    );
  }
  const s = pair.sentences[n];
  const entry = await new ReviewStore(root).record({
    kind: 'flag',
    ...common,
    sentence: n,
    sentenceText: s.text,
    start: s.start,
    end: s.end,
    reason: flagReason,
  });
  return { code: 0, stdout: entryLine(entry) + '\n' };
}
