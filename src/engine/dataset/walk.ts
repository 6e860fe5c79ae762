// Walks the dataset tree once and records, per folder, its images, reports, tables (possible
// manifests) and sub-folders. Every layout reads these listings; none lists a folder again.
//
// Path gate: the walk enters only real folders below the root, so a plain entry's real path is
// the folder's real path plus its name, with no system call. Only symlinks cost a realpath: one
// whose real path lies outside the dataset (or that is broken) is never followed and becomes a
// Skipped naming it; one to a file inside is listed like a file (its real path kept, so two names
// of one file can be told apart); one to a folder inside is not entered (cycles, double counting).
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, dirname, extname, join, sep } from 'node:path';
import type { Skipped } from '../types';
import { fileKind, isIgnoredName, MANIFEST_EXTENSIONS } from './file-kinds';
import type { Limiter } from '../concurrency';
import { type DatasetRoot, type KnownFiles, errorCode, linkTarget } from './paths';

export interface FolderListing {
  /** Absolute folder path, as spelled under the root. */
  dir: string;
  /** Folder relative to the root with `/` separators; '' for the root itself. */
  rel: string;
  /** The folder's own name (the root's: its base name). */
  name: string;
  /** The folder's real path: the root's real path + rel (the walk never enters a folder link); `dir` itself when the root is no link. */
  real: string;
  /** The listing of the folder above, absent for the root. */
  parent?: FolderListing;
  /** File names (not paths), sorted by code unit. Empty lists share one frozen array. */
  images: readonly string[];
  reports: readonly string[];
  /** .csv, .tsv, .jsonl, .json files: manifests or other tables. */
  tables: readonly string[];
  /** Sub-folders the walk entered, by name, sorted. */
  folders: readonly string[];
  /** Symlinks to folders inside the dataset, by name: not entered. */
  folderLinks: readonly string[];
  /** Real paths of the files above that are symlinks, by name. */
  links?: Map<string, string>;
  /** Entries that are neither listed files nor folders: refused symlinks, FIFOs, sockets, devices. */
  unlisted?: Set<string>;
}

export interface Tree {
  root: DatasetRoot;
  /** Every folder walked, sorted by rel. */
  listings: FolderListing[];
  byDir: Map<string, FolderListing>;
}

const NONE: readonly string[] = Object.freeze([]);

/**
 * Lists every non-hidden folder below `root`; unreadable folders and unusable symlinks become
 * Skipped. Kept lean for MIMIC-CXR's 300,000 folders: paths are built by concatenation, relative
 * paths and names are slices of them, and empty lists share one array.
 */
export async function walkTree(root: DatasetRoot, limit: Limiter, skipped: Skipped[]): Promise<Tree> {
  const listings: FolderListing[] = [];
  const prefix = root.path.endsWith(sep) ? root.path.length : root.path.length + 1;
  const rootIsReal = root.real === root.path;

  async function visit(dir: string, name: string, parent: FolderListing | undefined): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await limit(() => readdir(dir, { withFileTypes: true }));
    } catch (err) {
      skipped.push({ path: dir, reason: `cannot read folder (${errorCode(err)})` });
      return;
    }
    const rel = parent ? slash(dir.slice(prefix)) : '';
    const images: string[] = [];
    const reports: string[] = [];
    const tables: string[] = [];
    const folders: string[] = [];
    const folderLinks: string[] = [];
    const listing: FolderListing = {
      dir,
      rel,
      name,
      real: rootIsReal || !parent ? (parent ? dir : root.real) : join(root.real, rel),
      parent,
      images,
      reports,
      tables,
      folders,
      folderLinks,
    };
    const file = (entryName: string): boolean => {
      const kind = fileKind(entryName);
      if (kind === 'image') images.push(entryName);
      else if (kind === 'report') reports.push(entryName);
      else if (isTableName(entryName)) tables.push(entryName);
      else return false;
      return true;
    };
    for (const entry of entries) {
      if (isIgnoredName(entry.name)) continue;
      if (entry.isDirectory()) {
        folders.push(entry.name);
        continue;
      }
      if (entry.isSymbolicLink()) {
        const path = childPath(dir, entry.name);
        const target = await limit(() => linkTarget(root, path));
        if ('reason' in target) {
          skipped.push({ path, reason: target.reason });
          (listing.unlisted ??= new Set()).add(entry.name);
        } else if (target.kind === 'folder') folderLinks.push(entry.name);
        else if (file(entry.name)) (listing.links ??= new Map()).set(entry.name, target.real);
      } else if (entry.isFile()) file(entry.name);
      else {
        // A FIFO, socket or device: reading one could block forever. Listed when its name looks like data.
        (listing.unlisted ??= new Set()).add(entry.name);
        if (fileKind(entry.name) !== 'other' || isTableName(entry.name))
          skipped.push({
            path: childPath(dir, entry.name),
            reason: 'not a regular file (a FIFO, socket or device); not read',
          });
      }
    }
    listing.images = settle(images);
    listing.reports = settle(reports);
    listing.tables = settle(tables);
    listing.folders = settle(folders);
    listing.folderLinks = settle(folderLinks);
    listings.push(listing);
    await Promise.all(folders.map((sub) => visit(childPath(dir, sub), sub, listing)));
  }

  await visit(root.path, basename(root.path) || root.path, undefined);
  listings.sort((a, b) => byCodeUnit(a.rel, b.rel));
  return { root, listings, byDir: new Map(listings.map((l) => [l.dir, l])) };
}

