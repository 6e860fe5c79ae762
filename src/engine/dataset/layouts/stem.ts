// Stem layout: `case17.png` + `case17.txt` (or `.md`) side by side. The registry's last resort:
// it takes every folder no earlier layout took, so each image and report there ends in a pair
// or in a skip saying why not.
import { type FileKind, fileKind, stemOf } from '../file-kinds';
import type { FolderListing } from '../walk';
import { NO_IMAGE, NO_REPORT, fileSkip, joinId, treeCandidate } from './tree-files';
import type { Candidate, Layout, Skip } from './types';

export const stem: Layout = {
  name: 'stem',
  describes: 'a stem pair',
  scope: 'folders',
  detect: (listing) => listing.images.length > 0 || listing.reports.length > 0,
  async pairs(listings) {
    const candidates: Candidate[] = [];
    const skips: Skip[] = [];
    for (const listing of listings) stemPairs(listing, candidates, skips);
    return { candidates, skips };
  },
  notFound: 'no image or report files found',
};

/**
 * Several images with exactly the same stem (`case17.png`, `case17.dcm`) join one pair. Suffix
 * conventions such as `case17_lateral.png` are deliberately not guessed (`_lateral`, `-2`, `_a`
 * are all ambiguous): such an image is skipped with a hint to use a study folder or manifest.
 */
function stemPairs(listing: FolderListing, candidates: Candidate[], skips: Skip[]): void {
  const groups = new Map<string, { images: string[]; reports: string[] }>();
  const group = (name: string) => {
    let g = groups.get(name);
    if (!g) groups.set(name, (g = { images: [], reports: [] }));
    return g;
  };
  for (const image of listing.images) group(stemOf(image)).images.push(image);
  for (const report of listing.reports) group(stemOf(report)).reports.push(report);

  const refusedByStem = unusableByStem(listing);
  const unusable = (stemName: string, kind: FileKind) =>
    refusedByStem?.get(stemName)?.find((name) => fileKind(name) === kind);
  for (const [stemName, g] of groups) {
    if (g.reports.length === 0) {
      const refused = unusable(stemName, 'report');
      const why = refused
        ? `${refused} beside it cannot be used, see its own entry`
        : `expected ${stemName}.txt or ${stemName}.md beside it; for several images per report use a study folder or a manifest`;
      for (const image of g.images) skips.push(fileSkip(listing, image, `${NO_REPORT} (${why})`));
    } else if (g.images.length === 0) {
      const refused = unusable(stemName, 'image');
      const why = refused
        ? `${refused} beside it cannot be used, see its own entry`
        : `expected an image named ${stemName}.png, .jpg, .dcm, ... beside it`;
      for (const report of g.reports) skips.push(fileSkip(listing, report, `${NO_IMAGE} (${why})`));
    } else if (g.reports.length > 1) {
      const reason = `several reports share the stem "${stemName}" (${g.reports.join(', ')}); keep only one`;
      for (const name of [...g.images, ...g.reports]) skips.push(fileSkip(listing, name, reason));
    } else {
      const id = joinId(listing.rel, stemName);
      candidates.push(treeCandidate(id, 'stem', `stem pair ${id}`, listing, g.images, listing, g.reports[0]));
    }
  }
}

/** Names the walk saw but could not list (a symlink leading outside, a FIFO), by stem: a missing partner may be one. */
function unusableByStem(listing: FolderListing): Map<string, string[]> | undefined {
  if (!listing.unlisted) return undefined;
  const byStem = new Map<string, string[]>();
  for (const name of [...listing.unlisted].sort()) {
    const list = byStem.get(stemOf(name));
    if (list) list.push(name);
    else byStem.set(stemOf(name), [name]);
  }
  return byStem;
}
