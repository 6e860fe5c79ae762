// The words for flag reasons and verdicts as the extension shows them (pickers, rows, hovers, the
// panel's state), localisable: one literal l10n.t call each, so `l10n-dev export` finds them. The
// engine's English labels (FLAG_REASON_LABELS, VERDICT_LABELS) serve the CLI and the files.
import { FLAG_REASONS, VERDICTS, type FlagReason, type Verdict } from '../engine/review/types';
import { l10n } from './l10n';

export function reasonLabel(reason: FlagReason): string {
  switch (reason) {
    case 'wrong-study':
      return l10n.t('wrong study / patient');
    case 'laterality':
      return l10n.t('laterality (left/right)');
    case 'finding-absent':
      return l10n.t('finding absent in image');
    case 'finding-missing':
      return l10n.t('finding missing from report');
    case 'wrong-view':
      return l10n.t('wrong view / modality');
    case 'other':
      return l10n.t('other');
  }
}

export function verdictLabel(verdict: Verdict): string {
  switch (verdict) {
    case 'aligned':
      return l10n.t('aligned (checked, fine)');
    case 'mismatched':
      return l10n.t('mismatched');
    case 'unsure':
      return l10n.t('unsure');
  }
}

/** Every reason with its label, in the engine's order (the panel's state carries them). */
export const reasonLabels = () => FLAG_REASONS.map((id) => ({ id, label: reasonLabel(id) }));
export const verdictLabels = () => VERDICTS.map((id) => ({ id, label: verdictLabel(id) }));
