// What the pairs tree shows, as plain data: which pairs pass the filter (text, and a review state:
// awaiting my verdict, mismatched, unsure, disagreed, flagged), in rank order, a page at a time, with
// their labels: each pair's standing and, where reviewers disagree, what each one said. Works on
// the results' index (id, rank, suspicion, cosine, file names) and the review index, never on the pairs'
// records: a dataset may hold 227,000 pairs. Free of `vscode` so the filtering and wording are
// unit-tested in plain Node.
import type { PairResult } from '../../engine/results';
import type { RankedEntry } from '../../engine/results-store/results-store';
import type { AnchoredFlags } from '../../engine/review/anchor';
import type { PairOutcome, PairReview, ReviewIndex } from '../../engine/review/review-index';
import { type AdjudicationEntry, type FlagEntry, type VerdictEntry } from '../../engine/review/types';
import { l10n } from '../l10n';
import { shareRanks } from '../review/my-share';
import { reportName } from '../../engine/report-origin';
import { formatCount } from './status-text';
import { reasonLabel } from '../review-labels';

/** Which pairs by their review: every pair, or those in one state. */
export const REVIEW_FILTERS = ['all', 'awaiting-my-verdict', 'mismatched', 'unsure', 'disagreed', 'flagged'] as const;
export type ReviewFilter = (typeof REVIEW_FILTERS)[number];

export function reviewFilterLabel(show: ReviewFilter): string {
  switch (show) {
    case 'all':
      return l10n.t('all pairs');
    case 'awaiting-my-verdict':
      return l10n.t('awaiting my verdict');
    case 'mismatched':
      return l10n.t('mismatched');
    case 'unsure':
      return l10n.t('unsure');
    case 'disagreed':
      return l10n.t('disagreed');
    case 'flagged':
      return l10n.t('flagged');
  }
}

export function reviewFilterDescription(show: ReviewFilter): string {
  switch (show) {
    case 'all':
      return l10n.t('no review filter');
    case 'awaiting-my-verdict':
      return l10n.t('in my share when pairs are assigned, none of my verdicts yet, not adjudicated');
    case 'mismatched':
      return l10n.t('judged mismatched (agreed, or settled by adjudication)');
    case 'unsure':
      return l10n.t('judged unsure (agreed, or settled by adjudication)');
    case 'disagreed':
      return l10n.t("reviewers' verdicts differ (adjudicated ones included, marked)");
    case 'flagged':
      return l10n.t('a mismatched verdict by anyone, or a flagged sentence');
  }
}

/** A review filter as automation names it; 'unreviewed' is the older spelling of 'awaiting-my-verdict'. */
export function reviewFilterFrom(v: unknown): ReviewFilter | undefined {
  if (v === 'unreviewed') return 'awaiting-my-verdict';
  return typeof v === 'string' && (REVIEW_FILTERS as readonly string[]).includes(v) ? (v as ReviewFilter) : undefined;
}

export interface PairFilter {
  /** Case-insensitive text matched against id, report and image paths, reviewers, verdicts, reasons and notes; '' = none. */
  text: string;
  show: ReviewFilter;
}

export const NO_FILTER: PairFilter = { text: '', show: 'all' };

/** Rows the tree lists at first, and adds with each "Show more". */
export const PAGE_SIZE = 200;

/** The results' index as the rows need it (ReviewSession and SavedResults fit). */
export interface PairIndex {
  readonly count: number;
  entry(at: number | string): RankedEntry | undefined;
}

/** The review as the rows need it (ReviewSession fits). */
export interface PairReviews {
  readonly review: ReviewIndex;
  /** Whether the pair awaits my verdict: mine to judge, none of mine yet, not adjudicated. */
  awaitsMyVerdict(pairId: string): boolean;
  /** My share when the assignment names me (the only pairs "awaiting my verdict" needs to look at). */
  myShare(): readonly string[] | undefined;
}

export interface PairRow {
  entry: RankedEntry;
  label: string;
  description: string;
  tooltip: string;
  outcome: PairOutcome;
  /** The reviewers' verdicts differ (settled or not). */
  disagreed: boolean;
  adjudicated: boolean;
  /** Live sentence flags of every reviewer. */
  flags: readonly FlagEntry[];
  review: PairReview | undefined;
}

export interface SentenceRow {
  pairId: string;
  index: number;
  label: string;
  description: string;
  tooltip: string;
  /** Flags anchored on this sentence, every reviewer's. */
  flags: FlagEntry[];
}

