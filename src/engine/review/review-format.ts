// Reading and writing the review file (format radalign-review/2, docs/review-file.md): a header
// line, then one JSON object per line, sorted by pair, kind, reviewer and sentence, so that git
// diffs show one line per changed verdict or flag and merges of different pairs never conflict.
// Files of version 1 (no header, lines without `kind`) are read too: a pair flag becomes the
// reviewer's "mismatched" verdict, a sentence flag a flag; the next write stores them as version 2.
import * as v from 'valibot';
import { describeIssue, endBeforeStart } from '../results-schema';
import { entryKey, FLAG_REASONS, isFlagReason, isLive, VERDICTS } from './types';

export const REVIEW_FORMAT = 'radalign-review/2';
const HEADER_LINE = JSON.stringify({ format: REVIEW_FORMAT });

/** Who wrote a version-1 line without a reviewer name. */
export const UNKNOWN_REVIEWER = 'unknown';

export interface ParsedReview {
  entries: ReviewEntry[];
  /** Lines that could not be read, with their 1-based line number and why. */
  problems: { line: number; problem: string }[];
  /**
   * The format a header names that this version cannot write (a file from a newer radalign): it
   * is read as far as its lines allow, and never written over.
   */
  newerFormat?: string;
}

const text = v.string('expected text');
const time = v.pipe(
  text,
  v.check((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO time'),
);
const count = v.pipe(
  v.number('expected a number'),
  v.safeInteger('expected a whole number'),
  v.minValue(0, 'expected a number ≥ 0'),
);
const pairId = v.pipe(text, v.minLength(1, 'expected a pair id'));
const reason = v.nullable(v.picklist(FLAG_REASONS, `expected one of ${FLAG_REASONS.join(', ')} or null`));
const verdict = v.nullable(v.picklist(VERDICTS, `expected one of ${VERDICTS.join(', ')} or null`));

/** Fields every entry has. */
export const EntryBaseSchema = v.object({
  /** Pair id. */
  pair: pairId,
  /** Who made the change (the reviewer is part of the key of verdicts and flags). */
  reviewer: v.pipe(text, v.minLength(1, 'expected a reviewer name')),
  note: v.optional(text, ''),
  /** ISO 8601 time of this change (for people; ordering uses `rev` first). */
  at: time,
  /**
   * Revision of this target: one more than the revision it replaced, assigned under the review
   * file's lock, so a later change wins even within the same millisecond or against a skewed
   * clock. 0 in files written before revisions existed.
   */
  rev: v.optional(count, 0),
  /** Model id the reviewer saw scores from. */
  model: v.optional(text, ''),
});

/** A verdict's or an adjudication's fields. */
export const JudgementSchema = v.object({
  ...EntryBaseSchema.entries,
  /** null records a cleared verdict (a tombstone), so that a merge keeps whichever change is newer. */
  verdict,
  /** Why the pair is mismatched (null when not said, and for other verdicts). */
  reason: v.optional(reason, null),
  /**
   * For a mismatched pair: the id of the pair whose report the reviewer says belongs to this
   * pair's images (from the best-matching reports). `radalign export-clean` pairs them.
   */
  useReportOf: v.optional(pairId),
});

/** What the rule below reads of a judgement (a verdict, an adjudication, or their panel views). */
interface Judged {
  verdict: string | null;
  reason?: string | null;
  useReportOf?: string;
  [key: string]: unknown;
}

/** A reason and a reported pair belong to mismatched verdicts only: checks for a judgement's pipe. */
export function mismatchedOnly<T extends Judged>(): [
  v.BaseValidation<T, T, v.CheckIssue<T>>,
  v.BaseValidation<T, T, v.CheckIssue<T>>,
] {
  const message = 'only a mismatched verdict has one';
  return [
    v.forward(
      v.check<T, string>((j) => j.reason == null || j.verdict === 'mismatched', message),
      ['reason'] as never,
    ),
    v.forward(
      v.check<T, string>((j) => j.useReportOf === undefined || j.verdict === 'mismatched', message),
      ['useReportOf'] as never,
    ),
  ];
}

const verdictObject = v.object({ kind: v.literal('verdict'), ...JudgementSchema.entries });
const adjudicationObject = v.object({ kind: v.literal('adjudication'), ...JudgementSchema.entries });

/** A reviewer's verdict on a pair. */
export const VerdictEntrySchema = v.pipe(verdictObject, ...mismatchedOnly<v.InferOutput<typeof verdictObject>>());

/** The verdict that settles a pair reviewers disagree on; one per pair, whoever adjudicates. */
export const AdjudicationEntrySchema = v.pipe(
  adjudicationObject,
  ...mismatchedOnly<v.InferOutput<typeof adjudicationObject>>(),
);

/**
 * A reviewer's flag on one sentence of a pair's report; `reason: null` records an unflag. The
 * flag holds the sentence's text and offsets as they were when flagged, so that it follows its
 * sentence when the report is parsed anew or edited (anchor.ts), and is shown as orphaned when
 * the sentence is gone, never moved to another one.
 */
export const FlagEntrySchema = v.pipe(
  v.object({
    kind: v.literal('flag'),
    ...EntryBaseSchema.entries,
    /** Sentence index when flagged (a hint; the text decides). */
    sentence: count,
    /** The sentence's text when flagged; absent only in version-1 files that did not record it. */
    sentenceText: v.optional(text),
    /** Offsets of the sentence in the report text when flagged (end exclusive), when known. */
    start: v.optional(count),
    end: v.optional(count),
    reason,
  }),
  v.forward(
    v.check(
      (f) => f.start === undefined || f.end === undefined || f.end >= f.start,
      (issue) => endBeforeStart(issue.input as { start: number; end: number }),
    ),
    ['end'],
  ),
);

export const ReviewEntrySchema = v.variant(
  'kind',
  [VerdictEntrySchema, AdjudicationEntrySchema, FlagEntrySchema],
  'expected kind verdict, adjudication or flag',
);

export type VerdictEntry = v.InferOutput<typeof VerdictEntrySchema>;
export type AdjudicationEntry = v.InferOutput<typeof AdjudicationEntrySchema>;
export type FlagEntry = v.InferOutput<typeof FlagEntrySchema>;
export type ReviewEntry = v.InferOutput<typeof ReviewEntrySchema>;

/**
 * Parses the file leniently. Git conflict markers are skipped and both sides' lines are kept
 * (the newer change per target wins in `mergeEntries`), so a conflicted pull loses nothing.
 */
export function parseReview(fileText: string): ParsedReview {
  const entries: ReviewEntry[] = [];
  const problems: ParsedReview['problems'] = [];
  let newerFormat: string | undefined;
  fileText.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || /^(<{7}|={7}|>{7}|\|{7})( |$)/.test(line)) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push({ line: i + 1, problem: 'not valid JSON' });
      return;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      problems.push({ line: i + 1, problem: 'not a JSON object' });
      return;
    }
    const o = value as Record<string, unknown>;
    if ('format' in o) {
      if (o.format !== REVIEW_FORMAT) {
        newerFormat ??= String(o.format);
        problems.push({
          line: i + 1,
          problem: `the file is in format ${JSON.stringify(o.format)}, which this version of radalign cannot write (it reads ${REVIEW_FORMAT}): update radalign`,
        });
      }
      return;
    }
    const checked = 'kind' in o ? checkEntry(o) : checkVersion1(o);
    if (typeof checked === 'string') problems.push({ line: i + 1, problem: checked });
    else entries.push(checked);
  });
  return { entries: mergeEntries(entries, []), problems, ...(newerFormat !== undefined ? { newerFormat } : {}) };
}

