// Path safety in one place: every path a manifest (or a symlink) names must stay inside the
// dataset folder, because a shared manifest could otherwise point the tool at any file on disk.
import type { Stats } from 'node:fs';
import { lstat, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep, posix } from 'node:path';

/** The dataset folder as given (absolute) and as the filesystem resolves it (symlinks followed). */
export interface DatasetRoot {
  path: string;
  real: string;
  /** realpath of folders already looked up: a 100k-row manifest names few distinct folders. */
  realDirs: Map<string, Promise<string>>;
}

/** Resolves the dataset folder; throws a clear error when it is missing or not a folder. */
export async function openRoot(folder: string): Promise<DatasetRoot> {
  const path = resolve(folder);
  let real: string;
  try {
    real = await realpath(path);
  } catch (err) {
    throw new Error(`dataset folder not found: ${path} (${errorCode(err)})`, { cause: err });
  }
  if (!(await stat(real)).isDirectory()) throw new Error(`dataset path is not a folder: ${path}`);
  return { path, real, realDirs: new Map() };
}

/** True when `child` is `parent` or lies below it (lexically; no filesystem access). */
export function isWithin(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel));
}

/** Inside the root either as given or as resolved (a manifest may spell the real path). */
function lexicallyInside(root: DatasetRoot, candidate: string): boolean {
  return isWithin(root.path, candidate) || isWithin(root.real, candidate);
}

export type Resolved =
  | { ok: true; path: string }
  /** `missing`: nothing at that path (so another base may still be tried). */
  | { ok: false; reason: string; missing?: boolean };

/** As Resolved, with the file's real path (symlinks followed): the key that tells two names of one file apart. */
export type ResolvedFile = { ok: true; path: string; real: string } | Extract<Resolved, { ok: false }>;

/**
 * What discovery's one walk of the tree already checked about `path`: its real path when it is a
 * file the walk listed (inside the dataset, symlinks gated), null when the walk saw its folder and
 * no such entry, undefined when the walk cannot say (then the file system is asked).
 */
export type KnownFiles = (path: string) => string | null | undefined;

/**
 * Finds the file a manifest value names. Relative values are tried against each base in order
 * (the first base decides whether the value escapes the root: `../x` is refused outright rather
 * than rescued by a later base). The returned path keeps the user's spelling (not the realpath).
 */
export async function resolveDatasetFile(
  root: DatasetRoot,
  value: string,
  bases: readonly string[],
): Promise<Resolved> {
  const found = await locateDatasetFile(root, value, bases);
  return found.ok ? { ok: true, path: found.path } : found;
}

/** resolveDatasetFile with the file's real path, helped by what the walk of the tree knows (`known`). */
export async function locateDatasetFile(
  root: DatasetRoot,
  value: string,
  bases: readonly string[],
  known?: KnownFiles,
): Promise<ResolvedFile> {
  const spelled = normaliseSeparators(value.trim());
  if (spelled === '') return { ok: false, reason: 'empty path' };
  if (isAbsolute(spelled)) {
    if (!lexicallyInside(root, spelled))
      return { ok: false, reason: `"${value}" is an absolute path outside the dataset folder` };
    return knownOrChecked(root, spelled, value, known);
  }
  if (bases.length === 0 || !lexicallyInside(root, resolve(bases[0], spelled))) {
    return { ok: false, reason: `"${value}" points outside the dataset folder` };
  }
  const tried: string[] = [];
  for (const base of unique(bases)) {
    const candidate = resolve(base, spelled);
    if (!lexicallyInside(root, candidate) || tried.includes(candidate)) continue;
    tried.push(candidate);
    const found = await knownOrChecked(root, candidate, value, known);
    if (found.ok || !found.missing) return found;
  }
  const where = tried.map((t) => displayRelative(root, t)).join(', ');
  return { ok: false, missing: true, reason: `"${value}" not found (looked for ${where})` };
}

/** A path that passed the lexical checks: the walk's word for it when it has one, else checkFile. */
function knownOrChecked(
  root: DatasetRoot,
  candidate: string,
  value: string,
  known: KnownFiles | undefined,
): Promise<ResolvedFile> | ResolvedFile {
  const real = known?.(candidate);
  if (real === undefined) return checkFile(root, candidate, value);
  return real === null
    ? { ok: false, missing: true, reason: `"${value}" not found` }
    : { ok: true, path: candidate, real };
}

/** Checks one candidate: exists, is a file, and its realpath (symlinks followed) is inside the root. */
export async function checkFile(root: DatasetRoot, candidate: string, value: string): Promise<ResolvedFile> {
  let real: string;
  let info: Stats;
  try {
    // lstat + the folder's (cached) realpath costs one call per file; only links need more.
    info = await lstat(candidate);
    if (info.isSymbolicLink()) {
      real = await realpath(candidate);
      info = await stat(real);
    } else {
      real = join(await realDir(root, dirname(candidate)), basename(candidate));
    }
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, missing: true, reason: `"${value}" not found` };
    return { ok: false, reason: `"${value}" cannot be read (${code})` };
  }
  if (!isWithin(root.real, real)) {
    return { ok: false, reason: `"${value}" is a symlink pointing outside the dataset folder (to ${real})` };
  }
  if (!info.isFile()) return { ok: false, reason: `"${value}" is not a file` };
  return { ok: true, path: candidate, real };
}

function realDir(root: DatasetRoot, dir: string): Promise<string> {
  let found = root.realDirs.get(dir);
  if (!found) root.realDirs.set(dir, (found = realpath(dir)));
  return found;
}

/** Where a symlink leads: a file or folder inside the dataset (with its real path, to tell two names of one file apart), or why it cannot be used. */
export async function linkTarget(
  root: DatasetRoot,
  path: string,
): Promise<{ kind: 'file' | 'folder'; real: string } | { reason: string }> {
  try {
    const real = await realpath(path);
    if (!isWithin(root.real, real)) return { reason: `symlink points outside the dataset folder (to ${real})` };
    return { kind: (await stat(real)).isFile() ? 'file' : 'folder', real };
  } catch (err) {
    return { reason: `broken symlink (${errorCode(err)})` };
  }
}

/** Path relative to the root with `/` separators: the form ids and messages use on every OS. */
export function displayRelative(root: DatasetRoot, path: string): string {
  const rel = relative(root.path, path).split(sep).join(posix.sep);
  return rel === '' ? '.' : rel;
}

/** Manifests written on Windows use `\`; on POSIX treat it as a separator too (a `\` in a real file name is vanishingly rare). */
function normaliseSeparators(value: string): string {
  return sep === '/' ? value.replace(/\\/g, '/') : value;
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

export function errorCode(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return err instanceof Error ? err.message : String(err);
}
