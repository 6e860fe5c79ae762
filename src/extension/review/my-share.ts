// Which pairs await a reviewer's verdict, and where their share lies in the current ranking: the
// one rule "next pair awaiting my verdict", the pairs view's "awaiting my verdict" filter and the
// status bar share.
// Free of `vscode`.
import type { ReviewIndex } from '../../engine/review/review-index';

/** Whether the pair awaits `reviewer`'s verdict: none of theirs, and no adjudication has settled it. */
export function awaitsVerdict(review: ReviewIndex, reviewer: string, pairId: string): boolean {
  const pair = review.get(pairId);
  return !pair || (!pair.adjudication && !pair.verdicts.some((v) => v.reviewer === reviewer));
}

/**
 * The ranks, in the current results, of a share's pairs, sorted; pairs no longer in the results
 * (rescored without them) are left out. The share keeps the order of when it was made, and the
 * ranking may have changed since.
 */
export function shareRanks(
  share: readonly string[],
  index: { entry(id: string): { rank: number } | undefined },
): number[] {
  const ranks: number[] = [];
  for (const id of share) {
    const rank = index.entry(id)?.rank;
    if (rank !== undefined) ranks.push(rank);
  }
  return ranks.sort((a, b) => a - b);
}
