// One manifest row → one pair, or the reasons it is none. Every path the row names goes through
// the path gate (paths.ts locateDatasetFile): relative to the manifest's own folder first, then
// the dataset folder, never outside it.
import { extname, join, resolve } from 'node:path';
import type { ReportSource } from '../types';
import { REPORT_EXTENSIONS } from './file-kinds';
import type { Candidate, Skip } from './layouts/types';
import { type ManifestColumns, pickColumns } from './manifest-columns';
import type { ManifestRow } from './manifest-rows';
import { type DatasetRoot, type KnownFiles, isWithin, locateDatasetFile } from './paths';

/** Where images usually sit when a manifest names them by bare file name (R2Gen: `images/`). */
const IMAGE_SUBFOLDERS = ['images', 'image', 'imgs', 'img'];

/** What every row of one manifest file shares. */
export interface RowContext {
  root: DatasetRoot;
  /** The manifest file, absolute. */
  file: string;
  /** The walk's knowledge of the files it listed (spares a system call per path). */
  known?: KnownFiles;
  /** CSV/TSV: the header's columns; JSON/JSONL: undefined, each row's own keys are used. */
  columns?: ManifestColumns;
  bases: string[];
  fallbackBases: string[];
}

export function rowContext(root: DatasetRoot, file: string, manifestDir: string, known?: KnownFiles): RowContext {
  // Relative paths are read against the manifest's folder first, then the dataset root.
  const bases =
    isWithin(root.path, manifestDir) || isWithin(root.real, manifestDir) ? [manifestDir, root.path] : [root.path];
  const fallbackBases = [...bases, ...IMAGE_SUBFOLDERS.flatMap((sub) => bases.map((b) => join(b, sub)))];
  return { root, file, known, bases, fallbackBases };
}

/** The row's pair (with notes on images it could not use), or only the reasons it has none. */
export type RowOutcome = { candidate: Candidate; skips: Skip[] } | { candidate?: undefined; skips: Skip[] };

export async function rowPair(row: ManifestRow, c: RowContext): Promise<RowOutcome> {
  const where = c.file + `#${row.label}`; // one rope over the shared file name: a million rows keep one each
  const none = (...reasons: string[]): RowOutcome => ({ skips: reasons.map((reason) => ({ path: where, reason })) });
  const columns = c.columns ?? pickColumns(row.fields);
  if (!columns.images) return none('no image column in this row');
  const imageValues = splitImageList(row.fields.get(columns.images));
  if (imageValues.length === 0) return none(`no image path in column "${columns.images}"`);

  const folder = text(columns.imageFolder ? row.fields.get(columns.imageFolder) : undefined).trim();
  const folderBase =
    folder === '' ? [] : c.bases.map((b) => resolve(b, folder)).filter((b) => isWithin(c.root.path, b));
  const imageBases = [...folderBase, ...c.fallbackBases];
  const images: Array<{ path: string; key: string }> = [];
  const problems: string[] = [];
  for (const value of imageValues) {
    const file = await locateDatasetFile(c.root, value, imageBases, c.known);
    if (!file.ok) problems.push(`image ${file.reason}`);
    else if (!images.some((i) => i.path === file.path)) images.push({ path: file.path, key: file.real });
  }
  if (images.length === 0) return none(...problems);
  images.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  let samePaths = images.every((i) => i.key === i.path);

  const report = await rowReport(row, where, columns, c);
  if (typeof report === 'string') return none(...problems, report);
  if (report.kind === 'file') samePaths &&= report.real === report.path;

  const idValue = text(columns.id ? row.fields.get(columns.id) : undefined).trim();
  // Without an id column the first image, as written, names the pair: stable when rows move.
  const id = idValue !== '' ? idValue : idFromImage(imageValues[0]);
  const splitValue = text(columns.split ? row.fields.get(columns.split) : undefined).trim() || row.split;
  const source: ReportSource = report.kind === 'file' ? { kind: 'file', path: report.path } : report;
  const candidate: Candidate = {
    pair: { id, images: images.map((i) => i.path), report: source, layout: 'manifest' },
    where,
  };
  if (!samePaths) candidate.files = [...images.map((i) => i.key), ...(report.kind === 'file' ? [report.real] : [])];
  if (splitValue) candidate.pair.split = splitValue;
  // A row with one image missing of several is still a pair: the note says which image was left out.
  return {
    candidate,
    skips: problems.map((reason) => ({ path: where, reason: `${reason}; the row's other images are used` })),
  };
}

/** The row's report, or why it has none. */
async function rowReport(
  row: ManifestRow,
  where: string,
  columns: ManifestColumns,
  c: RowContext,
): Promise<{ kind: 'file'; path: string; real: string } | { kind: 'inline'; text: string; origin: string } | string> {
  const pathValue = text(columns.reportPath ? row.fields.get(columns.reportPath) : undefined).trim();
  if (pathValue !== '') {
    const found = await locateDatasetFile(c.root, pathValue, c.bases, c.known);
    return found.ok ? { kind: 'file', path: found.path, real: found.real } : `report ${found.reason}`;
  }
  const value = inlineReport(row, columns);
  if (value.trim() === '')
    return columns.reportPath || columns.reportText || columns.findings || columns.impression
      ? 'empty report'
      : 'no report column in this row';
  if (looksLikeReportPath(value)) {
    const found = await locateDatasetFile(c.root, value, c.bases, c.known);
    if (found.ok) return { kind: 'file', path: found.path, real: found.real };
    // A bare one-line "x.txt" that is missing is far likelier a broken path than a report.
    return `report ${found.reason}`;
  }
  return { kind: 'inline', text: value, origin: where };
}

/** The report text column, or FINDINGS + IMPRESSION composed with headings the report parser knows. */
function inlineReport(row: ManifestRow, columns: ManifestColumns): string {
  if (columns.reportText) {
    const value = text(row.fields.get(columns.reportText));
    if (value.trim() !== '' || (!columns.findings && !columns.impression)) return value;
  }
  const parts: string[] = [];
  const findings = text(columns.findings ? row.fields.get(columns.findings) : undefined).trim();
  const impression = text(columns.impression ? row.fields.get(columns.impression) : undefined).trim();
  if (findings) parts.push(`FINDINGS: ${findings}`);
  if (impression) parts.push(`IMPRESSION: ${impression}`);
  return parts.join('\n\n');
}

/** One line ending in .txt/.md with no spaces outside a path: a file name, not report prose. */
function looksLikeReportPath(value: string): boolean {
  const v = value.trim();
  return !/[\r\n]/.test(v) && REPORT_EXTENSIONS.has(extname(v).toLowerCase()) && (/[\\/]/.test(v) || !/\s/.test(v));
}

/** CSV cells hold several images as `a.png;b.png` or `a.png|b.png`; JSON may use an array. */
function splitImageList(value: unknown): string[] {
  const items = Array.isArray(value) ? value.map(text) : text(value).split(/[;|]/);
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

/** `./images\\case1.png` → `images/case1`. */
function idFromImage(value: string): string {
  const path = value.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  return path.slice(0, path.length - extname(path).length);
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}
