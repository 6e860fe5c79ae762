// What the tree layouts (MIMIC, study folder, stem) share: turning listed files into a pair and
// into skips that carry the file's key, so claims.ts can tell which files ended in no pair.
import type { LayoutName } from '../../types';
import { type FolderListing, childPath, fileKey } from '../walk';
import type { Candidate, Skip } from './types';

export const NO_REPORT = 'no report found for image';
export const NO_IMAGE = 'no image found for report';

/** A skip for the file `name` of `listing`. */
export function fileSkip(listing: FolderListing, name: string, reason: string): Skip {
  return { path: childPath(listing.dir, name), reason, file: fileKey(listing, name) };
}

/** A pair of `images` (in `imageFolder`) and `report` (in `reportFolder`), with the keys of all its files. */
export function treeCandidate(
  id: string,
  layout: LayoutName,
  origin: string,
  imageFolder: FolderListing,
  images: readonly string[],
  reportFolder: FolderListing,
  report: string,
): Candidate {
  const sorted = [...images].sort();
  const candidate: Candidate = {
    pair: {
      id,
      images: sorted.map((name) => childPath(imageFolder.dir, name)),
      report: { kind: 'file', path: childPath(reportFolder.dir, report) },
      layout,
    },
    origin,
  };
  // Keys differ from paths only for symlinks or a dataset folder reached through a link.
  const keyed = (folder: FolderListing) => folder.real !== folder.dir || folder.links !== undefined;
  if (keyed(imageFolder) || keyed(reportFolder))
    candidate.files = [...sorted.map((name) => fileKey(imageFolder, name)), fileKey(reportFolder, report)];
  return candidate;
}

/** `sub/dir` + `case17` → `sub/dir/case17`; at the root just the name. */
export function joinId(rel: string, name: string): string {
  return rel === '' ? name : `${rel}/${name}`;
}
