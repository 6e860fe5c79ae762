// What the pairs tree shows, as plain data: which pairs pass the filter, in rank order, a page
// at a time, with their labels. Works on the results' index (id, rank, scores, file names) and
// the flags, never on the pairs' records: a dataset may hold 227,000 pairs. Free of `vscode` so
// the filtering and wording are unit-tested in plain Node.
import type { PairResult } from '../../engine/results';
import type { RankedEntry } from '../../engine/results-store/results-store';
import { FLAG_REASON_LABELS, type ReviewEntry } from '../../engine/review';
import { formatCount } from './status-text';

export interface PairFilter {
  /** Case-insensitive text matched against id, report and image paths, flag reasons and notes; '' = none. */
  text: string;
  flaggedOnly: boolean;
}

export const NO_FILTER: PairFilter = { text: '', flaggedOnly: false };

/** Rows the tree lists at first, and adds with each "Show more". */
export const PAGE_SIZE = 200;

/** The results' index as the rows need it (ReviewSession and SavedResults fit). */
export interface PairIndex {
  readonly count: number;
  entry(at: number | string): RankedEntry | undefined;
}

/** The flags as the rows need them (ReviewSession fits): current flags only, no tombstones. */
export interface PairFlags {
  flagsFor(pairId: string): readonly ReviewEntry[];
  flaggedPairIds(): Iterable<string>;
}

export interface PairRow {
  entry: RankedEntry;
  label: string;
  description: string;
  tooltip: string;
  /** Flags on the pair itself or on any of its sentences. */
  flags: readonly ReviewEntry[];
  pairFlag: ReviewEntry | undefined;
}

export interface SentenceRow {
  pairId: string;
  index: number;
  label: string;
  description: string;
  tooltip: string;
  flag: ReviewEntry | undefined;
}

export function isFiltering(filter: PairFilter): boolean {
  return filter.text.trim() !== '' || filter.flaggedOnly;
}

/** The pairs that pass a filter: every rank (`'all'`), or the matching ranks in order. */
export type Matches = 'all' | readonly number[];

export function matchCount(matches: Matches, index: PairIndex): number {
  return matches === 'all' ? index.count : matches.length;
}

/** The rank of the `k`-th matching pair (0-based). */
export function rankAt(matches: Matches, k: number): number {
  return matches === 'all' ? k + 1 : matches[k]!;
}

/** Where the pair of `rank` stands among the matches (0-based), or -1 when it does not match. */
export function matchPosition(matches: Matches, rank: number, index: PairIndex): number {
  if (matches === 'all') return rank >= 1 && rank <= index.count ? rank - 1 : -1;
  let lo = 0;
  let hi = matches.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (matches[mid]! < rank) lo = mid + 1;
    else hi = mid;
  }
  return matches[lo] === rank ? lo : -1;
}

/**
 * The pairs that pass `filter`, by rank. Flagged-only looks at the flagged pairs alone; a text
 * filter goes through the index once (ids and paths, in memory), never through the records.
 */
export function matchingRanks(index: PairIndex, flags: PairFlags, filter: PairFilter): Matches {
  if (!isFiltering(filter)) return 'all';
  const needle = filter.text.trim().toLowerCase();
  const passes = (entry: RankedEntry) => !needle || matchesText(entry, flags.flagsFor(entry.id), needle);
  const ranks: number[] = [];
  if (filter.flaggedOnly) {
    for (const id of flags.flaggedPairIds()) {
      const entry = index.entry(id);
      if (entry && passes(entry)) ranks.push(entry.rank);
    }
    return ranks.sort((a, b) => a - b);
  }
  for (let rank = 1; rank <= index.count; rank++) if (passes(index.entry(rank)!)) ranks.push(rank);
  return ranks;
}

/** The first `limit` matching rows, most suspicious first. */
export function pairRows(index: PairIndex, flags: PairFlags, matches: Matches, limit: number): PairRow[] {
  const n = Math.min(limit, matchCount(matches, index));
  const rows: PairRow[] = [];
  for (let k = 0; k < n; k++) {
    const entry = index.entry(rankAt(matches, k))!;
    rows.push(pairRow(entry, flags.flagsFor(entry.id)));
  }
  return rows;
}

