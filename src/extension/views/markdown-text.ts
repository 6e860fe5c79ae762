// Dataset text (report sentences, file names, section names, flag notes, reviewer names) shown in
// VS Code's markdown (hovers whose links may run radalign commands), in labels that render
// `$(icon)` syntax (code lenses, quick picks) or in notifications (which turn `[x](command:…)`
// into links). A dataset comes from someone else: its text must show as the characters it is,
// never become a link, an image, a command link, HTML or an icon. Free of `vscode`.

/** `$(name)` and `$(name~spin)`, as VS Code recognises theme icons in labels and markdown. */
const THEME_ICON = /\$\([A-Za-z0-9-]+(?:~[A-Za-z]+)?\)/g;

/**
 * Every character CommonMark, GFM or VS Code's markdown give a meaning to is backslash-escaped
 * (`\` before ASCII punctuation always shows the character): links and images (`[ ] ( ) !`),
 * autolinks and HTML (`< >`), entities (`&`), code (`` ` ``), emphasis (`* _ ~`), headings, lists,
 * quotes and tables (`# + - . > |`), bare URLs (`:` and `.`: `www.x`, `https://x` no longer match),
 * math and braces. Line breaks become spaces, so nothing can start a block (a heading, a link
 * reference definition). Theme icons: VS Code turns `$(name)` into an icon after the markdown is
 * rendered, unless a `\` precedes it there; so, as its own MarkdownString.appendText does, a `\`
 * is put before `$(name)` first and then escaped with everything else (`\\\$\(name\)` renders
 * as the text `\$(name)`, which shows as `$(name)`).
 */
export function escapeMarkdown(text: string): string {
  return escapeIcons(text.replace(/\r\n|[\r\n\u2028\u2029\u0085]/g, ' ')).replace(
    /[\\`*_{}[\]()#+\-.!|<>$&:~="']/g,
    '\\$&',
  );
}

/** For labels that are not markdown but render `$(name)` as an icon (code lens titles, quick picks). */
export function escapeIcons(text: string): string {
  return text.replace(THEME_ICON, '\\$&');
}

/**
 * A `command:` link with JSON arguments. encodeURIComponent leaves `( ) ! ' * ~` as they are; a
 * `)` in a pair id would end the link target early, so those are encoded as well.
 */
export function commandLink(label: string, command: string, args: unknown[]): string {
  const encoded = encodeURIComponent(JSON.stringify(args)).replace(
    /[()!'*~]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
  return `[${escapeMarkdown(label)}](command:${command}?${encoded})`;
}

/**
 * For notification messages (showWarningMessage, …): VS Code renders `[label](https:…)`,
 * `[label](command:…)` and `[label](file:…)` in them as links, and knows no escape; a space
 * between `]` and `(` keeps such text from ever forming one. Icons are not rendered there.
 */
export function notificationText(text: string): string {
  return text.replace(/\]\s*\(/g, '] (');
}
