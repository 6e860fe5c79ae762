// `radalign review --summary` for people: where the review stands, as short tables. The JSON
// form (--format json) is the summary object itself, for scripts.
import Table from 'cli-table3';
import type { ReviewSummary } from '../engine/review/progress';

/** Ids listed in full up to this many; the JSON form always lists them all. */
const LISTED = 20;

export function summaryText(s: ReviewSummary, root: string): string {
  const lines: string[] = [];
  lines.push(
    `Review of ${root}: ${s.reviewed} of ${s.total} pair${s.total === 1 ? '' : 's'} reviewed${s.total ? ` (${percent(s.reviewed, s.total)})` : ''}`,
  );
  lines.push(
    `Standing: ${s.outcomes.aligned} aligned, ${s.outcomes.mismatched} mismatched, ${s.outcomes.unsure} unsure, ${s.disagreed.length} disagreed (not settled); ` +
      `${s.adjudicated.length} adjudicated`,
  );
  const names = Object.keys(s.reviewers);
  if (names.length) {
    const shares = names.some((n) => s.reviewers[n].assigned !== undefined);
    const table = new Table({
      head: ['reviewer', 'reviewed', 'aligned', 'mismatched', 'unsure', ...(shares ? ['own share done'] : [])],
      style: { head: [], border: [] },
    });
    for (const name of names) {
      const r = s.reviewers[name];
      const share =
        r.assigned === undefined
          ? '–'
          : `${r.assignedReviewed} of ${r.assigned}${r.assigned ? ` (${percent(r.assignedReviewed!, r.assigned)})` : ''}`;
      table.push([name, r.reviewed, r.aligned, r.mismatched, r.unsure, ...(shares ? [share] : [])]);
    }
    lines.push(table.toString());
  } else lines.push('No reviewer has given a verdict yet.');
  const a = s.agreement;
  if (a.pairs === 0) lines.push('Agreement: no pair has verdicts of two reviewers yet.');
  else {
    lines.push(
      `Agreement over ${a.pairs} pair${a.pairs === 1 ? '' : 's'} judged by two or more reviewers: Krippendorff's alpha ${figure(a.alpha)}`,
    );
    const table = new Table({ head: ['reviewers', 'pairs', "Cohen's kappa"], style: { head: [], border: [] } });
    for (const k of a.kappa) table.push([`${k.a} & ${k.b}`, k.pairs, figure(k.kappa)]);
    lines.push(table.toString());
  }
  lines.push(idList('Disagreed, not settled by an adjudication', s.disagreed));
  if (s.adjudicated.length) lines.push(idList('Adjudicated', s.adjudicated));
  return lines.join('\n') + '\n';
}

function figure(x: number | null): string {
  // Null with pairs to compare: every verdict was one and the same, so chance explains it all.
  return x === null ? 'undefined (every verdict the same)' : x.toFixed(3);
}

function percent(part: number, whole: number): string {
  const p = (100 * part) / whole;
  return `${p > 0 && p < 1 ? p.toFixed(1) : Math.floor(p)} %`;
}

function idList(title: string, ids: readonly string[]): string {
  if (!ids.length) return `${title}: none`;
  const shown = ids.slice(0, LISTED).join(', ');
  const more = ids.length > LISTED ? `, … and ${ids.length - LISTED} more (--format json lists them all)` : '';
  return `${title} (${ids.length}, most suspicious first): ${shown}${more}`;
}