export function isFiltering(filter: PairFilter): boolean {
  return filter.text.trim() !== '' || filter.show !== 'all';
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

/** Whether a pair's review puts it in a state filter (other than 'all' and 'awaiting-my-verdict'). */
function inState(review: PairReview, show: ReviewFilter): boolean {
  switch (show) {
    case 'mismatched':
    case 'unsure':
      return review.outcome === show;
    case 'disagreed':
      return review.disagreed;
    case 'flagged':
      return (
        review.flags.length > 0 ||
        review.verdicts.some((v) => v.verdict === 'mismatched') ||
        review.adjudication?.verdict === 'mismatched'
      );
    default:
      return true;
  }
}

/**
 * The pairs that pass `filter`, by rank. A review state looks at the pairs the review file holds
 * something for alone ("awaiting my verdict": at my share when I have one); a text filter goes through the
 * index once (ids and paths, in memory), never through the records.
 */
export function matchingRanks(index: PairIndex, reviews: PairReviews, filter: PairFilter): Matches {
  if (!isFiltering(filter)) return 'all';
  const needle = filter.text.trim().toLowerCase();
  const passes = (entry: RankedEntry) => !needle || matchesText(entry, reviews.review.get(entry.id), needle);
  const ranks: number[] = [];
  const { show } = filter;
  if (show === 'awaiting-my-verdict') {
    const share = reviews.myShare();
    const candidates = share ? shareRanks(share, index as { entry(id: string): RankedEntry | undefined }) : undefined;
    const consider = (rank: number) => {
      const entry = index.entry(rank)!;
      if (reviews.awaitsMyVerdict(entry.id) && passes(entry)) ranks.push(rank);
    };
    if (candidates) candidates.forEach(consider);
    else for (let rank = 1; rank <= index.count; rank++) consider(rank);
    return ranks;
  }
  if (show !== 'all') {
    for (const review of reviews.review.pairs()) {
      const entry = index.entry(review.pair);
      if (entry && inState(review, show) && passes(entry)) ranks.push(entry.rank);
    }
    return ranks.sort((a, b) => a - b);
  }
  for (let rank = 1; rank <= index.count; rank++) if (passes(index.entry(rank)!)) ranks.push(rank);
  return ranks;
}

/** The first `limit` matching rows, most suspicious first. */
export function pairRows(index: PairIndex, reviews: PairReviews, matches: Matches, limit: number): PairRow[] {
  const n = Math.min(limit, matchCount(matches, index));
  const rows: PairRow[] = [];
  for (let k = 0; k < n; k++) {
    const entry = index.entry(rankAt(matches, k))!;
    rows.push(pairRow(entry, reviews.review.get(entry.id)));
  }
  return rows;
}

const OUTCOME_MARK: Record<Exclude<PairOutcome, 'unreviewed' | 'disagreed'>, string> = {
  aligned: '✓',
  mismatched: '✗',
  unsure: '?',
};

/** "mismatched: laterality (left/right)", "aligned". */
function verdictWords(v: VerdictEntry | AdjudicationEntry): string {
  return v.verdict === 'mismatched' && v.reason ? l10n.t('mismatched: {0}', reasonLabel(v.reason)) : String(v.verdict);
}

/** "ann: aligned · ben: mismatched". */
export function eachVerdict(review: PairReview): string {
  return review.verdicts.map((v) => `${v.reviewer}: ${v.verdict}`).join(' · ');
}

/**
 * The review part of a pair's row: "✓ aligned", "✗ mismatched: laterality (left/right)",
 * "≠ ann: aligned · ben: mismatched" (disagreed), "⚖ mismatched (adjudicated) · ann: aligned ·
 * ben: mismatched"; and "⚑ 2 sentences" for sentence flags. '' when nothing is said.
 */
export function reviewText(review: PairReview | undefined): string {
  if (!review) return '';
  const parts: string[] = [];
  if (review.adjudication) {
    parts.push(`⚖ ${l10n.t('{0} (adjudicated)', verdictWords(review.adjudication))}`);
    if (review.verdicts.length) parts.push(eachVerdict(review));
  } else if (review.outcome === 'disagreed') parts.push(`≠ ${eachVerdict(review)}`);
  else if (review.outcome !== 'unreviewed') {
    const names = review.verdicts.length > 1 ? ` (${review.verdicts.map((v) => v.reviewer).join(', ')})` : '';
    parts.push(`${OUTCOME_MARK[review.outcome]} ${verdictWords(review.decidedBy!)}${names}`);
  }
  const flagged = new Set(review.flags.map((f) => f.sentenceText ?? `#${f.sentence}`)).size;
  if (flagged) parts.push(`⚑ ${flagged === 1 ? l10n.t('1 sentence') : l10n.t('{0} sentences', flagged)}`);
  return parts.join(' · ');
}

/** One pair's row; with its record (`details`, read when the tooltip is opened) the tooltip tells why it ranks there. */
export function pairRow(entry: RankedEntry, review: PairReview | undefined, details?: PairResult): PairRow {
  const description = [
    l10n.t('suspicion {0}', entry.suspicion.toFixed(2)),
    l10n.t('score {0}', entry.cosine.toFixed(3)),
    reviewText(review),
  ]
    .filter(Boolean)
    .join(' · ');
  const suspicion = l10n.t('suspicion {0}', entry.suspicion.toFixed(3));
  const said = (v: VerdictEntry | AdjudicationEntry) =>
    `${verdictWords(v)}${v.useReportOf ? ` — ${l10n.t('report of {0} belongs here', v.useReportOf)}` : ''}${v.note ? ` — ${v.note}` : ''}`;
  const sentences = details?.sentences.length;
  const tooltip = [
    `#${entry.rank} ${entry.id}`,
    details
      ? l10n.t(
          '{0} (reports fitting the image better: {1}, images fitting the report better: {2})',
          suspicion,
          percent(details.reportRank),
          percent(details.imageRank),
        )
      : suspicion,
    l10n.t('score {0}', entry.cosine.toFixed(4)),
    l10n.t('report: {0}', reportName(entry)),
    l10n.t('images: {0}', entry.images.join(', ')),
    ...(sentences === undefined ? [] : [sentences === 1 ? l10n.t('1 sentence') : l10n.t('{0} sentences', sentences)]),
    ...(review?.verdicts ?? []).map((v) => `${v.reviewer}: ${said(v)}`),
    ...(review?.adjudication
      ? [`⚖ ${l10n.t('adjudicated by {0}: {1}', review.adjudication.reviewer, said(review.adjudication))}`]
      : []),
    ...(review?.flags ?? []).map(
      (f) => `⚑ ${flagPlace(f)}: ${reasonLabel(f.reason!)}${f.note ? ` — ${f.note}` : ''} (${f.reviewer})`,
    ),
  ].join('\n');
  return {
    entry,
    label: `#${entry.rank} ${entry.id}`,
    description,
    tooltip,
    outcome: review?.outcome ?? 'unreviewed',
    disagreed: review?.disagreed ?? false,
    adjudicated: review?.adjudication !== undefined,
    flags: review?.flags ?? [],
    review,
  };
}

/** "sentence 2 “Left effusion.”" (the index as flagged; the text decides where it is now). */
function flagPlace(f: FlagEntry): string {
  const text = f.sentenceText?.replace(/\s+/g, ' ').trim();
  const place = l10n.t('sentence {0}', f.sentence + 1);
  return text ? `${place} “${text.length > 50 ? text.slice(0, 47) + '…' : text}”` : place;
}

/** One row per sentence, in report order, with the flags anchored on it (anchoredFlags). */
export function sentenceRows(pair: PairResult, anchored: AnchoredFlags<FlagEntry>): SentenceRow[] {
  return pair.sentences.map((s, index) => {
    const flags = anchored.anchored.filter((a) => a.sentence === index).map((a) => a.flag);
    const notes = [
      s.negated ? l10n.t('negated') : '',
      s.uncertain ? l10n.t('uncertain') : '',
      s.describesImage ? '' : l10n.t('not about the image'),
    ].filter(Boolean);
    const flagText = flags.map((f) => `⚑ ${reasonLabel(f.reason!)} (${f.reviewer})`).join(' · ');
    const description = [l10n.t('score {0}', s.evidence.toFixed(3)), ...notes, flagText].filter(Boolean).join(' · ');
    const flagNotes = flags.filter((f) => f.note).map((f) => `${f.reviewer}: ${f.note}`);
    return {
      pairId: pair.id,
      index,
      label: s.text.replace(/\s+/g, ' ').trim(),
      description,
      tooltip: [
        `${s.section} · ${l10n.t('sentence {0} of {1}', index + 1, pair.sentences.length)}`,
        description,
        ...flagNotes,
      ].join('\n'),
      flags,
    };
  });
}

/** The view's message line: what is filtered, and how many pairs match. Undefined when not filtering. */
export function filterMessage(filter: PairFilter, matching: number, total: number): string | undefined {
  if (!isFiltering(filter)) return undefined;
  const parts = [
    filter.text.trim() ? `“${filter.text.trim()}”` : '',
    filter.show !== 'all' ? reviewFilterLabel(filter.show) : '',
  ].filter(Boolean);
  return l10n.t('Filter: {0} — {1} of {2} pairs', parts.join(' · '), formatCount(matching), formatCount(total));
}

/** The label of the row after the last one shown: how many more it adds, and how many are shown of how many. */
export function showMoreLabel(shown: number, matching: number, pageSize = PAGE_SIZE): string {
  return l10n.t(
    'Show {0} more… ({1} of {2} shown)',
    formatCount(Math.min(pageSize, matching - shown)),
    formatCount(shown),
    formatCount(matching),
  );
}

/** Whether `needle` (lower case) is in the pair's id, report or image paths, or its review: reviewers, verdicts, reasons, notes. */
function matchesText(entry: RankedEntry, review: PairReview | undefined, needle: string): boolean {
  const has = (text: string) => text.toLowerCase().includes(needle);
  if (has(entry.id) || has(reportName(entry)) || entry.images.some(has)) return true;
  if (!review) return false;
  const said = [...review.verdicts, ...(review.adjudication ? [review.adjudication] : []), ...review.flags];
  return said.some(
    (e) =>
      has(e.reviewer) ||
      has(e.note) ||
      (e.kind !== 'flag' && e.verdict !== null && has(e.verdict)) ||
      (e.reason !== null && (has(e.reason) || has(reasonLabel(e.reason)))),
  );
}

function percent(v: number): string {
  return `${Math.round(v * 100)}%`;
}
