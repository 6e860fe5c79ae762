// Where the team's review stands over the scored pairs: how many are reviewed, by whom, with what
// verdicts, which disagreements are still open, how far each reviewer is through their assigned
// share, and the agreement figures. One figure set for the status bar, the pairs view and
// `radalign review --summary`. One pass over the ranked ids (227,000 of them in a few ms): only
// pairs the review file holds something for are looked at further.
import { agreement, type Agreement } from './agreement';
import type { Assignment } from './assignment';
import type { PairReview, ReviewIndex } from './review-index';
import type { Verdict } from './types';

export interface ReviewerProgress {
  /** Pairs in the results this reviewer gave a verdict on. */
  reviewed: number;
  aligned: number;
  mismatched: number;
  unsure: number;
  /** With an assignment naming the reviewer: pairs of their share that are in the results. */
  assigned?: number;
  /**
   * Of those, the ones with nothing left for them to do: they gave a verdict or the pair is
   * adjudicated (what "next unreviewed in my share" skips).
   */
  assignedReviewed?: number;
}

export interface ReviewSummary {
  /** Pairs in the results. */
  total: number;
  /** Pairs in the results with a standing other than 'unreviewed' (any verdict, or an adjudication). */
  reviewed: number;
  /** Every reviewer with a verdict or sentence flag in the file, and everyone the assignment names; sorted. */
  reviewers: Record<string, ReviewerProgress>;
  agreement: Agreement;
  /** Pairs whose reviewers disagree and that no adjudication settles, most suspicious first. */
  disagreed: string[];
  /** Pairs with an adjudication, most suspicious first. */
  adjudicated: string[];
  /** Pairs in the results by their standing (adjudication first, else the agreed verdict). */
  outcomes: Record<Verdict, number>;
}

/**
 * The summary over `rankedIds` (the results' ids, most suspicious first): pairs the review file
 * holds but the results do not (scored again without them) are left out of every figure.
 */
export function reviewSummary(
  index: ReviewIndex,
  rankedIds: readonly string[],
  assignment?: Assignment,
): ReviewSummary {
  const people = new Map<string, ReviewerProgress>();
  const person = (name: string): ReviewerProgress => {
    let p = people.get(name);
    if (!p) people.set(name, (p = { reviewed: 0, aligned: 0, mismatched: 0, unsure: 0 }));
    return p;
  };
  for (const name of index.reviewers()) person(name);
  const outcomes: Record<Verdict, number> = { aligned: 0, mismatched: 0, unsure: 0 };
  const disagreed: string[] = [];
  const adjudicated: string[] = [];
  const inResults = new Set<string>(); // only pairs the review file holds something for
  let reviewed = 0;
  for (const id of rankedIds) {
    const review = index.get(id);
    if (review === undefined) continue;
    inResults.add(id);
    const outcome = review.outcome;
    if (outcome === 'unreviewed') continue;
    reviewed++;
    if (outcome === 'disagreed') disagreed.push(id);
    else outcomes[outcome]++;
    if (review.adjudication) adjudicated.push(id);
    for (const v of review.verdicts) {
      const p = person(v.reviewer);
      p.reviewed++;
      p[v.verdict!]++;
    }
  }
  if (assignment) countShares(index, rankedIds, assignment, person);
  const reviewers = Object.fromEntries([...people].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    total: rankedIds.length,
    reviewed,
    reviewers,
    agreement: agreement(index, (id) => inResults.has(id)),
    disagreed,
    adjudicated,
    outcomes,
  };
}

function countShares(
  index: ReviewIndex,
  rankedIds: readonly string[],
  assignment: Assignment,
  person: (name: string) => ReviewerProgress,
): void {
  // A share may name pairs the results no longer hold (scored again since): only those that are
  // in the results count. Checking that needs the set of result ids, built only here.
  const inResults = new Set(rankedIds);
  for (const name of assignment.reviewers) {
    const p = person(name);
    let assigned = 0;
    let done = 0;
    for (const id of assignment.shares[name] ?? []) {
      if (!inResults.has(id)) continue;
      assigned++;
      const review = index.get(id);
      if (review && isDoneFor(review, name)) done++;
    }
    p.assigned = assigned;
    p.assignedReviewed = done;
  }
}

function isDoneFor(review: PairReview, reviewer: string): boolean {
  return review.adjudication !== undefined || review.verdicts.some((v) => v.reviewer === reviewer);
}
