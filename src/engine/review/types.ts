// Review data: each reviewer's verdicts on pairs, flags on sentences, and adjudications that settle
// pairs reviewers disagree on. This is the user's work; only review-store.ts writes it.
// The file's format (radalign-review/2, and how files of version 1 are read) is in review-format.ts
// and docs/review-file.md. Free of Node: the review panel's webview imports it.
import * as v from 'valibot';
import type { ReviewEntry } from './review-format';

export const FLAG_REASONS = [
  'wrong-study',
  'laterality',
  'finding-absent',
  'finding-missing',
  'wrong-view',
  'other',
] as const;
export type FlagReason = (typeof FLAG_REASONS)[number];
export const FlagReasonSchema = v.picklist(FLAG_REASONS, `expected one of ${FLAG_REASONS.join(', ')}`);

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
export const VerdictSchema = v.picklist(VERDICTS, `expected one of ${VERDICTS.join(', ')}`);

export const VERDICT_LABELS: Record<Verdict, string> = {
  aligned: 'aligned (checked, fine)',
  mismatched: 'mismatched',
  unsure: 'unsure',
};

// The entry types are derived from the review file's schema (review-format.ts), where the fields
// are documented: one definition for the file, the validator and the code.
export type { VerdictEntry, AdjudicationEntry, FlagEntry, ReviewEntry } from './review-format';

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

export function isFlagReason(x: unknown): x is FlagReason {
  return v.is(FlagReasonSchema, x);
}

export function isVerdict(x: unknown): x is Verdict {
  return v.is(VerdictSchema, x);
}
