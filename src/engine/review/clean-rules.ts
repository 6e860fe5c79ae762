// What a clean export does with one pair, from its review alone: keep it, drop it (and why), or
// re-pair its images with the report the review says belongs to them. Pure, so the rules are
// tested and documented (docs/clean-export.md) in one place; export-clean.ts applies them.
import { mismatchReason, type PairOutcome, type PairReview } from './review-index';
import type { FlagReason } from './types';

export interface CleanOptions {
  /** Pairs whose outcome is "unsure": 'keep' (default) or 'drop'. */
  unsure?: 'keep' | 'drop';
  /** Pairs whose reviewers disagree and no adjudication settles: 'drop' (default) or 'keep'. */
  disagreed?: 'keep' | 'drop';
  /** Leave out pairs nobody reviewed (default false: unreviewed pairs are kept). */
  reviewedOnly?: boolean;
}

export type DropReason = 'mismatched' | 'disagreed' | 'unsure' | 'unreviewed' | 're-pair-refused';
export const DROP_REASONS: readonly DropReason[] = [
  'mismatched',
  'disagreed',
  'unsure',
  'unreviewed',
  're-pair-refused',
];

/** Who decided: the reviewers with a verdict, and the adjudicator when there is one. */
export interface Deciders {
  reviewers: string[];
  adjudicatedBy?: string;
}

export type CleanDecision =
  | ({ action: 'keep'; outcome: PairOutcome } & Deciders)
  | ({ action: 'drop'; outcome: PairOutcome; reason: DropReason; detail?: string; mismatch?: FlagReason } & Deciders)
  | ({ action: 're-pair'; outcome: 'mismatched'; useReportOf: string; mismatch?: FlagReason } & Deciders);

/**
 * The decision for one pair. `known(id)`: whether a pair of that id is in the results (a re-pair
 * to an unknown pair is refused: the pair is dropped saying so).
 */
export function decidePair(
  id: string,
  review: PairReview | undefined,
  options: CleanOptions,
  known: (id: string) => boolean,
): CleanDecision {
  const outcome = review?.outcome ?? 'unreviewed';
  const deciders: Deciders = {
    reviewers: review?.verdicts.map((v) => v.reviewer) ?? [],
    ...(review?.adjudication ? { adjudicatedBy: review.adjudication.reviewer } : {}),
  };
  const keep = (): CleanDecision => ({ action: 'keep', outcome, ...deciders });
  const drop = (reason: DropReason, detail?: string): CleanDecision => ({
    action: 'drop',
    outcome,
    reason,
    ...(detail ? { detail } : {}),
    ...deciders,
  });
  switch (outcome) {
    case 'unreviewed':
      return options.reviewedOnly ? drop('unreviewed') : keep();
    case 'aligned':
      return keep();
    case 'unsure':
      return options.unsure === 'drop' ? drop('unsure') : keep();
    case 'disagreed':
      return options.disagreed === 'keep'
        ? keep()
        : drop('disagreed', 'reviewers disagree and no adjudication settles the pair');
    case 'mismatched':
      break;
  }
  const mismatch = mismatchReason(review!) ?? undefined;
  const withReason = <T extends CleanDecision>(d: T): T => (mismatch ? { ...d, mismatch } : d);
  const choice = reportChoice(review!);
  if (choice === undefined) return withReason(drop('mismatched'));
  if ('conflict' in choice) return withReason(drop('re-pair-refused', choice.conflict));
  if (choice.id === id)
    return withReason(
      drop('re-pair-refused', `the review names the pair's own report ("${id}") as the one that belongs to it`),
    );
  if (!known(choice.id))
    return withReason(
      drop(
        're-pair-refused',
        `the review pairs it with the report of "${choice.id}", which is not in the saved results`,
      ),
    );
  return withReason({ action: 're-pair', outcome: 'mismatched', useReportOf: choice.id, ...deciders });
}

/**
 * The report a mismatched pair's images get: the adjudication's choice when it settles the pair;
 * else the one choice its reviewers made (reviewers who name none leave it to those who do); two
 * different choices are a conflict for an adjudication to settle.
 */
function reportChoice(review: PairReview): { id: string } | { conflict: string } | undefined {
  if (review.adjudication)
    return review.adjudication.useReportOf !== undefined ? { id: review.adjudication.useReportOf } : undefined;
  const named = review.verdicts.filter((v) => v.verdict === 'mismatched' && v.useReportOf !== undefined);
  const ids = [...new Set(named.map((v) => v.useReportOf!))];
  if (ids.length === 0) return undefined;
  if (ids.length === 1) return { id: ids[0] };
  return {
    conflict: `reviewers pair it with different reports (${named.map((v) => `"${v.useReportOf}" by ${v.reviewer}`).join(', ')}); an adjudication settles which`,
  };
}
