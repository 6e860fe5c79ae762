// Walks the dataset tree once and records, per folder, which images and reports it holds.
// Layout decisions (stem / study-folder) are made afterwards on these listings.
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Skipped } from '../types';
import { fileKind, isIgnoredName } from './file-kinds';
import type { Limiter } from './limiter';
import { type DatasetRoot, displayRelative, errorCode, followLink } from './paths';

export interface FolderListing {
  /** Absolute folder path. */
  dir: string;
  /** Folder relative to the root with `/` separators; '' for the root itself. */
  rel: string;
  /** File names (not paths), sorted. */
  images: string[];
  reports: string[];
}

/** Lists every non-hidden folder below `root`; unreadable folders and outward symlinks become Skipped. */
export async function walkTree(root: DatasetRoot, limit: Limiter, skipped: Skipped[]): Promise<FolderListing[]> {
  const listings: FolderListing[] = [];

  async function visit(dir: string): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await limit(() => readdir(dir, { withFileTypes: true }));
    } catch (err) {
      skipped.push({ path: dir, reason: `cannot read folder (${errorCode(err)})` });
      return;
    }
    const listing: FolderListing = { dir, rel: relOf(root, dir), images: [], reports: [] };
    const subfolders: string[] = [];
    for (const entry of entries) {
      if (isIgnoredName(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        subfolders.push(path);
        continue;
      }
      const kind = fileKind(entry.name);
      if (kind === 'other') continue;
      if (entry.isSymbolicLink()) {
        const target = await limit(() => followLink(root, path));
        if (target === 'folder') continue; // links to folders are not followed (cycles, double counting)
        if (target !== 'file') {
          skipped.push({ path, reason: target });
          continue;
        }
      } else if (!entry.isFile()) continue; // sockets, fifos, devices
      (kind === 'image' ? listing.images : listing.reports).push(entry.name);
    }
    listing.images.sort(byCodeUnit);
    listing.reports.sort(byCodeUnit);
    if (listing.images.length > 0 || listing.reports.length > 0) listings.push(listing);
    await Promise.all(subfolders.map(visit));
  }

  await visit(root.path);
  return listings.sort((a, b) => byCodeUnit(a.rel, b.rel));
}

function relOf(root: DatasetRoot, dir: string): string {
  const rel = displayRelative(root, dir);
  return rel === '.' ? '' : rel;
}

/** Locale-independent ordering, so output is identical on every machine. */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
