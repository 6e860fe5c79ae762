// An exclusive lock between processes, on one machine or on a shared network folder, for the
// read–merge–write of a file under `.radalign/`. Why not a library: the kept ones (proper-lockfile,
// lockfile) take over a stale lock by removing it and creating a new one, and two processes that
// find the same stale lock can both end up holding it (proper-lockfile issue #121, npm/lockfile
// issue #4) — exactly the moment after a `kill -9` that must lose nothing.
//
// The lock is a numbered file, `<name>.lock.<g>`. Taking it means creating generation g+1
// exclusively (O_EXCL: one creator wins, on local disks and NFS alike) after seeing that
// generation g is released (a `<name>.lock.<g>.free` marker beside it) or abandoned (its process
// is gone, or it has not been touched for the lease time). A released or abandoned generation
// never becomes held again and no lock file is renamed, so "g is free, create g+1" is a
// compare-and-swap with no removal step for two processes to race on. The holder touches its
// file while it holds it (the lease) and checks just before it commits that nobody took over
// (a holder paused past its lease must not write). Old generations are removed by the holder,
// oldest first and never the one just before its own; a process that stalled for several
// generations and then manages to create an old number finds its predecessor gone and backs off.
import { randomBytes } from 'node:crypto';
import { link, readdir, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { errorCode } from '../dataset/paths';
import { describeOwner, isOwnerGone, ownerTag } from './owner';
import { readNoFollow, writeExclusive } from './radalign-folder';

export interface LockOptions {
  /** Give up waiting after this long (default 30 s). */
  waitMs?: number;
  /** A holder that has not touched its lock for this long is taken over (default 30 s). */
  leaseMs?: number;
}

export class LockTimeoutError extends Error {
  constructor(
    readonly lockFile: string,
    holder: string,
  ) {
    super(`${lockFile}: still held by ${holder}; try again later, or delete that file if that process is gone`);
    this.name = 'LockTimeoutError';
  }
}

/** The lock was taken over while held (this process was paused past its lease): nothing was written. */
export class LockLostError extends Error {
  constructor(readonly lockFile: string) {
    super(
      `${lockFile}: the lock was taken over by another writer while this one was paused; the change was not written`,
    );
    this.name = 'LockLostError';
  }
}

export interface HeldLock {
  readonly file: string;
  readonly generation: number;
  /** Throws LockLostError when another writer has taken over. */
  assertHeld(): Promise<void>;
}

const DEFAULT_WAIT_MS = 30_000;
const DEFAULT_LEASE_MS = 30_000;

/** Runs `fn` holding the lock `<dir>/<name>.lock.*`; releases it however `fn` ends. */
export async function withLock<T>(
  dir: string,
  name: string,
  fn: (lock: HeldLock) => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const generation = await acquire(dir, name, options.waitMs ?? DEFAULT_WAIT_MS, leaseMs);
  const file = lockPath(dir, name, generation);
  const heartbeat = setInterval(
    () => {
      const now = new Date();
      utimes(file, now, now).catch(() => {});
    },
    Math.max(50, Math.floor(leaseMs / 3)),
  );
  heartbeat.unref();
  const lock: HeldLock = {
    file,
    generation,
    assertHeld: async () => {
      if (await exists(lockPath(dir, name, generation + 1))) throw new LockLostError(file);
    },
  };
  try {
    await removeOlderGenerations(dir, name, generation);
    return await fn(lock);
  } finally {
    clearInterval(heartbeat);
    await writeExclusive(`${file}.free`, '').catch(() => {});
  }
}

async function acquire(dir: string, name: string, waitMs: number, leaseMs: number): Promise<number> {
  const started = Date.now();
  let delay = 2;
  for (;;) {
    const newest = await newestGeneration(dir, name);
    let holder: string | undefined;
    if (newest.held) holder = await liveHolder(lockPath(dir, name, newest.generation), leaseMs);
    if (holder === undefined) {
      const next = newest.generation + 1;
      const file = lockPath(dir, name, next);
      if (!(await createComplete(dir, name, file))) continue; // another writer took generation `next` first: look again at once
      if (await isCurrent(dir, name, next)) return next;
      await unlink(file).catch(() => {}); // we stalled and created a long-gone number: back off
      continue;
    }
    if (Date.now() - started > waitMs) throw new LockTimeoutError(lockPath(dir, name, newest.generation), holder);
    await sleep(delay * (0.5 + Math.random()));
    delay = Math.min(delay * 1.5, 50);
  }
}

/**
 * Creates `file` with this process as owner, whole or not at all: the content is written to a
 * temporary file first and hard-linked to the lock's name (link fails when the name exists, on
 * NFS too), so a writer killed halfway never leaves an empty lock that only the lease could free.
 * False when the name was taken.
 */
async function createComplete(dir: string, name: string, file: string): Promise<boolean> {
  const temp = join(dir, `${name}.tmp-${ownerTag()}-${randomBytes(4).toString('hex')}.lock`);
  await writeExclusive(
    temp,
    JSON.stringify({ owner: ownerTag(), host: hostname(), pid: process.pid, since: new Date().toISOString() }) + '\n',
  );
  try {
    await link(temp, file);
    return true;
  } catch (e) {
    if (errorCode(e) === 'EEXIST') return false;
    throw new Error(`${file}: cannot create the lock (${errorCode(e)})`, { cause: e });
  } finally {
    await unlink(temp).catch(() => {});
  }
}

/** Who holds a lock file, or undefined when it is released or abandoned. */
async function liveHolder(file: string, leaseMs: number): Promise<string | undefined> {
  let text: string | undefined;
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(file)).mtimeMs;
    text = await readNoFollow(file);
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return 'a writer releasing it'; // removed by a newer holder meanwhile: look again
    throw e;
  }
  if (text === undefined) return 'a writer releasing it';
  const owner = ownerOf(text); // unreadable (written by hand?): then only its age counts
  return isOwnerGone(owner ?? '', mtimeMs, leaseMs) ? undefined : owner ? describeOwner(owner) : 'a writer starting up';
}

