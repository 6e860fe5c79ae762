// Turns one folder's listing into pairs under the stem and study-folder rules, and decides
// between them per folder in auto mode (so one tree may mix both layouts).
import { basename, join } from 'node:path';
import type { LayoutName, Pair, Skipped } from '../types';
import { isNamedReport, stemOf } from './file-kinds';
import type { FolderListing } from './walk';

export type TreeMode = 'auto' | 'stem' | 'study-folder';

export const NO_REPORT = 'no report found for image';
export const NO_IMAGE = 'no image found for report';

/** Pairs for one folder under `mode`; files it cannot pair are pushed to `skipped`. */
export function folderPairs(listing: FolderListing, mode: TreeMode, rootName: string, skipped: Skipped[]): Pair[] {
  if (mode === 'stem') return stemPairs(listing, skipped);
  if (mode === 'study-folder') return studyFolderPair(listing, rootName, skipped);
  return autoFolderPairs(listing, rootName, skipped);
}

/**
 * Auto: a folder with `report.txt` is a study folder; else if any image shares a report's stem
 * the folder is read as stem pairs; else a single report makes it a study folder; several
 * reports with no rule to choose between them are ambiguous and skipped.
 */
function autoFolderPairs(listing: FolderListing, rootName: string, skipped: Skipped[]): Pair[] {
  const { images, reports } = listing;
  if (images.length === 0 || reports.length === 0) return stemPairs(listing, skipped); // all orphans
  if (reports.some(isNamedReport)) return studyFolderPair(listing, rootName, skipped);
  const reportStems = new Set(reports.map(stemOf));
  if (images.some((image) => reportStems.has(stemOf(image)))) return stemPairs(listing, skipped);
  return studyFolderPair(listing, rootName, skipped);
}

/**
 * Stem: `case17.png` + `case17.txt` (or `.md`). Several images with exactly the same stem
 * (`case17.png`, `case17.dcm`) join one pair. Suffix conventions such as `case17_lateral.png`
 * are deliberately not guessed (`_lateral`, `-2`, `_a` are all ambiguous): such an image is
 * skipped with a hint to use a study folder or manifest for multi-image studies.
 */
function stemPairs(listing: FolderListing, skipped: Skipped[]): Pair[] {
  const groups = new Map<string, { images: string[]; reports: string[] }>();
  const group = (stem: string) => {
    let g = groups.get(stem);
    if (!g) groups.set(stem, (g = { images: [], reports: [] }));
    return g;
  };
  for (const image of listing.images) group(stemOf(image)).images.push(image);
  for (const report of listing.reports) group(stemOf(report)).reports.push(report);

  const pairs: Pair[] = [];
  const at = (name: string) => join(listing.dir, name);
  for (const [stem, g] of groups) {
    if (g.reports.length === 0) {
      for (const image of g.images) {
        skipped.push({ path: at(image), reason: `${NO_REPORT} (expected ${stem}.txt or ${stem}.md beside it; for several images per report use a study folder or a manifest)` });
      }
    } else if (g.images.length === 0) {
      for (const report of g.reports) skipped.push({ path: at(report), reason: `${NO_IMAGE} (expected an image named ${stem}.png, .jpg, .dcm, ... beside it)` });
    } else if (g.reports.length > 1) {
      for (const image of g.images) {
        skipped.push({ path: at(image), reason: `several reports share the stem "${stem}" (${g.reports.join(', ')}); keep only one` });
      }
    } else {
      pairs.push(pairOf(joinId(listing.rel, stem), listing, g.images, g.reports[0], 'stem'));
    }
  }
  return pairs;
}

/** Study folder: all images in the folder + `report.txt` (or `.md`), or the folder's only report. */
function studyFolderPair(listing: FolderListing, rootName: string, skipped: Skipped[]): Pair[] {
  const { images, reports, dir } = listing;
  const at = (name: string) => join(dir, name);
  if (images.length === 0) {
    for (const report of reports) skipped.push({ path: at(report), reason: `${NO_IMAGE} (the folder holds no images)` });
    return [];
  }
  if (reports.length === 0) {
    skipped.push({ path: dir, reason: `${NO_REPORT}s in this study folder: ${images.length} image(s) but no report.txt/.md` });
    return [];
  }
  const named = reports.filter(isNamedReport);
  const chosen = named.length === 1 ? named[0] : reports.length === 1 ? reports[0] : undefined;
  if (chosen === undefined) {
    const why = named.length > 1 ? `both ${named.join(' and ')}` : `several candidate reports (${reports.join(', ')}) and none named report.txt`;
    skipped.push({ path: dir, reason: `study folder has ${why}; rename the right one to report.txt` });
    return [];
  }
  for (const other of reports) {
    if (other !== chosen) skipped.push({ path: at(other), reason: `not used: ${chosen} is this study folder's report` });
  }
  const id = listing.rel === '' ? rootName : listing.rel;
  return [pairOf(id, listing, images, chosen, 'study-folder')];
}

function pairOf(id: string, listing: FolderListing, images: string[], report: string, layout: LayoutName): Pair {
  return {
    id,
    images: images.map((name) => join(listing.dir, name)).sort(),
    report: { kind: 'file', path: join(listing.dir, report) },
    layout,
  };
}

function joinId(rel: string, stem: string): string {
  return rel === '' ? stem : `${rel}/${stem}`;
}

export function rootNameOf(rootPath: string): string {
  return basename(rootPath) || rootPath;
}
