// MIMIC-CXR: pNN/pNNNNNNNN/sNNNNNNNN.txt beside the folder sNNNNNNNN/ of images (.jpg in
// MIMIC-CXR-JPG, .dcm in MIMIC-CXR), wherever the tree holds it (`files/` at the top, or
// `mimic-cxr-jpg/files/` deeper). Pair id = pNNNNNNNN/sNNNNNNNN.
//
// Detection is by names alone on the walk's listings (a patient folder pNNNNNNNN inside a group
// folder pNN, holding sNNNNNNNN.txt reports or sNNNNNNNN/ folders), so the 227,000 studies of the
// full dataset cost no system call beyond the one walk. A study folder that is a symlink is not
// entered (the walk never enters folder links); its report is skipped saying so.
import { type FolderListing, childPath } from '../walk';
import { NO_IMAGE, NO_REPORT, fileSkip, treeCandidate } from './tree-files';
import type { Candidate, Layout, LayoutContext, Skip } from './types';

const GROUP = /^p\d{2}$/;
const PATIENT = /^p\d+$/;
const STUDY = /^s\d+$/;
const STUDY_REPORT = /^s\d+\.txt$/;

export const mimic: Layout = {
  name: 'mimic',
  describes: 'a MIMIC-CXR study',
  scope: 'folders',
  detect: (listing) =>
    isPatient(listing) || (STUDY.test(listing.name) && listing.parent !== undefined && isPatient(listing.parent)),
  async pairs(listings, ctx) {
    const candidates: Candidate[] = [];
    const skips: Skip[] = [];
    for (const listing of listings) if (isPatient(listing)) patientPairs(listing, ctx, candidates, skips);
    return { candidates, skips };
  },
  notFound:
    'no MIMIC-CXR structure found (expected pNN/pNNNNNNNN/sNNNNNNNN.txt beside folders sNNNNNNNN/, as in files/)',
};

function isPatient(listing: FolderListing): boolean {
  if (!listing.parent || !PATIENT.test(listing.name) || !GROUP.test(listing.parent.name)) return false;
  return (
    listing.reports.some((n) => STUDY_REPORT.test(n)) ||
    listing.folders.some((n) => STUDY.test(n)) ||
    listing.folderLinks.some((n) => STUDY.test(n))
  );
}

function patientPairs(patient: FolderListing, ctx: LayoutContext, candidates: Candidate[], skips: Skip[]): void {
  const reports = new Set<string>();
  for (const name of patient.reports) {
    if (STUDY_REPORT.test(name)) reports.add(name.slice(0, -4));
    else
      skips.push(
        fileSkip(
          patient,
          name,
          'not used: a MIMIC-CXR patient folder holds only sNNNNNNNN.txt reports and sNNNNNNNN/ image folders',
        ),
      );
  }
  for (const name of patient.images) {
    skips.push(
      fileSkip(
        patient,
        name,
        `${NO_REPORT}: a MIMIC-CXR patient folder holds images only inside its sNNNNNNNN/ study folders`,
      ),
    );
  }
  const linked = new Set(patient.folderLinks.filter((n) => STUDY.test(n)));
  for (const study of patient.folders) {
    if (!STUDY.test(study)) continue; // not part of the layout: the layouts after it read that folder
    const folder = ctx.tree.byDir.get(childPath(patient.dir, study));
    if (!folder) continue; // unreadable: the walk listed it
    for (const name of folder.reports) {
      skips.push(
        fileSkip(
          folder,
          name,
          `not used: in MIMIC-CXR a study's report is ${study}.txt beside its folder ${study}/, not inside it`,
        ),
      );
    }
    if (!reports.has(study)) {
      for (const name of folder.images)
        skips.push(fileSkip(folder, name, `${NO_REPORT} (expected ${study}.txt beside the study folder ${study}/)`));
      continue;
    }
    reports.delete(study);
    if (folder.images.length === 0) {
      skips.push(fileSkip(patient, `${study}.txt`, `${NO_IMAGE} (its folder ${study}/ holds no images)`));
      continue;
    }
    const id = `${patient.name}/${study}`;
    candidates.push(
      treeCandidate(id, 'mimic', `MIMIC-CXR study ${id}`, folder, folder.images, patient, `${study}.txt`),
    );
  }
  for (const study of reports) {
    const why = linked.has(study)
      ? `its image folder ${study}/ is a symlink, which discovery does not follow`
      : `expected images in folder ${study}/`;
    skips.push(fileSkip(patient, `${study}.txt`, `${NO_IMAGE} (${why})`));
  }
}
