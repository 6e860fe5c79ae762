// The review panel's keys. The host sends them with every state, so the webview dispatches and
// shows the same table (one place to change, and later to make configurable).
import { FLAG_REASONS, FLAG_REASON_LABELS } from '../../engine/review/types';
import type { KeyBinding } from '../../protocol/review-panel-protocol';

export const DEFAULT_KEYMAP: readonly KeyBinding[] = [
  {
    keys: ['a'],
    action: { type: 'verdict', verdict: 'aligned' },
    label: 'my verdict: aligned (then the next unreviewed pair)',
  },
  {
    keys: ['x'],
    action: { type: 'verdict', verdict: 'mismatched' },
    label: 'my verdict: mismatched (then the next unreviewed pair)',
  },
  {
    keys: ['?'],
    action: { type: 'verdict', verdict: 'unsure' },
    label: 'my verdict: unsure (then the next unreviewed pair)',
  },
  { keys: ['j', 'ArrowRight'], action: { type: 'next-pair' }, label: 'next pair (less suspicious)' },
  { keys: ['k', 'ArrowLeft'], action: { type: 'previous-pair' }, label: 'previous pair' },
  { keys: ['n'], action: { type: 'next-unreviewed' }, label: 'next pair I have not judged (in my share)' },
  { keys: ['ArrowDown', 's'], action: { type: 'next-sentence' }, label: 'next sentence' },
  { keys: ['ArrowUp', 'S'], action: { type: 'previous-sentence' }, label: 'previous sentence' },
  { keys: ['Escape'], action: { type: 'clear-sentence' }, label: 'no sentence (1–6 then judge the pair)' },
  ...FLAG_REASONS.map((reason, i) => ({
    keys: [String(i + 1)],
    action: { type: 'flag' as const, reason },
    label: `${FLAG_REASON_LABELS[reason]}: flag the sentence, else pair mismatched`,
  })),
  { keys: ['u'], action: { type: 'unflag' }, label: 'remove my flag on the sentence, else my verdict' },
  { keys: ['h'], action: { type: 'toggle-overlay' }, label: 'heatmap on/off' },
  { keys: ['c'], action: { type: 'cycle-colormap' }, label: 'next colour map' },
  { keys: ['0'], action: { type: 'reset-view' }, label: 'reset zoom, pan and window' },
];
