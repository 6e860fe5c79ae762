// Turns Node fetch (undici) failures into messages a user can act on. fetch rejects with
// TypeError('fetch failed') whose `cause` carries the system error code.
import { describeError } from '../../engine/describe-error';
import { l10n } from '../l10n';

/** Codes meaning "the host cannot be reached at all": no point retrying at once. */
const UNREACHABLE: Record<string, () => string> = {
  ENOTFOUND: () => l10n.t('host name not found'),
  EAI_AGAIN: () => l10n.t('name lookup failed'),
  ECONNREFUSED: () => l10n.t('connection refused'),
  ENETUNREACH: () => l10n.t('network unreachable'),
  EHOSTUNREACH: () => l10n.t('host unreachable'),
  ENETDOWN: () => l10n.t('network down'),
};

export function selfExportHint(): string {
  return l10n.t('export the model yourself with tools/export (see docs/models.md)');
}

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
    return l10n.t(
      'cannot reach {0} ({1}): you seem to be offline or the server is down; {2} or try again when online',
      host,
      UNREACHABLE[code]!(),
      selfExportHint(),
    );
  }
  const cause = (e as { cause?: { message?: string } }).cause?.message;
  const message = describeError(e);
  return l10n.t('download from {0} failed: {1}', host, cause && cause !== message ? `${message} (${cause})` : message);
}
