// One GET of a model file, following redirects by hand: fetch's own following would go to any
// URL the server names, so each hop is checked against download-url-policy.ts and the hops are
// counted. Asks for the bytes as stored (no content encoding), so sizes and ranges mean bytes.
import { RefusedUrl, redirectRefusal, safeUrl, urlRefusal } from './download-url-policy';

/** Redirect hops followed before giving up (a loop, or a chain that never ends). */
export const MAX_REDIRECTS = 5;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface FileRequest {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  maxRedirects?: number;
  /** The fetch to use (tests stand in for servers that cannot run locally, such as https). */
  fetch?: typeof fetch;
}

/** The first non-redirect response, and the URL that gave it; throws RefusedUrl for a refused hop. */
export async function requestFollowingRedirects(
  url: string,
  request: FileRequest = {},
): Promise<{ response: Response; url: URL }> {
  const doFetch = request.fetch ?? fetch;
  const limit = request.maxRedirects ?? MAX_REDIRECTS;
  const first = new URL(url);
  const refused = urlRefusal(first);
  if (refused) throw new RefusedUrl(refused);
  let current = first;
  for (let hops = 0; ; hops++) {
    const response = await doFetch(current.href, {
      headers: { 'accept-encoding': 'identity', ...request.headers },
      signal: request.signal,
      redirect: 'manual',
    });
    if (!REDIRECTS.has(response.status)) return { response, url: current };
    await response.body?.cancel();
    const location = response.headers.get('location');
    if (!location)
      throw new RefusedUrl(`${safeUrl(current)} answered ${response.status} (a redirect) without a Location`);
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw new RefusedUrl(`${safeUrl(current)} redirects to something that is not a URL`);
    }
    if (hops >= limit)
      throw new RefusedUrl(
        `more than ${limit} redirects from ${safeUrl(first)} (the limit is ${limit}; the last went to ${safeUrl(next)})`,
      );
    const why = redirectRefusal(current, next);
    if (why) throw new RefusedUrl(why);
    current = next;
  }
}