/** The entry as the file would hold it, or why it cannot be stored (field named). */
export function checkEntry(o: Record<string, unknown>): ReviewEntry | string {
  const parsed = v.safeParse(ReviewEntrySchema, o);
  return parsed.success ? parsed.output : describeIssue(parsed.issues[0]);
}

/** A line of version 1: `{pair, sentence, sentenceText?, reason, note, reviewer, at, rev?, model}`. */
function checkVersion1(o: Record<string, unknown>): ReviewEntry | string {
  if (typeof o.pair !== 'string' || !o.pair) return "missing 'pair'";
  if (o.sentence !== null && !(Number.isInteger(o.sentence) && (o.sentence as number) >= 0))
    return "'sentence' must be a sentence index or null";
  if (o.reason !== null && !isFlagReason(o.reason)) return `unknown reason ${JSON.stringify(o.reason)}`;
  if (typeof o.at !== 'string' || Number.isNaN(Date.parse(o.at))) return "'at' must be an ISO time";
  if (o.rev !== undefined && !(Number.isSafeInteger(o.rev) && (o.rev as number) >= 0))
    return "'rev' must be a whole number ≥ 0";
  const common = {
    pair: o.pair,
    reviewer: typeof o.reviewer === 'string' && o.reviewer.trim() ? o.reviewer : UNKNOWN_REVIEWER,
    note: typeof o.note === 'string' ? o.note : '',
    at: o.at,
    rev: (o.rev as number | undefined) ?? 0,
    model: typeof o.model === 'string' ? o.model : '',
  };
  const flagReason = o.reason as ReviewEntry['reason'];
  if (o.sentence === null)
    return { kind: 'verdict', ...common, verdict: flagReason === null ? null : 'mismatched', reason: flagReason };
  return {
    kind: 'flag',
    ...common,
    sentence: o.sentence as number,
    ...(typeof o.sentenceText === 'string' ? { sentenceText: o.sentenceText } : {}),
    reason: flagReason,
  };
}