/** Sorted, or the shared empty list. */
function settle(names: string[]): readonly string[] {
  return names.length === 0 ? NONE : names.sort(byCodeUnit);
}

/** `dir` + `name` for a plain entry name: path.join's result without its normalising cost. */
export function childPath(dir: string, name: string): string {
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

/** A relative path with `/` separators, as ids and messages use on every OS. */
function slash(rel: string): string {
  return sep === '/' ? rel : rel.split(sep).join('/');
}

function isTableName(name: string): boolean {
  return MANIFEST_EXTENSIONS.has(extname(name).toLowerCase());
}

/**
 * The key that identifies a file whatever name reached it: its real path. Claims between layouts
 * are kept by this key, so a manifest naming `alias/a.png` and the walk finding `real/a.png`
 * agree that it is one file.
 */
export function fileKey(listing: FolderListing, name: string): string {
  return listing.links?.get(name) ?? childPath(listing.real, name);
}

/**
 * The walk's answer to "is this path a file inside the dataset, and what is its real path?" for
 * image and report names in the folders it walked: a million-row manifest then costs no system
 * call per row, and R2Gen's `images/` fallback none per miss.
 */
export function knownFiles(tree: Tree): KnownFiles {
  return (path) => {
    const listing = tree.byDir.get(dirname(path));
    if (!listing) return undefined;
    const name = basename(path);
    const kind = fileKind(name);
    // Names the walk does not list (hidden, paperwork, other kinds, refused links): not its to say.
    if (kind === 'other' || isIgnoredName(name) || listing.unlisted?.has(name)) return undefined;
    if (includes(listing.folders, name) || includes(listing.folderLinks, name)) return undefined;
    if (includes(kind === 'image' ? listing.images : listing.reports, name)) return fileKey(listing, name);
    return null; // a walked folder with no entry of that name: missing, no system call needed
  };
}

/** Binary search in a list sorted by byCodeUnit. */
function includes(sorted: readonly string[], name: string): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] === name) return true;
    if (sorted[mid] < name) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Every image and report file the walk found, with its path and key. */
export function* datasetFiles(
  tree: Tree,
): Generator<{ path: string; key: string; listing: FolderListing; name: string }> {
  for (const listing of tree.listings) {
    for (const names of [listing.images, listing.reports]) {
      for (const name of names) {
        const path = childPath(listing.dir, name);
        yield {
          path,
          key: listing.links?.get(name) ?? (listing.real === listing.dir ? path : childPath(listing.real, name)),
          listing,
          name,
        };
      }
    }
  }
}

/** Locale-independent ordering, so output is identical on every machine. */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
