// Review data: a reviewer's flags on pairs and sentences. This is the user's work; only
// review-store.ts writes it.

export const FLAG_REASONS = ['wrong-study', 'laterality', 'finding-absent', 'finding-missing', 'wrong-view', 'other'] as const;
export type FlagReason = (typeof FLAG_REASONS)[number];

export const FLAG_REASON_LABELS: Record<FlagReason, string> = {
  'wrong-study': 'wrong study / patient',
  laterality: 'laterality (left/right)',
  'finding-absent': 'finding absent in image',
  'finding-missing': 'finding missing from report',
  'wrong-view': 'wrong view / modality',
  other: 'other',
};

/**
 * One line of `.radalign/review.jsonl`: the latest state of one flag target.
 * `reason: null` records an unflag (a tombstone), so that merging with a copy that still holds
 * the flag keeps whichever change is newer.
 */
export interface ReviewEntry {
  /** Pair id. */
  pair: string;
  /** Sentence index in the pair's report, or null for the whole pair. */
  sentence: number | null;
  /** The sentence as written when flagged (lets a reader spot a report edited since). */
  sentenceText?: string;
  reason: FlagReason | null;
  note: string;
  reviewer: string;
  /** ISO 8601 time of this change (for people; ordering uses `rev` first). */
  at: string;
  /**
   * Revision of this target: one more than the revision it replaced, assigned under the review
   * file's lock, so a later change wins even within the same millisecond or against a skewed
   * clock. 0 in files written before revisions existed.
   */
  rev: number;
  /** Model id the reviewer saw scores from. */
  model: string;
}

export function entryKey(e: Pick<ReviewEntry, 'pair' | 'sentence'>): string {
  return e.sentence === null ? `${e.pair}\u0000pair` : `${e.pair}\u0000${e.sentence}`;
}

export function isFlagReason(v: unknown): v is FlagReason {
  return typeof v === 'string' && (FLAG_REASONS as readonly string[]).includes(v);
}
