// Finds section headings ("FINDINGS:", "Imaging Notes:", "IMPRESSION" alone on a line) and cuts
// the report into sections. Rule-based: a known heading phrase counts only where a heading can
// stand, so "history" or "findings" inside a sentence is never taken for one.
import type { ReportSection, SectionName } from '../types';

/** Heading phrases (lower case, single spaces) and the section each opens; null marks a banner. */
const HEADING_PHRASES: ReadonlyArray<readonly [string, SectionName | null]> = [
  ['findings', 'findings'],
  ['finding', 'findings'],
  ['imaging findings', 'findings'],
  ['radiographic findings', 'findings'],
  ['impression', 'impression'],
  ['impressions', 'impression'],
  ['conclusion', 'impression'],
  ['conclusions', 'impression'],
  ['summary', 'impression'],
  ['indication', 'indication'],
  ['indications', 'indication'],
  ['clinical indication', 'indication'],
  ['reason for exam', 'indication'],
  ['reason for examination', 'indication'],
  ['reason for this examination', 'indication'],
  ['reason for study', 'indication'],
  ['reason', 'indication'],
  ['history', 'history'],
  ['clinical history', 'history'],
  ['medical history', 'history'],
  ['past medical history', 'history'],
  ['patient history', 'history'],
  ['clinical information', 'history'],
  ['medical condition', 'history'],
  ['underlying medical condition', 'history'],
  ['admitting diagnosis', 'history'],
  ['comparison', 'comparison'],
  ['comparisons', 'comparison'],
  ['technique', 'technique'],
  ['examination', 'technique'],
  ['exam', 'technique'],
  ['procedure', 'technique'],
  ['presentation', 'presentation'],
  ['clinical presentation', 'presentation'],
  ['imaging notes', 'imaging-notes'],
  ['discussion', 'discussion'],
  ['case discussion', 'discussion'],
  ['recommendation', 'recommendation'],
  ['recommendations', 'recommendation'],
  ['recommendation(s)', 'recommendation'],
  // MIMIC-CXR reports open with this banner; it heads nothing.
  ['final report', null],
];

const PHRASE_TO_SECTION = new Map<string, SectionName | null>(HEADING_PHRASES);

// Longest phrases first so "clinical history" wins over "history" at the same position.
const HEADING_PATTERN = new RegExp(
  '\\b(?:' +
    [...PHRASE_TO_SECTION.keys()]
      .sort((a, b) => b.length - a.length)
      .map((p) => p.replace(/[()]/g, '\\$&').replace(/ /g, '[ \\t]+'))
      .join('|') +
    ')(?![\\w(])',
  'gi',
);

/** A heading found in the text: `start..end` spans the phrase, `bodyStart` is past any colon. */
export interface HeadingMatch {
  /** The section it opens, or null for a banner such as "FINAL REPORT". */
  name: SectionName | null;
  heading: string;
  start: number;
  end: number;
  bodyStart: number;
}

/** All headings in `text`, in order, non-overlapping. */
export function detectHeadings(text: string): HeadingMatch[] {
  const found: HeadingMatch[] = [];
  HEADING_PATTERN.lastIndex = 0;
  for (let m = HEADING_PATTERN.exec(text); m; m = HEADING_PATTERN.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    const bodyStart = headingBodyStart(text, start, end, m[0]);
    if (bodyStart === null) {
      // Let a shorter phrase inside this one ("discussion" in "case discussion") have its chance.
      HEADING_PATTERN.lastIndex = start + 1;
      continue;
    }
    const key = m[0].toLowerCase().replace(/\s+/g, ' ');
    found.push({ name: PHRASE_TO_SECTION.get(key) ?? null, heading: m[0], start, end, bodyStart });
    HEADING_PATTERN.lastIndex = bodyStart;
  }
  return found;
}

/**
 * Where the body after a candidate heading starts, or null when the phrase is not standing as a
 * heading there. Allowed: at a line start followed by a colon or the end of the line; inline
 * followed by a colon when it begins a sentence (the case notes run "…breath. Imaging notes: …")
 * or is capitalised after a lower-case word ("…stable condition Discussion: …").
 */
function headingBodyStart(text: string, start: number, end: number, phrase: string): number | null {
  const colon = /^[ \t]*:/.exec(text.slice(end, end + 40));
  const before = text.slice(Math.max(0, start - 200), start);
  const atLineStart = /(^|\n)[ \t]*$/.test(before);
  if (colon) {
    const bodyStart = end + colon[0].length;
    if (atLineStart) return bodyStart;
    if (/[.?!;]["')\]]*\s+$/.test(before)) return bodyStart;
    const capitalised = /[A-Z]/.test(phrase[0]);
    if (capitalised && /[a-z,\]*][ \t]+$/.test(before)) return bodyStart;
    return null;
  }
  if (!atLineStart || !restOfLineBlank(text, end)) return null;
  // Alone on its line without a colon: trust it when written as a heading (not all lower case)
  // or when it follows a blank line, the start of the text, or a finished sentence.
  if (phrase !== phrase.toLowerCase()) return end;
  if (/(^|\n[ \t\r]*\n|[.:?!])[ \t\r]*\n?[ \t]*$/.test(before)) return end;
  return null;
}

/** Whether only spaces and tabs stand between `at` and the end of its line (`^[ \t]*(?=\r?\n|$)`). */
function restOfLineBlank(text: string, at: number): boolean {
  let k = at;
  while (k < text.length && (text[k] === ' ' || text[k] === '\t')) k++;
  return k === text.length || text[k] === '\n' || (text[k] === '\r' && text[k + 1] === '\n');
}

/**
 * Cuts the text into sections at the given headings. Text before the first heading, and text
 * after a banner, becomes a 'body' section when it holds anything but whitespace. A heading with
 * nothing under it still yields its (empty) section. Offsets are trimmed of whitespace.
 */
export function buildSections(text: string, headings: HeadingMatch[]): ReportSection[] {
  const sections: ReportSection[] = [];
  const push = (name: SectionName, heading: string, from: number, to: number, keepEmpty: boolean) => {
    const [start, end] = trimRange(text, from, to);
    if (start < end || keepEmpty) sections.push({ name, heading, start, end });
  };
  push('body', '', 0, headings.length ? headings[0].start : text.length, false);
  headings.forEach((h, i) => {
    const to = i + 1 < headings.length ? headings[i + 1].start : text.length;
    if (h.name === null) push('body', '', h.bodyStart, to, false);
    else push(h.name, h.heading, h.bodyStart, to, true);
  });
  return sections;
}

/** `[from, to)` shrunk past surrounding whitespace; an all-whitespace range collapses to `from`. */
export function trimRange(text: string, from: number, to: number): [number, number] {
  let start = from;
  let end = to;
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return start < end ? [start, end] : [from, from];
}
