// Which URLs a model file may come from, checked for the catalogue's URL and again for every
// redirect hop (automatic following would skip the check): https, or plain http only to this
// machine, never a downgrade from https, no credentials in the URL. A model folder is code that
// gets run, so the bytes must not be swappable on the way. catalogue.ts applies it to the
// catalogue document and every file URL it lists.

/** A URL or redirect the policy refuses; never retried. */
export class RefusedUrl extends Error {
  override name = 'RefusedUrl';
}

/** Why `url` may not be downloaded from, or undefined when it may. */
export function urlRefusal(url: URL): string | undefined {
  if (url.username || url.password) return `${safeUrl(url)} carries credentials in the URL; refused`;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:')
    return isLoopback(url.hostname)
      ? undefined
      : `${safeUrl(url)} is not https (plain http is allowed only to localhost)`;
  return `${safeUrl(url)} is not https (scheme ${url.protocol} is not allowed)`;
}

/** Why the redirect `from` → `to` may not be followed, or undefined when it may. */
export function redirectRefusal(from: URL, to: URL): string | undefined {
  const refused = urlRefusal(to);
  if (refused) return `redirect from ${safeUrl(from)} refused: ${refused}`;
  // Even to localhost: a remote server must not point the download at this machine's services.
  if (from.protocol === 'https:' && to.protocol !== 'https:')
    return `redirect from ${safeUrl(from)} to ${safeUrl(to)} refused: it leaves https`;
  return undefined;
}

/** The URL for messages and logs: no user or password, and no query (signed URLs carry tokens there). */
export function safeUrl(url: URL | string): string {
  let u: URL;
  try {
    u = new URL(url.toString());
  } catch {
    return '(not a valid URL)';
  }
  u.username = '';
  u.password = '';
  const query = u.search ? '?…' : '';
  u.search = '';
  u.hash = '';
  return u.href + query;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