function ownerOf(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { owner?: unknown };
    return typeof parsed.owner === 'string' ? parsed.owner : undefined;
  } catch {
    return undefined;
  }
}

/** The newest generation and whether it is still held (no `.free` marker beside it). */
async function newestGeneration(dir: string, name: string): Promise<{ generation: number; held: boolean }> {
  const entries = await lockEntries(dir, name);
  const generation = Math.max(0, ...entries.map((e) => e.generation));
  const newest = entries.filter((e) => e.generation === generation);
  const held = newest.some((e) => !e.marker) && !newest.some((e) => e.marker);
  return { generation, held };
}

/**
 * A generation just created is current when its predecessor still exists (the holder after it
 * would have removed it, oldest first) — or, for generation 1, when no newer one exists.
 */
export async function isCurrent(dir: string, name: string, generation: number): Promise<boolean> {
  if (generation > 1) return exists(lockPath(dir, name, generation - 1));
  return (await lockEntries(dir, name)).every((e) => e.generation <= 1);
}

/** Removes generations older than the one before `generation`, oldest first (see isCurrent). */
async function removeOlderGenerations(dir: string, name: string, generation: number): Promise<void> {
  const old = (await lockEntries(dir, name)).filter((e) => e.generation < generation - 1);
  old.sort((a, b) => a.generation - b.generation || Number(b.marker) - Number(a.marker));
  for (const entry of old) await unlink(join(dir, entry.file)).catch(() => {});
}

async function lockEntries(
  dir: string,
  name: string,
): Promise<{ file: string; generation: number; marker: boolean }[]> {
  const pattern = new RegExp(`^${escapeRegExp(name)}\\.lock\\.(\\d+)(\\.free)?$`);
  const entries = [];
  for (const file of await readdir(dir)) {
    const m = pattern.exec(file);
    if (m) entries.push({ file, generation: Number(m[1]), marker: m[2] !== undefined });
  }
  return entries;
}

function lockPath(dir: string, name: string, generation: number): string {
  return join(dir, `${name}.lock.${generation}`);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
