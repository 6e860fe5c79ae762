// Reading and writing the review file: one JSON object per line, sorted by pair then sentence,
// so that git diffs show one line per changed flag and merges of different pairs never conflict.
import { entryKey, isFlagReason, type ReviewEntry } from './types';

export interface ParsedReview {
  entries: ReviewEntry[];
  /** Lines that could not be read, with their 1-based line number and why. */
  problems: { line: number; problem: string }[];
}

/**
 * Parses the file leniently. Git conflict markers are skipped and both sides' lines are kept
 * (the newer change per target wins in `mergeEntries`), so a conflicted pull loses nothing.
 */
export function parseReview(text: string): ParsedReview {
  const entries: ReviewEntry[] = [];
  const problems: ParsedReview['problems'] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || /^(<{7}|={7}|>{7}|\|{7})( |$)/.test(line)) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push({ line: i + 1, problem: 'not valid JSON' });
      return;
    }
    const checked = checkEntry(value);
    if (typeof checked === 'string') problems.push({ line: i + 1, problem: checked });
    else entries.push(checked);
  });
  return { entries: mergeEntries(entries, []), problems };
}

function checkEntry(v: unknown): ReviewEntry | string {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'not a JSON object';
  const o = v as Record<string, unknown>;
  if (typeof o.pair !== 'string' || !o.pair) return "missing 'pair'";
  if (o.sentence !== null && !(Number.isInteger(o.sentence) && (o.sentence as number) >= 0)) return "'sentence' must be a sentence index or null";
  if (o.reason !== null && !isFlagReason(o.reason)) return `unknown reason ${JSON.stringify(o.reason)}`;
  if (typeof o.at !== 'string' || Number.isNaN(Date.parse(o.at))) return "'at' must be an ISO time";
  if (o.rev !== undefined && !(Number.isSafeInteger(o.rev) && (o.rev as number) >= 0)) return "'rev' must be a whole number ≥ 0";
  return {
    pair: o.pair,
    sentence: o.sentence as number | null,
    ...(typeof o.sentenceText === 'string' ? { sentenceText: o.sentenceText } : {}),
    reason: o.reason as ReviewEntry['reason'],
    note: typeof o.note === 'string' ? o.note : '',
    reviewer: typeof o.reviewer === 'string' ? o.reviewer : '',
    at: o.at,
    rev: (o.rev as number | undefined) ?? 0,
    model: typeof o.model === 'string' ? o.model : '',
  };
}

/**
 * The newest change per target wins, sorted. Newest: the higher revision (changes made one
 * after another, even in the same millisecond); for equal revisions — two copies changed apart,
 * e.g. on two git branches — the later time; then the flag over the unflag (losing a flag
 * silently is worse than keeping one a reviewer can remove), then the longer note, then the
 * entry's text, so every machine merges the same two copies the same way.
 */
export function mergeEntries(a: ReviewEntry[], b: ReviewEntry[]): ReviewEntry[] {
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
  if ((x.reason === null) !== (y.reason === null)) return x.reason !== null;
  if (x.note.length !== y.note.length) return x.note.length > y.note.length;
  return entryLine(x) > entryLine(y);
}

function compareEntries(x: ReviewEntry, y: ReviewEntry): number {
  if (x.pair !== y.pair) return x.pair < y.pair ? -1 : 1;
  return (x.sentence ?? -1) - (y.sentence ?? -1);
}

/** Fixed key order, one entry per line, trailing newline. */
export function serializeReview(entries: ReviewEntry[]): string {
  return entries.map((e) => `${entryLine(e)}\n`).join('');
}

/** One entry as its line in the file (fixed key order). */
export function entryLine(e: ReviewEntry): string {
  return JSON.stringify({
    pair: e.pair,
    sentence: e.sentence,
    ...(e.sentenceText !== undefined ? { sentenceText: e.sentenceText } : {}),
    reason: e.reason,
    note: e.note,
    reviewer: e.reviewer,
    at: e.at,
    rev: e.rev,
    model: e.model,
  });
}