/**
 * The newest change per target wins, sorted. Newest: the higher revision (changes made one
 * after another, even in the same millisecond); for equal revisions — two copies changed apart,
 * e.g. on two git branches — the later time; then the live entry over the tombstone (losing a
 * verdict or flag silently is worse than keeping one a reviewer can remove), then the longer
 * note, then the entry's text, so every machine merges the same two copies the same way.
 */
export function mergeEntries(a: readonly ReviewEntry[], b: readonly ReviewEntry[]): ReviewEntry[] {
  const byKey = new Map<string, ReviewEntry>();
  for (const e of [...a, ...b]) {
    const k = entryKey(e);
    const cur = byKey.get(k);
    if (!cur || newer(e, cur)) byKey.set(k, e);
  }
  return [...byKey.values()].sort(compareEntries);
}

function newer(x: ReviewEntry, y: ReviewEntry): boolean {
  if (x.rev !== y.rev) return x.rev > y.rev;
  const dt = Date.parse(x.at) - Date.parse(y.at);
  if (dt !== 0) return dt > 0;
  if (isLive(x) !== isLive(y)) return isLive(x);
  if (x.note.length !== y.note.length) return x.note.length > y.note.length;
  return entryLine(x) > entryLine(y);
}

const KIND_ORDER = { verdict: 0, adjudication: 1, flag: 2 } as const;

function compareEntries(x: ReviewEntry, y: ReviewEntry): number {
  if (x.pair !== y.pair) return x.pair < y.pair ? -1 : 1;
  if (x.kind !== y.kind) return KIND_ORDER[x.kind] - KIND_ORDER[y.kind];
  if (x.reviewer !== y.reviewer) return x.reviewer < y.reviewer ? -1 : 1;
  if (x.kind === 'flag' && y.kind === 'flag' && x.sentence !== y.sentence) return x.sentence - y.sentence;
  const kx = entryKey(x);
  const ky = entryKey(y);
  return kx < ky ? -1 : kx > ky ? 1 : 0;
}

/** The header line, then one entry per line (fixed key order), trailing newline. */
export function serializeReview(entries: readonly ReviewEntry[]): string {
  return [HEADER_LINE, ...entries.map(entryLine)].join('\n') + '\n';
}

/** One entry as its line in the file (fixed key order). */
export function entryLine(e: ReviewEntry): string {
  const head = { pair: e.pair, kind: e.kind, reviewer: e.reviewer };
  const tail = { note: e.note, at: e.at, rev: e.rev, model: e.model };
  if (e.kind === 'flag') {
    return JSON.stringify({
      ...head,
      sentence: e.sentence,
      ...(e.sentenceText !== undefined ? { sentenceText: e.sentenceText } : {}),
      ...(e.start !== undefined ? { start: e.start } : {}),
      ...(e.end !== undefined ? { end: e.end } : {}),
      reason: e.reason,
      ...tail,
    });
  }
  return JSON.stringify({
    ...head,
    verdict: e.verdict,
    reason: e.reason,
    ...(e.useReportOf !== undefined ? { useReportOf: e.useReportOf } : {}),
    ...tail,
  });
}
