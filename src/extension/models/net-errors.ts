// Turns Node fetch (undici) failures into messages a user can act on. fetch rejects with
// TypeError('fetch failed') whose `cause` carries the system error code.

/** Codes meaning "the host cannot be reached at all": no point retrying at once. */
const UNREACHABLE: Record<string, string> = {
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'name lookup failed',
  ECONNREFUSED: 'connection refused',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'host unreachable',
  ENETDOWN: 'network down',
};

export const SELF_EXPORT_HINT = 'export the model yourself with tools/export (see docs/models.md)';

/** The system error code behind a fetch failure, if any. */
export function errorCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

export function isUnreachable(e: unknown): boolean {
  const code = errorCode(e);
  return code !== undefined && code in UNREACHABLE;
}

/** "cannot reach <host> (<why>): you seem to be offline; …" for unreachable hosts, else the error. */
export function describeNetError(e: unknown, url: string): string {
  const host = new URL(url).host;
  const code = errorCode(e);
  if (code && code in UNREACHABLE) {
    return `cannot reach ${host} (${UNREACHABLE[code]}): you seem to be offline or the server is down; ${SELF_EXPORT_HINT} or try again when online`;
  }
  const cause = (e as { cause?: { message?: string } }).cause?.message;
  const message = (e as Error).message ?? String(e);
  return `download from ${host} failed: ${cause && cause !== message ? `${message} (${cause})` : message}`;
}
