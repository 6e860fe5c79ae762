// What the review panel's webview keeps with `vscode.setState`: the view settings the user chose
// (colour map, opacity, overlay) and the pair it showed. VS Code hands it back to the webview after
// hide/show, and to the host's panel serializer after a window reload, so the host learns which
// pair the panel showed. Saved by an older version or edited by hand, it is read leniently: every
// field that is missing or malformed falls back to its default. Free of `vscode` and the DOM.
import * as v from 'valibot';
import { count, finite } from '../engine/results-schema';

export const COLORMAP_NAMES = ['turbo', 'hot', 'grey'] as const;
export type ColormapName = (typeof COLORMAP_NAMES)[number];

const mode = v.picklist(['follow', 'pinned']);

/** View settings the user chose in the panel; kept across hide/show and window reloads. */
export const ViewSettingsSchema = v.object({
  colormap: v.picklist(COLORMAP_NAMES),
  /** Peak heatmap opacity, 0..1. */
  opacity: finite,
  overlay: v.boolean('expected true or false'),
});
export type ViewSettings = v.InferOutput<typeof ViewSettingsSchema>;

export const DEFAULT_VIEW_SETTINGS: ViewSettings = { colormap: 'turbo', opacity: 0.6, overlay: true };

const LenientViewSettingsSchema = v.object({
  colormap: v.fallback(ViewSettingsSchema.entries.colormap, DEFAULT_VIEW_SETTINGS.colormap),
  opacity: v.fallback(
    v.pipe(
      finite,
      v.transform((x) => Math.min(1, Math.max(0, x))),
    ),
    DEFAULT_VIEW_SETTINGS.opacity,
  ),
  overlay: v.fallback(ViewSettingsSchema.entries.overlay, DEFAULT_VIEW_SETTINGS.overlay),
});

const PersistedPanelStateSchema = v.object({
  mode: v.fallback(mode, 'follow'),
  pairId: v.fallback(v.nullable(v.string()), null),
  sentence: v.fallback(v.nullable(count), null),
  view: v.fallback(LenientViewSettingsSchema, () => ({ ...DEFAULT_VIEW_SETTINGS })),
});
export type PersistedPanelState = v.InferOutput<typeof PersistedPanelStateSchema>;

/** Reads saved state leniently: anything missing or malformed falls back to defaults. */
export function readPersistedState(saved: unknown): PersistedPanelState {
  return v.parse(
    v.fallback(PersistedPanelStateSchema, () => v.parse(PersistedPanelStateSchema, {})),
    saved,
  );
}
