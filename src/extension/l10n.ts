// Every user-facing string of the extension goes through `l10n.t(...)`, shaped like
// `vscode.l10n.t` (so `npx @vscode/l10n-dev export` finds them all): English in the source, the
// placeholders `{0}` or `{name}` filled in. It lives here rather than in `vscode` so that the
// modules that word things (rows, status text, hovers, pickers) stay free of `vscode` and unit-
// tested in plain Node; activate() hands it `vscode.l10n.t`, which then translates when a bundle
// for the display language ships in `l10n/`. Log lines and test hooks are not localised.

type Args = (string | number | boolean)[];
export type Translate = (message: string, ...args: Args) => string;

let translate: Translate | undefined;

export const l10n = {
  t(message: string, ...args: Args): string {
    return translate ? translate(message, ...args) : fillPlaceholders(message, args);
  },
};

/** Called once by activate() with `vscode.l10n.t`; undefined goes back to English. */
export function useTranslation(t: Translate | undefined): void {
  translate = t;
}

/**
 * As vscode.l10n.t without a bundle: `{0}`, `{1}`… replaced by the arguments, other braces kept.
 * Free of Node and `vscode`: the webview's l10n uses it too.
 */
export function fillPlaceholders(message: string, args: Args): string {
  if (!args.length) return message;
  return message.replace(/{([^}]+)}/g, (match, key: string) => {
    const value = /^\d+$/.test(key) ? args[Number(key)] : undefined;
    return value === undefined ? match : String(value);
  });
}
