// The review file's live entries grouped by pair, with each pair's standing: what its reviewers
// said, whether they disagree, and what settles it. Progress, agreement, the panel, the pairs view
// and export-clean all read pairs through this one view, so they never disagree on what
// "reviewed", "disagreed" or "mismatched" means.
import {
  isLive,
  type AdjudicationEntry,
  type FlagEntry,
  type FlagReason,
  type ReviewEntry,
  type Verdict,
  type VerdictEntry,
} from './types';

/**
 * A pair's standing: the adjudication when there is one; else the verdict every reviewer who gave
 * one agrees on; 'disagreed' when their verdicts differ; 'unreviewed' when nobody gave a verdict
 * (sentence flags alone do not make a pair reviewed).
 */
export type PairOutcome = Verdict | 'disagreed' | 'unreviewed';

export interface PairReview {
  pair: string;
  /** Live verdicts, one per reviewer, sorted by reviewer. */
  verdicts: VerdictEntry[];
  adjudication?: AdjudicationEntry;
  /** Live sentence flags of every reviewer. */
  flags: FlagEntry[];
  /** Reviewers' verdicts differ (settled by an adjudication or not). */
  disagreed: boolean;
  outcome: PairOutcome;
  /** The entry that decides `outcome` (the adjudication, else the first agreeing verdict), if any. */
  decidedBy?: VerdictEntry | AdjudicationEntry;
}

export class ReviewIndex {
  private readonly byPair = new Map<string, PairReview>();
  private readonly reviewerNames = new Set<string>();

  constructor(entries: Iterable<ReviewEntry>) {
    for (const e of entries) {
      if (!isLive(e)) continue;
      let review = this.byPair.get(e.pair);
      if (!review) {
        review = { pair: e.pair, verdicts: [], flags: [], disagreed: false, outcome: 'unreviewed' };
        this.byPair.set(e.pair, review);
      }
      if (e.kind === 'verdict') {
        review.verdicts.push(e);
        this.reviewerNames.add(e.reviewer);
      } else if (e.kind === 'adjudication') review.adjudication = e;
      else {
        review.flags.push(e);
        this.reviewerNames.add(e.reviewer);
      }
    }
    for (const review of this.byPair.values()) settle(review);
  }

  /** The pair's review, or undefined when the file holds nothing live for it. */
  get(pair: string): PairReview | undefined {
    return this.byPair.get(pair);
  }

  outcome(pair: string): PairOutcome {
    return this.byPair.get(pair)?.outcome ?? 'unreviewed';
  }

  /** The reviewer's verdict on the pair, if any. */
  verdictOf(pair: string, reviewer: string): VerdictEntry | undefined {
    return this.byPair.get(pair)?.verdicts.find((v) => v.reviewer === reviewer);
  }

  /** Every pair the file holds something live for (whether or not it is in the results). */
  pairs(): IterableIterator<PairReview> {
    return this.byPair.values();
  }

  /** Everyone with a live verdict or flag, sorted. */
  reviewers(): string[] {
    return [...this.reviewerNames].sort();
  }
}

function settle(review: PairReview): void {
  review.verdicts.sort((a, b) => (a.reviewer < b.reviewer ? -1 : a.reviewer > b.reviewer ? 1 : 0));
  const said = new Set(review.verdicts.map((v) => v.verdict));
  review.disagreed = said.size > 1;
  if (review.adjudication) {
    review.outcome = review.adjudication.verdict!;
    review.decidedBy = review.adjudication;
  } else if (review.disagreed) review.outcome = 'disagreed';
  else if (review.verdicts.length) {
    review.outcome = review.verdicts[0].verdict!;
    review.decidedBy = review.verdicts[0];
  }
}

/** The reason a decided pair is mismatched for, when one was given. */
export function mismatchReason(review: PairReview): FlagReason | null {
  return review.decidedBy?.verdict === 'mismatched' ? review.decidedBy.reason : null;
}
