// Review data: each reviewer's verdicts on pairs, flags on sentences, and adjudications that settle
// pairs reviewers disagree on. This is the user's work; only review-store.ts writes it.
// The file's format (radalign-review/2, and how files of version 1 are read) is in review-format.ts
// and docs/review-file.md.

export const FLAG_REASONS = [
  'wrong-study',
  'laterality',
  'finding-absent',
  'finding-missing',
  'wrong-view',
  'other',
] as const;
export type FlagReason = (typeof FLAG_REASONS)[number];

export const FLAG_REASON_LABELS: Record<FlagReason, string> = {
  'wrong-study': 'wrong study / patient',
  laterality: 'laterality (left/right)',
  'finding-absent': 'finding absent in image',
  'finding-missing': 'finding missing from report',
  'wrong-view': 'wrong view / modality',
  other: 'other',
};

/** A reviewer's judgement of a whole pair. */
export const VERDICTS = ['aligned', 'mismatched', 'unsure'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const VERDICT_LABELS: Record<Verdict, string> = {
  aligned: 'aligned (checked, fine)',
  mismatched: 'mismatched',
  unsure: 'unsure',
};

interface EntryBase {
  /** Pair id. */
  pair: string;
  /** Who made the change (the reviewer is part of the key of verdicts and flags). */
  reviewer: string;
  note: string;
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

/**
 * A reviewer's verdict on a pair; `verdict: null` records a cleared verdict (a tombstone), so that
 * merging with a copy that still holds the verdict keeps whichever change is newer.
 */
export interface VerdictEntry extends EntryBase {
  kind: 'verdict';
  verdict: Verdict | null;
  /** Why the pair is mismatched (null when not said, and for other verdicts). */
  reason: FlagReason | null;
  /**
   * For a mismatched pair: the id of the pair whose report the reviewer says belongs to this
   * pair's images (from the best-matching reports). `radalign export-clean` pairs them.
   */
  useReportOf?: string;
}

/** The verdict that settles a pair reviewers disagree on; one per pair, whoever adjudicates. */
export interface AdjudicationEntry extends EntryBase {
  kind: 'adjudication';
  verdict: Verdict | null;
  reason: FlagReason | null;
  useReportOf?: string;
}

/**
 * A reviewer's flag on one sentence of a pair's report; `reason: null` records an unflag. The
 * flag holds the sentence's text and offsets as they were when flagged, so that it follows its
 * sentence when the report is parsed anew or edited (anchor.ts), and is shown as orphaned when
 * the sentence is gone, never moved to another one.
 */
export interface FlagEntry extends EntryBase {
  kind: 'flag';
  /** Sentence index when flagged (a hint; the text decides). */
  sentence: number;
  /** The sentence's text when flagged; absent only in version-1 files that did not record it. */
  sentenceText?: string;
  /** Offsets of the sentence in the report text when flagged (end exclusive), when known. */
  start?: number;
  end?: number;
  reason: FlagReason | null;
}

export type ReviewEntry = VerdictEntry | AdjudicationEntry | FlagEntry;
export type ReviewEntryKind = ReviewEntry['kind'];

/** Omit that keeps a union a union. */
export type UnionOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A change as a caller makes it; the store stamps the time (unless given) and the revision. */
export type ReviewChange = UnionOmit<ReviewEntry, 'at' | 'rev'> & { at?: string };

/** What identifies the target an entry is the latest state of (see entryKey). */
export type ReviewTargetKey =
  | { kind: 'verdict'; pair: string; reviewer: string }
  | { kind: 'adjudication'; pair: string }
  | { kind: 'flag'; pair: string; reviewer: string; sentence: number; sentenceText?: string };

/**
 * The target an entry is the latest state of: a reviewer's verdict on a pair; the pair's
 * adjudication; a reviewer's flag on a sentence, by its text (by index for old lines without it).
 */
export function entryKey(e: ReviewTargetKey): string {
  switch (e.kind) {
    case 'verdict':
      return `${e.pair}\u0000v\u0000${e.reviewer}`;
    case 'adjudication':
      return `${e.pair}\u0000a`;
    case 'flag':
      return `${e.pair}\u0000f\u0000${e.reviewer}\u0000${e.sentenceText !== undefined ? `t${e.sentenceText}` : `i${e.sentence}`}`;
  }
}

/** Whether the entry states something now (not a cleared verdict or an unflag). */
export function isLive(e: ReviewEntry): boolean {
  return e.kind === 'flag' ? e.reason !== null : e.verdict !== null;
}

export function isFlagReason(v: unknown): v is FlagReason {
  return typeof v === 'string' && (FLAG_REASONS as readonly string[]).includes(v);
}

export function isVerdict(v: unknown): v is Verdict {
  return typeof v === 'string' && (VERDICTS as readonly string[]).includes(v);
}
