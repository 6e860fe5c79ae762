// The review panel's keys. The host sends them with every state, so the webview dispatches and
// shows the same table (one place to change, and later to make configurable). Built on each call:
// the legend's labels are localised, in the display language the extension runs in.
import { FLAG_REASONS } from '../../engine/review/types';
import type { KeyBinding } from '../../protocol/review-panel-protocol';
import { l10n } from '../l10n';
import { reasonLabel } from '../review-labels';

export const defaultKeymap = (): KeyBinding[] => [
  {
    keys: ['a'],
    action: { type: 'verdict', verdict: 'aligned' },
    label: l10n.t('my verdict: aligned (then the next unreviewed pair)'),
  },
  {
    keys: ['x'],
    action: { type: 'verdict', verdict: 'mismatched' },
    label: l10n.t('my verdict: mismatched (then the next unreviewed pair)'),
  },
  {
    keys: ['?'],
    action: { type: 'verdict', verdict: 'unsure' },
    label: l10n.t('my verdict: unsure (then the next unreviewed pair)'),
  },
  { keys: ['j', 'ArrowRight'], action: { type: 'next-pair' }, label: l10n.t('next pair (less suspicious)') },
  { keys: ['k', 'ArrowLeft'], action: { type: 'previous-pair' }, label: l10n.t('previous pair') },
  { keys: ['n'], action: { type: 'next-unreviewed' }, label: l10n.t('next pair I have not judged (in my share)') },
  { keys: ['ArrowDown', 's'], action: { type: 'next-sentence' }, label: l10n.t('next sentence') },
  { keys: ['ArrowUp', 'S'], action: { type: 'previous-sentence' }, label: l10n.t('previous sentence') },
  { keys: ['Escape'], action: { type: 'clear-sentence' }, label: l10n.t('no sentence (1–6 then judge the pair)') },
  ...FLAG_REASONS.map((reason, i) => ({
    keys: [String(i + 1)],
    action: { type: 'flag' as const, reason },
    label: l10n.t('{0}: flag the sentence, else pair mismatched', reasonLabel(reason)),
  })),
  { keys: ['u'], action: { type: 'unflag' }, label: l10n.t('remove my flag on the sentence, else my verdict') },
  { keys: ['h'], action: { type: 'toggle-overlay' }, label: l10n.t('heatmap on/off') },
  { keys: ['c'], action: { type: 'cycle-colormap' }, label: l10n.t('next colour map') },
  { keys: ['0'], action: { type: 'reset-view' }, label: l10n.t('reset zoom, pan and window') },
];
