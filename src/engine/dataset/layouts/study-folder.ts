// Study-folder layout: one folder per study, holding its images and `report.txt` (or `.md`, or
// the folder's only report). In auto mode a folder is one when it has `report.txt`, or images and
// reports none of which share a stem (else the stem layout reads it).
import { fileKind, isNamedReport, stemOf } from '../file-kinds';
import type { FolderListing } from '../walk';
import { NO_IMAGE, NO_REPORT, fileSkip, treeCandidate } from './tree-files';
import type { Candidate, Layout, Skip } from './types';

export const studyFolder: Layout = {
  name: 'study-folder',
  describes: 'a study folder',
  scope: 'folders',
  detect(listing, mode) {
    const { images, reports } = listing;
    if (mode === 'forced') return images.length > 0 || reports.length > 0;
    if (images.length === 0 || reports.length === 0) return false; // orphans: the stem layout lists them
    if (reports.some(isNamedReport)) return true;
    // Names the walk could not list count too: `case1.png` beside a `case1.txt` that links outside is a stem folder.
    const unlisted = [...(listing.unlisted ?? [])];
    const reportStems = new Set([...reports, ...unlisted.filter((n) => fileKind(n) === 'report')].map(stemOf));
    return ![...images, ...unlisted.filter((n) => fileKind(n) === 'image')].some((image) =>
      reportStems.has(stemOf(image)),
    );
  },
  async pairs(listings) {
    const candidates: Candidate[] = [];
    const skips: Skip[] = [];
    for (const listing of listings) studyPair(listing, candidates, skips);
    return { candidates, skips };
  },
  notFound: 'no study folder found (expected folders holding images and a report.txt)',
};

/** All images in the folder + `report.txt` (or `.md`), or the folder's only report. */
function studyPair(listing: FolderListing, candidates: Candidate[], skips: Skip[]): void {
  const { images, reports } = listing;
  const where = listing.rel === '' ? 'this study folder' : `study folder ${listing.rel}`;
  const all = (reason: string) => {
    for (const name of [...images, ...reports]) skips.push(fileSkip(listing, name, reason));
  };
  if (images.length === 0) {
    for (const report of reports) skips.push(fileSkip(listing, report, `${NO_IMAGE} (the folder holds no images)`));
    return;
  }
  if (reports.length === 0) {
    all(`${NO_REPORT}: ${where} has ${images.length} image(s) but no report.txt/.md`);
    return;
  }
  const named = reports.filter(isNamedReport);
  const chosen = named.length === 1 ? named[0] : reports.length === 1 ? reports[0] : undefined;
  if (chosen === undefined) {
    const why =
      named.length > 1
        ? `both ${named.join(' and ')}`
        : `several candidate reports (${reports.join(', ')}) and none named report.txt`;
    all(`${where} has ${why}; rename the right one to report.txt`);
    return;
  }
  for (const other of reports) {
    if (other !== chosen) skips.push(fileSkip(listing, other, `not used: ${chosen} is this study folder's report`));
  }
  const id = listing.rel === '' ? listing.name : listing.rel;
  candidates.push(treeCandidate(id, 'study-folder', `study folder ${id}`, listing, images, listing, chosen));
}
