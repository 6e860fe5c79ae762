// `radalign verdict`: records a reviewer's verdict on a pair (aligned, mismatched, unsure, or
// none to clear it) through the same store the extension uses; prints the stored entry as one
// JSON line once it is on disk.
import { entryLine, FLAG_REASONS, isFlagReason, isVerdict, ReviewStore, VERDICTS } from '../engine/review';
import { cliFailure, type CliOutcome } from './cli-outcome';
import { reviewTarget } from './review-target';

export interface VerdictCommandOptions {
  reason?: string;
  note?: string;
  reviewer?: string;
  /** The pair whose report belongs to this pair's images (a mismatched verdict). */
  useReportOf?: string;
  /** Record the adjudication that settles the pair instead of the reviewer's own verdict. */
  adjudicate?: boolean;
}

export async function runVerdict(
  folder: string,
  pairId: string,
  verdict: string,
  opts: VerdictCommandOptions,
): Promise<CliOutcome> {
  if (verdict !== 'none' && !isVerdict(verdict))
    return cliFailure(`unknown verdict "${verdict}" (expected one of ${VERDICTS.join(', ')}, or none to clear it)`);
  if (opts.reason !== undefined && !isFlagReason(opts.reason))
    return cliFailure(`--reason: unknown reason "${opts.reason}" (expected one of ${FLAG_REASONS.join(', ')})`);
  if (verdict !== 'mismatched' && (opts.reason !== undefined || opts.useReportOf !== undefined)) {
    return cliFailure(
      `${opts.reason !== undefined ? '--reason' : '--use-report-of'} goes with a mismatched verdict only`,
    );
  }
  if (opts.useReportOf === pairId)
    return cliFailure(`--use-report-of: "${pairId}" is this pair; name the pair whose report belongs to its images`);
  const other = opts.useReportOf !== undefined ? { option: '--use-report-of', id: opts.useReportOf } : undefined;
  const target = await reviewTarget(folder, pairId, opts.reviewer, other);
  if ('code' in target) return target;
  const entry = await new ReviewStore(target.root).record({
    kind: opts.adjudicate ? 'adjudication' : 'verdict',
    pair: pairId,
    reviewer: target.reviewer,
    verdict: verdict === 'none' ? null : (verdict as (typeof VERDICTS)[number]),
    reason: (opts.reason as (typeof FLAG_REASONS)[number] | undefined) ?? null,
    ...(opts.useReportOf !== undefined ? { useReportOf: opts.useReportOf } : {}),
    note: verdict === 'none' ? '' : (opts.note ?? ''),
    model: target.model.id,
  });
  return { code: 0, stdout: entryLine(entry) + '\n' };
}
