// What a layout is to discovery: a name, a test of whether a folder holds it, and the pairs it
// claims there. discover.ts runs the registry (layouts/index.ts) over the one walk of the tree;
// claims.ts settles files claimed twice.
import type { Limits } from '../../limits';
import type { LayoutName, Pair, Skipped } from '../../types';
import type { DatasetRoot, KnownFiles } from '../paths';
import type { FolderListing, Tree } from '../walk';

export interface LayoutContext {
  root: DatasetRoot;
  tree: Tree;
  limits: Limits;
  /** The walk's knowledge of the files it listed (walk.ts knownFiles). */
  known: KnownFiles;
}

/** A pair a layout offers, with what it needs to settle claims. */
export interface Candidate {
  pair: Pair;
  /**
   * Keys (real paths, see walk.ts fileKey) of the pair's files, in the order of filePaths(pair):
   * its images, then its report file if it has one. Absent when they are the paths themselves
   * (a million manifest rows need no second array each).
   */
  files?: string[];
  /** Where the pair comes from, for messages: `stem pair case17`. A manifest row has `where` instead. */
  origin?: string;
  /** For a manifest row: `<manifest>#row N`, where a lost row is reported and how it is named. */
  where?: string;
}

/** A Skipped, with the key of the dataset file it is about (dropped if another layout pairs that file). */
export interface Skip extends Skipped {
  file?: string;
}

export interface LayoutResult {
  candidates: Candidate[];
  skips: Skip[];
}

export type DetectMode = 'auto' | 'forced';

export interface Layout {
  name: LayoutName;
  /** What one of its pairs is, for messages: "a manifest row", "a stem pair". */
  describes: string;
  /**
   * 'folders': the folders it detects are its own, so no later layout in the registry reads
   * their images and reports. 'files': it claims files by name wherever they lie (manifest rows).
   */
  scope: 'folders' | 'files';
  /** Does this folder hold this layout here? `forced`: the user asked for this layout only. */
  detect(listing: FolderListing, mode: DetectMode): boolean;
  /** The pairs it claims in the folders it detected, and every file there it leaves unpaired as a skip. */
  pairs(listings: FolderListing[], ctx: LayoutContext): Promise<LayoutResult>;
  /** For layouts that read tables: whether it reads the table file `name`. */
  readsTable?(name: string): boolean;
  /** The reason given when this layout is forced and no folder holds it. */
  notFound: string;
}

/** A pair's files as paths: its images, then its report file if it has one (the order of Candidate.files). */
export function filePaths(pair: Pair): string[] {
  return pair.report.kind === 'file' ? [...pair.images, pair.report.path] : pair.images;
}

/** The keys of a candidate's files (see Candidate.files). */
export function fileKeys(candidate: Candidate): string[] {
  return candidate.files ?? filePaths(candidate.pair);
}
