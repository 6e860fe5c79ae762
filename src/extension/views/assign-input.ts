// What "Assign pairs…" reads from its input boxes (reviewer names, the share reviewed twice) and
// how it words the shares it made. Free of `vscode`.
import type { Assignment } from '../../engine/review/assignment';
import { l10n } from '../l10n';
import { formatCount } from './status-text';

/** "ann, ben; cy" → ['ann', 'ben', 'cy'] (commas or semicolons; empty names are left to assignPairs to refuse). */
export function parseReviewerList(text: string): string[] {
  const names = text.split(/[,;]/).map((s) => s.trim());
  return names.length === 1 && names[0] === '' ? [] : names;
}

/** "10%", "10 %", "0.1" → 0.1; a number above 1 is a percentage ("10" → 0.1). Undefined when not a share. */
export function parseOverlap(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const share = m[2] || n > 1 ? n / 100 : n;
  return share >= 0 && share <= 1 ? share : undefined;
}

/** "ann 14 · ben 14 · cy 13 pairs; 4 pairs reviewed twice". */
export function sharesText(a: Assignment): string {
  const counts = a.reviewers.map((r) => `${r} ${formatCount(a.shares[r]?.length ?? 0)}`).join(' · ');
  const total = a.reviewers.reduce((n, r) => n + (a.shares[r]?.length ?? 0), 0);
  const distinct = new Set(a.reviewers.flatMap((r) => a.shares[r] ?? [])).size;
  const twice = total - distinct;
  return twice === 1
    ? l10n.t('{0} pairs; 1 pair reviewed twice', counts)
    : l10n.t('{0} pairs; {1} pairs reviewed twice', counts, formatCount(twice));
}
