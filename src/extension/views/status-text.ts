// The status bar's wording, free of `vscode` for unit tests.
import { basename } from 'node:path';
import type { ScoreResults } from '../../engine/results';
import type { ReviewEntry } from '../../engine/review';

export interface StatusText {
  text: string;
  tooltip: string;
}

/** "$(checklist) 40 scored · 3 flagged · 2 skipped"; flagged counts pairs with any flag (pair or sentence). */
export function statusText(folder: string, results: ScoreResults, flags: readonly ReviewEntry[] | undefined, resultsFile: string): StatusText {
  const total = results.pairs.length;
  const ids = new Set(results.pairs.map((p) => p.id));
  const flaggedPairs = new Set((flags ?? []).filter((f) => f.reason !== null && ids.has(f.pair)).map((f) => f.pair)).size;
  const skipped = results.skipped.length;
  const parts = [`${total} scored`];
  if (flags) parts.push(`${flaggedPairs} flagged`);
  if (skipped) parts.push(`${skipped} skipped`);
  const tooltip = [
    `radalign: ${total} pairs scored in ${basename(folder)}` + (flags ? `, ${flaggedPairs} flagged` : ''),
    skipped ? `${skipped} files skipped (radalign: Show skipped files)` : '',
    `Model: ${results.model.name || results.model.id}`,
    resultsFile,
    'Click to open the review.',
  ]
    .filter(Boolean)
    .join('\n');
  return { text: `$(checklist) ${parts.join(' · ')}`, tooltip };
}
