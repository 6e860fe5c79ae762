// The status bar's wording, from the results' index and the flags (no pair is read); free of
// `vscode` for unit tests.
import { basename } from 'node:path';
import type { RankedEntry } from '../../engine/results-store/results-store';
import type { ModelSummary } from '../../engine/results';
import type { ReviewEntry } from '../../engine/review';

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

/** "$(checklist) 40 scored · 3 flagged · 2 skipped"; flagged counts pairs with any flag (pair or sentence). */
export function statusText(folder: string, results: StatusCounts, skipped: number, flags: readonly ReviewEntry[] | undefined, resultsFile: string): StatusText {
  const total = results.count;
  const flaggedPairs = new Set((flags ?? []).filter((f) => f.reason !== null && results.entry(f.pair) !== undefined).map((f) => f.pair)).size;
  const parts = [`${formatCount(total)} scored`];
  if (flags) parts.push(`${formatCount(flaggedPairs)} flagged`);
  if (skipped) parts.push(`${formatCount(skipped)} skipped`);
  const tooltip = [
    `radalign: ${formatCount(total)} pairs scored in ${basename(folder)}` + (flags ? `, ${formatCount(flaggedPairs)} flagged` : ''),
    skipped ? `${formatCount(skipped)} files skipped (radalign: Show skipped files)` : '',
    `Model: ${results.model.name || results.model.id}`,
    resultsFile,
    'Click to open the review.',
  ]
    .filter(Boolean)
    .join('\n');
  return { text: `$(checklist) ${parts.join(' · ')}`, tooltip };
}

/** 227000 → "227,000": the same in every locale, so tests and screenshots agree. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