/** One pair's row; with its record (`details`, read when the tooltip is opened) the tooltip tells why it ranks there. */
export function pairRow(entry: RankedEntry, flags: readonly ReviewEntry[], details?: PairResult): PairRow {
  const pairFlag = flags.find((f) => f.sentence === null);
  const sentenceFlags = flags.filter((f) => f.sentence !== null).length;
  const flagText = pairFlag ? `⚑ ${FLAG_REASON_LABELS[pairFlag.reason!]}` : sentenceFlags ? `⚑ ${sentenceFlags} sentence${sentenceFlags === 1 ? '' : 's'}` : '';
  const description = [`suspicion ${entry.suspicion.toFixed(2)}`, `score ${entry.score.toFixed(3)}`, flagText].filter(Boolean).join(' · ');
  const why = details ? ` (reports fitting the image better: ${percent(details.reportRank)}, images fitting the report better: ${percent(details.imageRank)})` : '';
  const tooltip = [
    `#${entry.rank} ${entry.id}`,
    `suspicion ${entry.suspicion.toFixed(3)}${why}`,
    `score ${entry.score.toFixed(4)}`,
    `report: ${entry.report}`,
    `images: ${entry.images.join(', ')}`,
    ...(details ? [`${details.sentences.length} sentence${details.sentences.length === 1 ? '' : 's'}`] : []),
    ...flags.map((f) => `⚑ ${f.sentence === null ? 'pair' : `sentence ${f.sentence + 1}`}: ${FLAG_REASON_LABELS[f.reason!]}${f.note ? ` — ${f.note}` : ''} (${f.reviewer})`),
  ].join('\n');
  return { entry, label: `#${entry.rank} ${entry.id}`, description, tooltip, flags, pairFlag };
}

/** One row per sentence, in report order. */
export function sentenceRows(pair: PairResult, flags: readonly ReviewEntry[]): SentenceRow[] {
  return pair.sentences.map((s, index) => {
    const flag = flags.find((f) => f.pair === pair.id && f.sentence === index);
    const notes = [s.negated ? 'negated' : '', s.uncertain ? 'uncertain' : '', s.describesImage ? '' : 'not about the image'].filter(Boolean);
    const description = [`score ${s.score.toFixed(3)}`, ...notes, flag ? `⚑ ${FLAG_REASON_LABELS[flag.reason!]}` : ''].filter(Boolean).join(' · ');
    return {
      pairId: pair.id,
      index,
      label: s.text.replace(/\s+/g, ' ').trim(),
      description,
      tooltip: `${s.section} · sentence ${index + 1} of ${pair.sentences.length}\n${description}`,
      flag,
    };
  });
}

/** The view's message line: what is filtered, and how many pairs match. Undefined when not filtering. */
export function filterMessage(filter: PairFilter, matching: number, total: number): string | undefined {
  if (!isFiltering(filter)) return undefined;
  const parts = [filter.text.trim() ? `“${filter.text.trim()}”` : '', filter.flaggedOnly ? 'flagged only' : ''].filter(Boolean);
  return `Filter: ${parts.join(' · ')} — ${formatCount(matching)} of ${formatCount(total)} pairs`;
}

/** The label of the row after the last one shown: how many more it adds, and how many are shown of how many. */
export function showMoreLabel(shown: number, matching: number, pageSize = PAGE_SIZE): string {
  return `Show ${formatCount(Math.min(pageSize, matching - shown))} more… (${formatCount(shown)} of ${formatCount(matching)} shown)`;
}

/** Whether `needle` (lower case) is in the pair's id, report or image paths, or its flags' reasons and notes. */
function matchesText(entry: RankedEntry, flags: readonly ReviewEntry[], needle: string): boolean {
  const has = (text: string) => text.toLowerCase().includes(needle);
  if (has(entry.id) || has(entry.report) || entry.images.some(has)) return true;
  return flags.some((f) => (f.reason !== null && (has(f.reason) || has(FLAG_REASON_LABELS[f.reason]))) || has(f.note));
}

function percent(v: number): string {
  return `${Math.round(v * 100)}%`;
}
