// Who holds a lock or wrote a temporary file: this machine (a short hash of its host name) and
// process id, written into the file's name or content, so a later writer can tell an abandoned
// file (its process is gone) from one in use, without a daemon and on a shared network folder.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';

let cachedHost: string | undefined;

/** A short, file-name-safe tag for this machine. */
export function hostTag(): string {
  return (cachedHost ??= createHash('sha256').update(hostname()).digest('hex').slice(0, 8));
}

/** `<host>-<pid>`: this process. */
export function ownerTag(): string {
  return `${hostTag()}-${process.pid}`;
}

/** Parses the `<host>-<pid>` at the start of a tag (anything after is ignored). */
export function parseOwner(tag: string): { host: string; pid: number } | undefined {
  const m = /^([0-9a-f]{8})-(\d+)(?:-|$)/.exec(tag);
  return m ? { host: m[1], pid: Number(m[2]) } : undefined;
}

/** True when the process `pid` is running on this machine (a process of another user counts). */
export function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An owner is gone when it ran on this machine and its process has ended, or when its file has
 * not been touched for `maxAgeMs` (another machine, whose processes cannot be asked; an
 * unreadable tag; or a process id reused since).
 */
export function isOwnerGone(tag: string, mtimeMs: number, maxAgeMs: number): boolean {
  const owner = parseOwner(tag);
  if (owner && owner.host === hostTag() && !isProcessAlive(owner.pid)) return true;
  return Date.now() - mtimeMs > maxAgeMs;
}

export function describeOwner(tag: string): string {
  const owner = parseOwner(tag);
  if (!owner) return 'an unknown writer';
  return owner.host === hostTag()
    ? `process ${owner.pid} on this machine`
    : `process ${owner.pid} on another machine (host tag ${owner.host})`;
}
