// Which manifest columns mean what. Names are compared normalised (lower-case, letters and
// digits only), so `image_path`, `Image Path` and `imagePath` are the same column.
// Earlier names win when a manifest has several of one kind.

const ID = ['id', 'studyid', 'uid', 'caseid', 'pairid'];
const IMAGES = [
  'imagepaths',
  'imagepath',
  'images',
  'image',
  'imagefiles',
  'imagefile',
  'filenames',
  'filename',
  'files',
  'file',
  'paths',
  'path',
  'img',
];
/** A folder column (covid-chestxray's `folder`) is joined in front of a relative image path. */
const IMAGE_FOLDER = ['imagefolder', 'imagedir', 'folder', 'dir', 'directory'];
const REPORT_PATH = ['reportpath', 'reportfile', 'reportfilename', 'reportpaths'];
/** `clinical_notes`/`notes`: case-report collections (covid-chestxray) keep the text there. */
const REPORT_TEXT = ['report', 'reporttext', 'reports', 'text', 'clinicalnotes', 'notes', 'note'];
// Not `finding` (singular): covid-chestxray uses it for the diagnosis label, not report text.
const FINDINGS = ['findings'];
const IMPRESSION = ['impression', 'impressions'];
const SPLIT = ['split', 'subset'];

export interface ManifestColumns {
  id?: string;
  images?: string;
  imageFolder?: string;
  reportPath?: string;
  reportText?: string;
  findings?: string;
  impression?: string;
  split?: string;
}

/** `columns`: a CSV header's names, or one JSON row's keys (a Map), normalised. */
export function pickColumns(columns: { has(name: string): boolean }): ManifestColumns {
  const first = (names: string[]) => names.find((n) => columns.has(n));
  return {
    id: first(ID),
    images: first(IMAGES),
    imageFolder: first(IMAGE_FOLDER),
    reportPath: first(REPORT_PATH),
    reportText: first(REPORT_TEXT),
    findings: first(FINDINGS),
    impression: first(IMPRESSION),
    split: first(SPLIT),
  };
}

export function hasReportColumn(c: ManifestColumns): boolean {
  return Boolean(c.reportPath || c.reportText || c.findings || c.impression);
}

/** Why a table is not usable as a manifest, or null when it is. */
export function columnProblem(c: ManifestColumns): string | null {
  if (!c.images) return `no image column (expected one of: image, images, image_path, image_paths, filename, path)`;
  if (!hasReportColumn(c))
    return `no report column (expected one of: report, report_text, text, findings, impression, clinical_notes, report_path, report_file)`;
  return null;
}
