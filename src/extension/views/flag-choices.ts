// The choices of "Flag pair…"/"Flag sentence…" and the argument that lets keybindings, tree
// menus and tests skip the pickers. Free of `vscode`.
import { FLAG_REASONS, isFlagReason, type FlagReason } from '../../engine/review/types';
import { l10n } from '../l10n';
import { escapeIcons } from './markdown-text';
import { reasonLabel } from '../review-labels';

/**
 * Optional argument of `radalign.flagPair` / `radalign.flagSentence`, e.g. in a keybinding:
 * `{ "reason": "laterality", "note": "L/R swapped" }`. With `reason` given (null = unflag) no
 * picker or input box is shown. Without `pairId` the command works on the current pair.
 */
export interface FlagArgs {
  pairId?: string;
  /** Sentence index; null or absent = the whole pair (flagSentence asks which when absent). */
  sentence?: number | null;
  reason?: FlagReason | null;
  note?: string;
}

/** Accepts the documented argument, or a pairs-tree element (`{ pairId, sentence }`). */
export function parseFlagArgs(arg: unknown): FlagArgs | { error: string } {
  if (arg === undefined || arg === null) return {};
  if (typeof arg !== 'object' || Array.isArray(arg))
    return { error: l10n.t('expected an object { reason?, note?, pairId?, sentence? }') };
  const a = arg as Record<string, unknown>;
  const out: FlagArgs = {};
  if (a.pairId !== undefined) {
    if (typeof a.pairId !== 'string' || !a.pairId) return { error: l10n.t("'pairId' must be a pair id") };
    out.pairId = a.pairId;
  }
  if (a.sentence !== undefined) {
    if (a.sentence !== null && !(Number.isInteger(a.sentence) && (a.sentence as number) >= 0))
      return { error: l10n.t("'sentence' must be a sentence index (0-based) or null") };
    out.sentence = a.sentence as number | null;
  }
  if (a.reason !== undefined) {
    if (a.reason !== null && !isFlagReason(a.reason))
      return { error: l10n.t("'reason' must be one of {0}, or null to unflag", FLAG_REASONS.join(', ')) };
    out.reason = a.reason as FlagReason | null;
  }
  if (a.note !== undefined) {
    if (typeof a.note !== 'string') return { error: l10n.t("'note' must be text") };
    out.note = a.note;
  }
  return out;
}

export interface ReasonChoice {
  label: string;
  description?: string;
  /** null = remove the flag. */
  reason: FlagReason | null;
}

/** The reasons in their fixed order, the current one marked; "Unflag" first when flagged (a flag, or a mismatched verdict with its reason). */
export function reasonChoices(current: { reason: FlagReason | null } | undefined): ReasonChoice[] {
  const reasons: ReasonChoice[] = FLAG_REASONS.map((reason) => ({
    label: reasonLabel(reason),
    description: reason === current?.reason ? `${reason} · ${l10n.t('current')}` : reason,
    reason,
  }));
  if (!current) return reasons;
  const unflag = l10n.t('Unflag');
  if (current.reason === null)
    return [{ label: unflag, description: l10n.t('clear my verdict “mismatched”'), reason: null }, ...reasons];
  return [
    { label: unflag, description: l10n.t('remove “{0}”', reasonLabel(current.reason)), reason: null },
    ...reasons,
  ];
}

/** What is being flagged, in words, for picker titles (which render `$(icon)`: dataset text is escaped). */
export function targetTitle(pairId: string, sentence: number | null, sentenceText?: string): string {
  if (sentence === null) return l10n.t('Flag pair {0}', escapeIcons(pairId));
  const text = (sentenceText ?? '').replace(/\s+/g, ' ').trim();
  const which = l10n.t('Flag sentence {0} of {1}', sentence + 1, pairId);
  return escapeIcons(text ? `${which}: “${text.length > 60 ? text.slice(0, 57) + '…' : text}”` : which);
}
