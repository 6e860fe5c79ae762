// The review panel's keys. The host sends them with every state, so the webview dispatches and
// shows the same table (one place to change, and later to make configurable).
import { FLAG_REASONS, FLAG_REASON_LABELS } from '../../engine/review/types';
import type { KeyBinding } from '../../protocol/review-panel-protocol';

export const DEFAULT_KEYMAP: readonly KeyBinding[] = [
  { keys: ['j', 'ArrowRight'], action: { type: 'next-pair' }, label: 'next pair (less suspicious)' },
  { keys: ['k', 'ArrowLeft'], action: { type: 'previous-pair' }, label: 'previous pair' },
  { keys: ['n'], action: { type: 'next-unreviewed' }, label: 'next unflagged pair' },
  { keys: ['ArrowDown', 's'], action: { type: 'next-sentence' }, label: 'next sentence' },
  { keys: ['ArrowUp', 'S'], action: { type: 'previous-sentence' }, label: 'previous sentence' },
  { keys: ['Escape'], action: { type: 'clear-sentence' }, label: 'no sentence (flags go to the pair)' },
  ...FLAG_REASONS.map((reason, i) => ({ keys: [String(i + 1)], action: { type: 'flag' as const, reason }, label: `flag: ${FLAG_REASON_LABELS[reason]}` })),
  { keys: ['u'], action: { type: 'unflag' }, label: 'unflag (sentence, else pair)' },
  { keys: ['h'], action: { type: 'toggle-overlay' }, label: 'heatmap on/off' },
  { keys: ['c'], action: { type: 'cycle-colormap' }, label: 'next colour map' },
  { keys: ['0'], action: { type: 'reset-view' }, label: 'reset zoom, pan and window' },
];
