// The status bar's wording, from the results' index and the review summary (no pair is read);
// free of `vscode` for unit tests.
import { basename } from 'node:path';
import type { RankedEntry } from '../../engine/results-store/results-store';
import type { ModelSummary } from '../../engine/results';
import type { ReviewSummary } from '../../engine/review/progress';
import { l10n } from '../l10n';

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
  const parts = review ? [progressText(review.summary, review.reviewer)] : [l10n.t('{0} scored', formatCount(total))];
  if (skipped) parts.push(l10n.t('{0} skipped', formatCount(skipped)));
  const tooltip = [
    l10n.t('radalign: {0} pairs scored in {1}', formatCount(total), basename(folder)),
    ...(s && review ? reviewLines(s, review.reviewer) : []),
    skipped ? l10n.t('{0} files skipped (radalign: Show skipped files)', formatCount(skipped)) : '',
    l10n.t('Model: {0}', results.model.name || results.model.id),
    resultsFile,
    l10n.t('Click to open the review.'),
  ]
    .filter(Boolean)
    .join('\n');
  return { text: `$(checklist) ${parts.join(' · ')}`, tooltip };
}

/** "12 / 40 reviewed · mine 5 / 14 · 2 disagreed": the status bar's and the pairs view's progress. */
export function progressText(s: ReviewSummary, reviewer: string): string {
  const mine = s.reviewers[reviewer];
  const parts = [l10n.t('{0} / {1} reviewed', formatCount(s.reviewed), formatCount(s.total))];
  if (mine?.assigned !== undefined)
    parts.push(l10n.t('mine {0} / {1}', formatCount(mine.assignedReviewed ?? 0), formatCount(mine.assigned)));
  if (s.disagreed.length) parts.push(l10n.t('{0} disagreed', formatCount(s.disagreed.length)));
  return parts.join(' · ');
}

/** The tooltip's review part: outcomes, each reviewer's counts and share, agreement, disagreements. */
function reviewLines(s: ReviewSummary, me: string): string[] {
  const o = s.outcomes;
  const lines = [
    l10n.t(
      'Reviewed: {0} of {1} ({2} aligned · {3} mismatched · {4} unsure)',
      formatCount(s.reviewed),
      formatCount(s.total),
      formatCount(o.aligned),
      formatCount(o.mismatched),
      formatCount(o.unsure),
    ),
  ];
  const names = Object.keys(s.reviewers);
  if (!names.includes(me)) lines.push(l10n.t('You review as {0}: no verdicts yet.', me));
  for (const name of names) {
    const r = s.reviewers[name]!;
    const share =
      r.assigned !== undefined
        ? ` · ${l10n.t('share {0} / {1} done', formatCount(r.assignedReviewed ?? 0), formatCount(r.assigned))}`
        : '';
    const counts = l10n.t(
      '{0}: {1} reviewed ({2} aligned · {3} mismatched · {4} unsure)',
      name,
      formatCount(r.reviewed),
      formatCount(r.aligned),
      formatCount(r.mismatched),
      formatCount(r.unsure),
    );
    lines.push(`${name === me ? '▸ ' : '  '}${counts}${share}`);
  }
  const a = s.agreement;
  if (a.pairs) {
    const kappas = a.kappa.map(
      (k) =>
        `κ ${k.a}–${k.b} ${figure(k.kappa)} (${k.pairs === 1 ? l10n.t('1 pair') : l10n.t('{0} pairs', formatCount(k.pairs))})`,
    );
    const over =
      a.pairs === 1
        ? l10n.t('Agreement over 1 pair judged by two or more: α {0}', figure(a.alpha))
        : l10n.t('Agreement over {0} pairs judged by two or more: α {1}', formatCount(a.pairs), figure(a.alpha));
    lines.push(`${over}${kappas.length ? ` · ${kappas.join(' · ')}` : ''}`);
  }
  if (s.disagreed.length || s.adjudicated.length)
    lines.push(
      l10n.t(
        'Disagreed: {0} not settled · {1} adjudicated',
        formatCount(s.disagreed.length),
        formatCount(s.adjudicated.length),
      ),
    );
  return lines;
}

/** A kappa or alpha to two decimals; null (every verdict one category: not defined) as "n/a". */
export function figure(value: number | null): string {
  return value === null ? l10n.t('n/a') : value.toFixed(2);
}

/** 227000 → "227,000": the same in every locale, so tests and screenshots agree. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
