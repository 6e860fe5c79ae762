// The one way into `<dataset>/.radalign/`, the only place radalign writes inside a dataset.
//
// A dataset folder comes from someone else: `.radalign` or a file in it may be a planted symlink
// to a file outside (a flag would overwrite it; reading it would copy its content into the
// dataset). So nothing here follows a link: the folder must be a real folder, files are opened
// with O_NOFOLLOW and must be regular files, writes go to a fresh temporary file in the same
// folder (created exclusively, so never through a link), fsync, rename over the target (which
// replaces the directory entry, never writes through it), fsync of the folder.
import { constants } from 'node:fs';
import { type FileHandle, lstat, mkdir, open, readdir, rename, rmdir, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { errorCode } from '../dataset/paths';
import { isOwnerGone, ownerTag } from './owner';

export const RADALIGN_DIR = '.radalign';

/** `.radalign` or a file in it cannot be used safely; nothing was read or written. */
export class RefusedPathError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(
      `${path}: ${problem}; radalign refuses to read or write through it (remove or replace it with a regular ${problem.includes('folder') ? 'folder' : 'file'})`,
    );
    this.name = 'RefusedPathError';
  }
}

/** O_NOFOLLOW where the platform has it (not on Windows, where the lstat checks stand alone). */
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

/** Lines git should not track: locks and temporary files of crashed writers. */
const GITIGNORE = '# radalign: locks and temporary files, never data\n*.lock.*\n*.tmp-*\n';

/**
 * `<root>/.radalign`, checked to be a real folder (not a link). With `create`, makes it when it
 * is missing (and a `.gitignore` for locks and temporary files); otherwise returns undefined
 * when it is missing.
 */
export async function radalignFolder(datasetRoot: string, create: true): Promise<string>;
export async function radalignFolder(datasetRoot: string, create: false): Promise<string | undefined>;
export async function radalignFolder(datasetRoot: string, create: boolean): Promise<string | undefined> {
  const dir = join(datasetRoot, RADALIGN_DIR);
  const info = await lstatOrUndefined(dir);
  if (info === undefined) {
    if (!create) return undefined;
    try {
      await mkdir(dir); // not recursive: the dataset folder itself must exist
    } catch (e) {
      if (errorCode(e) !== 'EEXIST')
        throw new Error(`${dir}: cannot create radalign's folder (${errorCode(e)})`, { cause: e });
      return radalignFolder(datasetRoot, create); // another writer made it meanwhile
    }
    await writeExclusive(join(dir, '.gitignore'), GITIGNORE).catch(() => {});
    return dir;
  }
  if (info.isSymbolicLink()) throw new RefusedPathError(dir, 'is a symbolic link, not a folder');
  if (!info.isDirectory()) throw new RefusedPathError(dir, 'is not a folder');
  return dir;
}

/** The text of `.radalign/<name>`; undefined when the folder or the file is missing. */
export async function readRadalignFile(datasetRoot: string, name: string): Promise<string | undefined> {
  const dir = await radalignFolder(datasetRoot, false);
  if (dir === undefined) return undefined;
  return readNoFollow(join(dir, name));
}

/**
 * Opens an existing file for reading, never through a symbolic link, and checks it is a regular
 * file; undefined when it is missing. The caller closes the handle.
 */
export async function openNoFollow(path: string): Promise<FileHandle | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | NO_FOLLOW);
  } catch (e) {
    const code = errorCode(e);
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new RefusedPathError(path, 'is a symbolic link, not a file');
    throw new Error(`${path}: cannot read (${code})`, { cause: e });
  }
  const info = await handle.stat();
  if (!info.isFile()) {
    await handle.close();
    throw new RefusedPathError(path, 'is not a regular file');
  }
  return handle;
}

/**
 * Creates a new file for writing, exclusively (fails when anything, a link included, has that
 * name): for large files written as a stream under a fresh name, which only a later atomic
 * write of a small file makes current.
 */
export async function createExclusive(path: string): Promise<FileHandle> {
  return open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW, 0o644);
}

/** Reads a file that must be a regular file, never through a symbolic link. */
export async function readNoFollow(path: string): Promise<string | undefined> {
  const handle = await openNoFollow(path);
  if (handle === undefined) return undefined;
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

export interface AtomicWriteOptions {
  /** Called after the temporary file is durable and before it replaces the target; throw to abandon. */
  beforeCommit?: () => Promise<void>;
}

/**
 * Replaces `.radalign/<name>` with `text` atomically: a reader sees the old or the new file,
 * never half of one, and after a crash at any instant the file is one of the two. Refuses when
 * `.radalign` or the target is a link or not a regular file.
 */
export async function writeRadalignFile(
  datasetRoot: string,
  name: string,
  text: string,
  options: AtomicWriteOptions = {},
): Promise<string> {
  const dir = await radalignFolder(datasetRoot, true);
  const target = join(dir, name);
  const info = await lstatOrUndefined(target);
  if (info?.isSymbolicLink()) throw new RefusedPathError(target, 'is a symbolic link, not a file');
  if (info && !info.isFile()) throw new RefusedPathError(target, 'is not a regular file');
  return replaceAtomically(dir, name, text, options);
}

/**
 * Replaces `<dir>/<name>` with `text`: a temporary file in `dir` created exclusively (never
 * through a link) and made durable, renamed over the target, then the folder synced. The caller
 * has checked `dir` and the target.
 */
export async function replaceAtomically(
  dir: string,
  name: string,
  text: string,
  options: AtomicWriteOptions = {},
): Promise<string> {
  const target = join(dir, name);
  const temp = `${target}.tmp-${ownerTag()}-${randomBytes(4).toString('hex')}`;
  try {
    await writeExclusive(temp, text, true);
    await options.beforeCommit?.();
    await rename(temp, target);
  } catch (e) {
    await unlink(temp).catch(() => {});
    throw e;
  }
  await syncFolder(dir);
  return target;
}

/**
 * Removes temporary files of `<name>` that a writer left behind when it was killed: those whose
 * writer is gone (same machine, process no longer running) or that are older than a day
 * (another machine on a shared folder). Returns how many were removed.
 */
export async function removeAbandonedTemps(dir: string, name: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  const prefix = `${name}.tmp-`;
  let removed = 0;
  for (const n of names) {
    if (!n.startsWith(prefix)) continue;
    const path = join(dir, n);
    const info = await lstatOrUndefined(path);
    if (!info || !isOwnerGone(n.slice(prefix.length), info.mtimeMs, DAY_MS)) continue;
    try {
      if (info.isDirectory()) await rmdir(path);
      else await unlink(path);
      removed++;
    } catch {
      // someone else removed it first, or it is not ours to remove
    }
  }
  return removed;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Creates a new file (fails if anything, a link included, is already there) and makes it durable. */
export async function writeExclusive(path: string, text: string, sync = false): Promise<void> {
  const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW, 0o644);
  try {
    await handle.writeFile(text, 'utf8');
    if (sync) await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes a rename in `dir` durable (POSIX); a no-op where folders cannot be opened (Windows). */
async function syncFolder(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch {
    // Windows: folders cannot be fsynced; NTFS journals the rename.
  } finally {
    await handle?.close();
  }
}

async function lstatOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return undefined;
    throw new Error(`${path}: cannot inspect (${errorCode(e)})`, { cause: e });
  }
}
