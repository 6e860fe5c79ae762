// The arguments and choices of the verdict commands (Mark aligned / mismatched / unsure, Clear
// verdict, Adjudicate pair): the argument that lets keybindings, tree menus and tests skip the
// pickers, the "report that belongs to these images" choices, and the adjudication picker's items.
// Free of `vscode`.
import type { PairResult } from '../../engine/results';
import type { PairReview } from '../../engine/review/review-index';
import {
  FLAG_REASONS,
  isFlagReason,
  isVerdict,
  VERDICTS,
  type FlagReason,
  type Verdict,
} from '../../engine/review/types';
import { l10n } from '../l10n';
import { escapeIcons } from './markdown-text';
import { reportName } from '../../engine/report-origin';
import type { ReportSource } from './report-match';
import { verdictLabel } from '../review-labels';

/**
 * Optional argument of the verdict commands, e.g. in a keybinding:
 * `{ "reason": "laterality", "note": "L/R swapped" }`. Without `pairId` the command works on the
 * current pair. For radalign.markMismatched, giving `reason` (null: none said) skips every picker
 * (note and useReportOf then default to none); for radalign.adjudicatePair, giving `verdict` does.
 * A pairs-tree element (`{ pairId, sentence }`) is accepted too.
 */
export interface VerdictArgs {
  pairId?: string;
  /** radalign.adjudicatePair only: the settling verdict (null clears the adjudication). */
  verdict?: Verdict | null;
  reason?: FlagReason | null;
  note?: string;
  /** The pair whose report belongs to this pair's images; null: none. */
  useReportOf?: string | null;
}

export function parseVerdictArgs(arg: unknown): VerdictArgs | { error: string } {
  if (arg === undefined || arg === null) return {};
  if (typeof arg !== 'object' || Array.isArray(arg))
    return { error: l10n.t('expected an object { pairId?, verdict?, reason?, note?, useReportOf? }') };
  const a = arg as Record<string, unknown>;
  const out: VerdictArgs = {};
  if (a.pairId !== undefined) {
    if (typeof a.pairId !== 'string' || !a.pairId) return { error: l10n.t("'pairId' must be a pair id") };
    out.pairId = a.pairId;
  }
  if (a.verdict !== undefined) {
    if (a.verdict !== null && !isVerdict(a.verdict))
      return { error: l10n.t("'verdict' must be one of {0}, or null to clear", VERDICTS.join(', ')) };
    out.verdict = a.verdict as Verdict | null;
  }
  if (a.reason !== undefined) {
    if (a.reason !== null && !isFlagReason(a.reason))
      return { error: l10n.t("'reason' must be one of {0}, or null for none", FLAG_REASONS.join(', ')) };
    out.reason = a.reason as FlagReason | null;
  }
  if (a.note !== undefined) {
    if (typeof a.note !== 'string') return { error: l10n.t("'note' must be text") };
    out.note = a.note;
  }
  if (a.useReportOf !== undefined) {
    if (a.useReportOf !== null && (typeof a.useReportOf !== 'string' || !a.useReportOf))
      return { error: l10n.t("'useReportOf' must be a pair id, or null for none") };
    out.useReportOf = a.useReportOf as string | null;
  }
  return out;
}

export interface ReportChoice {
  label: string;
  description?: string;
  detail?: string;
  /** undefined = none of them: the pair's images have no report here. */
  pairId: string | undefined;
}

/**
 * "Which report belongs to these images?": none first, then the reports that fit the pair's
 * images best (its best reports, other pairs only), the one chosen before marked.
 */
export function bestReportChoices(
  pair: PairResult,
  entry: (id: string) => ({ rank: number } & ReportSource) | undefined,
  current?: string,
): ReportChoice[] {
  const none: ReportChoice = {
    label: l10n.t('None of these'),
    description: current === undefined ? l10n.t('current') : undefined,
    detail: l10n.t('leave the pair out of a clean export'),
    pairId: undefined,
  };
  const others = pair.bestReports
    .filter((b) => b.id !== pair.id)
    .flatMap((b) => {
      const e = entry(b.id);
      if (!e) return [];
      return [
        {
          label: `#${e.rank} ${escapeIcons(b.id)}`,
          description: `${l10n.t('fits these images {0}', b.cosine.toFixed(3))}${b.id === current ? ` · ${l10n.t('current')}` : ''}`,
          detail: escapeIcons(reportName(e)),
          pairId: b.id,
        },
      ];
    });
  return [none, ...others];
}

export interface AdjudicationChoice {
  label: string;
  description?: string;
  /** null = clear the adjudication. */
  verdict: Verdict | null;
}

/** The verdicts, each with who gave it; "Clear adjudication" first when the pair has one. */
export function adjudicationChoices(review: PairReview | undefined): AdjudicationChoice[] {
  const choices: AdjudicationChoice[] = VERDICTS.map((verdict) => {
    const by = (review?.verdicts ?? []).filter((v) => v.verdict === verdict).map((v) => v.reviewer);
    const current = review?.adjudication?.verdict === verdict ? ` · ${l10n.t('current adjudication')}` : '';
    return {
      label: verdictLabel(verdict),
      description: `${by.length ? l10n.t('said by {0}', by.map(escapeIcons).join(', ')) : l10n.t('said by nobody')}${current}`,
      verdict,
    };
  });
  return review?.adjudication
    ? [
        {
          label: l10n.t('Clear adjudication'),
          description: l10n.t('by {0}', escapeIcons(review.adjudication.reviewer)),
          verdict: null,
        },
        ...choices,
      ]
    : choices;
}

/** "ann: aligned · ben: mismatched (laterality)", for the adjudication picker's title. */
export function verdictsInWords(review: PairReview | undefined): string {
  if (!review?.verdicts.length) return l10n.t('no verdicts yet');
  return review.verdicts.map((v) => `${v.reviewer}: ${v.verdict}${v.reason ? ` (${v.reason})` : ''}`).join(' · ');
}
