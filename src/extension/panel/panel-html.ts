// The review panel's HTML shell: a strict Content-Security-Policy (no inline script or style
// without the per-load nonce, images only from the extension/dataset or generated in the
// webview), then the bundled script and stylesheet. The webview's translations travel as data
// (an attribute the script reads), never as script. Free of `vscode` for unit tests.
import { randomBytes } from 'node:crypto';

export interface PanelHtmlParts {
  /** `webview.cspSource`. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  title: string;
  nonce?: string;
  /** `vscode.l10n.bundle`: the webview's strings in the display language (none: English). */
  l10n?: Record<string, string>;
  /** The display language (`vscode.env.language`) and what the page says until the script renders. */
  lang?: string;
  loading?: string;
}

export function makeNonce(): string {
  return randomBytes(18)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data: blob:`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
  ].join('; ');
}

const escapeAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function panelHtml(parts: PanelHtmlParts): string {
  const nonce = parts.nonce ?? makeNonce();
  return `<!DOCTYPE html>
<html lang="${escapeAttr(parts.lang ?? 'en')}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(parts.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${nonce}" href="${escapeAttr(parts.styleUri)}">
<title>${escapeAttr(parts.title)}</title>
</head>
<body>
<div id="app" aria-live="polite" data-l10n="${escapeAttr(JSON.stringify(parts.l10n ?? {}))}">${escapeAttr(parts.loading ?? 'Loading…')}</div>
<script nonce="${nonce}" src="${escapeAttr(parts.scriptUri)}"></script>
</body>
</html>`;
}
