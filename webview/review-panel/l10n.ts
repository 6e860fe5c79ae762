// The webview's strings, localisable: `l10n.t` is shaped like vscode.l10n.t (English in the
// source, `{0}`… filled in, so `npx @vscode/l10n-dev export` finds them), and translates from the
// bundle the host put in the page as data (the `data-l10n` attribute of #app: vscode.l10n.bundle,
// empty for English), which keeps the panel's strict CSP: no script is added for it.
import { fillPlaceholders } from '../../src/extension/l10n';

type Args = (string | number)[];

let bundle: Record<string, string> = {};

export const l10n = {
  t(message: string, ...args: Args): string {
    return fillPlaceholders(bundle[message] ?? message, args);
  },
};

/** Reads the bundle from the attribute's JSON; anything malformed leaves English. */
export function useBundle(json: string | undefined): void {
  try {
    const parsed: unknown = JSON.parse(json ?? '{}');
    bundle =
      typeof parsed === 'object' && parsed !== null
        ? Object.fromEntries(Object.entries(parsed).filter(([, v]) => typeof v === 'string'))
        : {};
  } catch {
    bundle = {};
  }
}
