// Keyboard dispatch: a key press to the action the host's key map binds it to. DOM-free: it
// takes the few KeyboardEvent fields it needs.
import type { KeyAction, KeyBinding } from '../../src/protocol/review-panel-protocol';

export interface KeyPress {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

/** Actions that make no sense in a panel pinned to one pair (moving to other pairs). */
const FOLLOW_ONLY = new Set<KeyAction['type']>(['next-pair', 'previous-pair', 'next-unreviewed']);

export function actionForKey(
  keymap: readonly KeyBinding[],
  press: KeyPress,
  mode: 'follow' | 'pinned',
): KeyAction | undefined {
  // Chords belong to VS Code (Ctrl+P, Cmd+W, …); Shift is part of `key` ('S').
  if (press.ctrlKey || press.metaKey || press.altKey) return undefined;
  const binding = keymap.find((b) => b.keys.includes(press.key));
  if (!binding) return undefined;
  return mode === 'pinned' && FOLLOW_ONLY.has(binding.action.type) ? undefined : binding.action;
}

/** Bindings the legend shows for a panel of this mode. */
export function visibleBindings(keymap: readonly KeyBinding[], mode: 'follow' | 'pinned'): KeyBinding[] {
  return keymap.filter((b) => mode === 'follow' || !FOLLOW_ONLY.has(b.action.type));
}

const KEY_GLYPHS: Record<string, string> = {
  ArrowRight: '→',
  ArrowLeft: '←',
  ArrowUp: '↑',
  ArrowDown: '↓',
  Escape: 'Esc',
  Enter: 'Enter',
  ' ': 'Space',
};

/** How a key is written in the legend: arrows as arrows, a capital letter as Shift+letter. */
export function keyLabel(key: string): string {
  if (KEY_GLYPHS[key]) return KEY_GLYPHS[key];
  if (key.length === 1 && key !== key.toLowerCase()) return `Shift+${key.toLowerCase()}`;
  return key;
}

/** The first key bound to an action type (for hints such as "press 1–6 to flag"). */
export function keysFor(keymap: readonly KeyBinding[], test: (a: KeyAction) => boolean): string[] {
  return keymap.filter((b) => test(b.action)).flatMap((b) => b.keys);
}
