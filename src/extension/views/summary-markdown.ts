// "Review summary" as a markdown document: where the team's review stands (outcomes, each
// reviewer's counts and share), the agreement figures with the counts they rest on, and the
// pairs still disagreed. Reviewer names and pair ids come from other people's files and go
// through escapeMarkdown. Free of `vscode`; the same figures as `radalign review --summary`.
import type { ReviewSummary } from '../../engine/review/progress';
import { l10n } from '../l10n';
import { escapeMarkdown } from './markdown-text';
import { figure, formatCount } from './status-text';

/** Disagreed pairs listed by id; more are counted. */
export const LISTED_DISAGREEMENTS = 100;

export function summaryMarkdown(s: ReviewSummary, context: { folder: string; reviewer: string; at?: Date }): string {
  const lines: string[] = [];
  const pct = (n: number, of: number) => (of ? ` (${Math.round((100 * n) / of)} %)` : '');
  lines.push(`# ${l10n.t('Review summary: {0}', escapeMarkdown(context.folder))}`, '');
  lines.push(
    `${(context.at ?? new Date()).toISOString()} · ${l10n.t('you review as **{0}**', escapeMarkdown(context.reviewer))}`,
    '',
  );
  lines.push(
    `${l10n.t('**{0} of {1}** pairs reviewed', formatCount(s.reviewed), formatCount(s.total))}${pct(s.reviewed, s.total)}.`,
    '',
  );
  const row = (...cells: string[]) => `| ${cells.join(' | ')} |`;
  lines.push(row(l10n.t('outcome'), l10n.t('pairs')), '|---|---:|');
  lines.push(
    row(l10n.t('aligned'), formatCount(s.outcomes.aligned)),
    row(l10n.t('mismatched'), formatCount(s.outcomes.mismatched)),
    row(l10n.t('unsure'), formatCount(s.outcomes.unsure)),
  );
  lines.push(
    row(l10n.t('disagreed, not settled'), formatCount(s.disagreed.length)),
    row(l10n.t('adjudicated'), formatCount(s.adjudicated.length)),
    '',
  );

  const names = Object.keys(s.reviewers);
  lines.push(`## ${l10n.t('Reviewers')}`, '');
  if (!names.length) lines.push(l10n.t('No verdicts yet.'), '');
  else {
    lines.push(
      row(
        l10n.t('reviewer'),
        l10n.t('reviewed'),
        l10n.t('aligned'),
        l10n.t('mismatched'),
        l10n.t('unsure'),
        l10n.t('share done'),
      ),
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
  lines.push(`## ${l10n.t('Agreement')}`, '');
  if (!a.pairs) lines.push(l10n.t('No pair has verdicts of two reviewers yet: nothing to compare.'), '');
  else {
    lines.push(
      a.pairs === 1
        ? l10n.t('Over the **1** pair judged by two or more reviewers (adjudications not counted):')
        : l10n.t(
            'Over the **{0}** pairs judged by two or more reviewers (adjudications not counted):',
            formatCount(a.pairs),
          ),
      '',
    );
    lines.push(`- ${l10n.t("Krippendorff's alpha (nominal): **{0}**", figure(a.alpha))}`);
    if (a.kappa.length) {
      lines.push('', row(l10n.t('reviewers'), l10n.t('pairs in common'), l10n.t("Cohen's kappa")), '|---|---:|---:|');
      for (const k of a.kappa)
        lines.push(
          `| ${escapeMarkdown(k.a)} – ${escapeMarkdown(k.b)} | ${formatCount(k.pairs)} | ${figure(k.kappa)} |`,
        );
    }
    if (a.alpha === null || a.kappa.some((k) => k.kappa === null))
      lines.push(
        '',
        l10n.t('_n/a: every verdict compared is the same single one, so agreement cannot be told apart from chance._'),
      );
    lines.push('');
  }

  lines.push(`## ${l10n.t('Disagreed, not settled')}`, '');
  if (!s.disagreed.length) lines.push(l10n.t('None.'), '');
  else {
    for (const id of s.disagreed.slice(0, LISTED_DISAGREEMENTS)) lines.push(`- ${escapeMarkdown(id)}`);
    if (s.disagreed.length > LISTED_DISAGREEMENTS)
      lines.push(
        `- ${l10n.t('… and {0} more (radalign: Show disagreed pairs)', formatCount(s.disagreed.length - LISTED_DISAGREEMENTS))}`,
      );
    lines.push('');
  }
  return lines.join('\n');
}
