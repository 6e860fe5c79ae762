// Manifests the dataset folder itself offers (annotation.json, the .csv/.tsv/.jsonl/.json files at
// its top level) are opened only through the path gate: a symlink among them is read only when its
// real path is inside the folder, so a shared folder cannot make the tool read and score a file
// from elsewhere on disk. Refusals become Skipped entries naming the file.
import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { Skipped } from '../types';
import { isIgnoredName, MANIFEST_EXTENSIONS } from './file-kinds';
import { type DatasetRoot, errorCode, linkTarget } from './paths';
import { byCodeUnit } from './walk';

/** A top-level file that may be opened (with its real path), nothing to open, or why it is refused. */
export type TopLevelFile = { open: true; real: string } | { open: false; refused?: Skipped };

/**
 * Whether `path`, an entry at the dataset's top level, may be read: a regular file, or a symlink
 * whose real path is a file inside the folder. Absent or a folder: nothing to open.
 */
export async function gateTopLevelFile(root: DatasetRoot, path: string): Promise<TopLevelFile> {
  try {
    const info = await lstat(path);
    if (info.isFile()) return { open: true, real: join(root.real, basename(path)) };
    if (!info.isSymbolicLink()) return { open: false };
  } catch (err) {
    const code = errorCode(err);
    return code === 'ENOENT' ? { open: false } : { open: false, refused: { path, reason: `cannot read (${code})` } };
  }
  return gateLink(root, path);
}

// The same reason for the same link wherever it is met (annotation.json is met twice in auto
// mode), so finalise's de-duplication leaves one entry.
async function gateLink(root: DatasetRoot, path: string): Promise<TopLevelFile> {
  const target = await linkTarget(root, path);
  if ('reason' in target) return { open: false, refused: { path, reason: target.reason } };
  return target.kind === 'file' ? { open: true, real: target.real } : { open: false };
}

/**
 * The manifest files at the folder's top level, sorted, refused symlinks pushed to `skipped`.
 * A symlink to a file already read (`latest.csv` → `v2.csv`) is not read a second time.
 */
export async function topLevelManifestFiles(root: DatasetRoot, skipped: Skipped[]): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(root.path, { withFileTypes: true });
  } catch {
    return [];
  }
  const candidates = entries
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && !isIgnoredName(e.name) && MANIFEST_EXTENSIONS.has(extname(e.name).toLowerCase()))
    .map((e) => ({ name: e.name, link: e.isSymbolicLink() }))
    .sort((a, b) => byCodeUnit(a.name, b.name));
  const byReal = new Map<string, string>(); // real path → the top-level file read for it
  for (const c of candidates) if (!c.link) byReal.set(join(root.real, c.name), join(root.path, c.name));
  for (const c of candidates) {
    if (!c.link) continue;
    const path = join(root.path, c.name);
    const gate = await gateLink(root, path);
    if (!gate.open) {
      if (gate.refused) skipped.push(gate.refused);
      continue;
    }
    const first = byReal.get(gate.real);
    if (first) skipped.push({ path, reason: `not read again: symlink to ${basename(first)}, which is read already` });
    else byReal.set(gate.real, path);
  }
  return [...byReal.values()].sort(byCodeUnit);
}
