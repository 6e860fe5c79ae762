// The status bar's wording, from the results' index and the review summary (no pair is read);
// free of `vscode` for unit tests.
import { basename } from 'node:path';
import type { RankedEntry } from '../../engine/results-store/results-store';
import type { ModelSummary } from '../../engine/results';
import type { ReviewSummary } from '../../engine/review/progress';

export interface StatusText {
  text: string;
  tooltip: string;
}

/** What the status bar counts: the results' index (SavedResults fits) and the skipped files. */
export interface StatusCounts {
  readonly count: number;
  readonly model: ModelSummary;
  entry(id: string): RankedEntry | undefined;
}

/** Where the review stands (ReviewSession.progress()) and who is looking. */
export interface StatusReview {
  summary: ReviewSummary;
  reviewer: string;
}

/**
 * "$(checklist) 12 / 40 reviewed · mine 5 / 14 · 2 disagreed · 1 skipped": "mine" when the
 * assignment names the reviewer, "disagreed" counts disagreements no adjudication settles (shown
 * when there are any). Without a review session yet: "$(checklist) 40 scored".
 */
export function statusText(
  folder: string,
  results: StatusCounts,
  skipped: number,
  review: StatusReview | undefined,
  resultsFile: string,
): StatusText {
  const total = results.count;
  const s = review?.summary;
  const parts = review ? [progressText(review.summary, review.reviewer)] : [`${formatCount(total)} scored`];
  if (skipped) parts.push(`${formatCount(skipped)} skipped`);
  const tooltip = [
    `radalign: ${formatCount(total)} pairs scored in ${basename(folder)}`,
    ...(s && review ? reviewLines(s, review.reviewer) : []),
    skipped ? `${formatCount(skipped)} files skipped (radalign: Show skipped files)` : '',
    `Model: ${results.model.name || results.model.id}`,
    resultsFile,
    'Click to open the review.',
  ]
    .filter(Boolean)
    .join('\n');
  return { text: `$(checklist) ${parts.join(' · ')}`, tooltip };
}

/** "12 / 40 reviewed · mine 5 / 14 · 2 disagreed": the status bar's and the pairs view's progress. */
export function progressText(s: ReviewSummary, reviewer: string): string {
  const mine = s.reviewers[reviewer];
  const parts = [`${formatCount(s.reviewed)} / ${formatCount(s.total)} reviewed`];
  if (mine?.assigned !== undefined)
    parts.push(`mine ${formatCount(mine.assignedReviewed ?? 0)} / ${formatCount(mine.assigned)}`);
  if (s.disagreed.length) parts.push(`${formatCount(s.disagreed.length)} disagreed`);
  return parts.join(' · ');
}

/** The tooltip's review part: outcomes, each reviewer's counts and share, agreement, disagreements. */
function reviewLines(s: ReviewSummary, me: string): string[] {
  const o = s.outcomes;
  const lines = [
    `Reviewed: ${formatCount(s.reviewed)} of ${formatCount(s.total)} (${formatCount(o.aligned)} aligned · ${formatCount(o.mismatched)} mismatched · ${formatCount(o.unsure)} unsure)`,
  ];
  const names = Object.keys(s.reviewers);
  if (!names.includes(me)) lines.push(`You review as ${me}: no verdicts yet.`);
  for (const name of names) {
    const r = s.reviewers[name]!;
    const share =
      r.assigned !== undefined
        ? ` · share ${formatCount(r.assignedReviewed ?? 0)} / ${formatCount(r.assigned)} done`
        : '';
    lines.push(
      `${name === me ? '▸ ' : '  '}${name}: ${formatCount(r.reviewed)} reviewed (${formatCount(r.aligned)} aligned · ${formatCount(r.mismatched)} mismatched · ${formatCount(r.unsure)} unsure)${share}`,
    );
  }
  const a = s.agreement;
  if (a.pairs) {
    const kappas = a.kappa.map(
      (k) => `κ ${k.a}–${k.b} ${figure(k.kappa)} (${formatCount(k.pairs)} pair${k.pairs === 1 ? '' : 's'})`,
    );
    lines.push(
      `Agreement over ${formatCount(a.pairs)} pair${a.pairs === 1 ? '' : 's'} judged by two or more: α ${figure(a.alpha)}${kappas.length ? ` · ${kappas.join(' · ')}` : ''}`,
    );
  }
  if (s.disagreed.length || s.adjudicated.length)
    lines.push(
      `Disagreed: ${formatCount(s.disagreed.length)} not settled · ${formatCount(s.adjudicated.length)} adjudicated`,
    );
  return lines;
}

/** A kappa or alpha to two decimals; null (every verdict one category: not defined) as "n/a". */
export function figure(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(2);
}

/** 227000 → "227,000": the same in every locale, so tests and screenshots agree. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
