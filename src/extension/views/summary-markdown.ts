// "Review summary" as a markdown document: where the team's review stands (outcomes, each
// reviewer's counts and share), the agreement figures with the counts they rest on, and the
// pairs still disagreed. Reviewer names and pair ids come from other people's files and go
// through escapeMarkdown. Free of `vscode`; the same figures as `radalign review --summary`.
import type { ReviewSummary } from '../../engine/review/progress';
import { escapeMarkdown } from './markdown-text';
import { figure, formatCount } from './status-text';

/** Disagreed pairs listed by id; more are counted. */
export const LISTED_DISAGREEMENTS = 100;

export function summaryMarkdown(s: ReviewSummary, context: { folder: string; reviewer: string; at?: Date }): string {
  const lines: string[] = [];
  const pct = (n: number, of: number) => (of ? ` (${Math.round((100 * n) / of)} %)` : '');
  lines.push(`# Review summary: ${escapeMarkdown(context.folder)}`, '');
  lines.push(`${(context.at ?? new Date()).toISOString()} · you review as **${escapeMarkdown(context.reviewer)}**`, '');
  lines.push(
    `**${formatCount(s.reviewed)} of ${formatCount(s.total)}** pairs reviewed${pct(s.reviewed, s.total)}.`,
    '',
  );
  lines.push('| outcome | pairs |', '|---|---:|');
  lines.push(
    `| aligned | ${formatCount(s.outcomes.aligned)} |`,
    `| mismatched | ${formatCount(s.outcomes.mismatched)} |`,
    `| unsure | ${formatCount(s.outcomes.unsure)} |`,
  );
  lines.push(
    `| disagreed, not settled | ${formatCount(s.disagreed.length)} |`,
    `| adjudicated | ${formatCount(s.adjudicated.length)} |`,
    '',
  );

  const names = Object.keys(s.reviewers);
  lines.push('## Reviewers', '');
  if (!names.length) lines.push('No verdicts yet.', '');
  else {
    lines.push(
      '| reviewer | reviewed | aligned | mismatched | unsure | share done |',
      '|---|---:|---:|---:|---:|---:|',
    );
    for (const name of names) {
      const r = s.reviewers[name]!;
      const share =
        r.assigned !== undefined ? `${formatCount(r.assignedReviewed ?? 0)} / ${formatCount(r.assigned)}` : '—';
      lines.push(
        `| ${escapeMarkdown(name)} | ${formatCount(r.reviewed)} | ${formatCount(r.aligned)} | ${formatCount(r.mismatched)} | ${formatCount(r.unsure)} | ${share} |`,
      );
    }
    lines.push('');
  }

  const a = s.agreement;
  lines.push('## Agreement', '');
  if (!a.pairs) lines.push('No pair has verdicts of two reviewers yet: nothing to compare.', '');
  else {
    lines.push(
      `Over the **${formatCount(a.pairs)}** pair${a.pairs === 1 ? '' : 's'} judged by two or more reviewers (adjudications not counted):`,
      '',
    );
    lines.push(`- Krippendorff's alpha (nominal): **${figure(a.alpha)}**`);
    if (a.kappa.length) {
      lines.push('', "| reviewers | pairs in common | Cohen's kappa |", '|---|---:|---:|');
      for (const k of a.kappa)
        lines.push(
          `| ${escapeMarkdown(k.a)} – ${escapeMarkdown(k.b)} | ${formatCount(k.pairs)} | ${figure(k.kappa)} |`,
        );
    }
    if (a.alpha === null || a.kappa.some((k) => k.kappa === null))
      lines.push(
        '',
        '_n/a: every verdict compared is the same single one, so agreement cannot be told apart from chance._',
      );
    lines.push('');
  }

  lines.push('## Disagreed, not settled', '');
  if (!s.disagreed.length) lines.push('None.', '');
  else {
    for (const id of s.disagreed.slice(0, LISTED_DISAGREEMENTS)) lines.push(`- ${escapeMarkdown(id)}`);
    if (s.disagreed.length > LISTED_DISAGREEMENTS)
      lines.push(
        `- … and ${formatCount(s.disagreed.length - LISTED_DISAGREEMENTS)} more (radalign: Show disagreed pairs)`,
      );
    lines.push('');
  }
  return lines.join('\n');
}
