// Manifest layout: turns the rows of a CSV/JSONL/JSON manifest (or R2Gen's annotation.json)
// into pairs, resolving every path it names safely inside the dataset folder.
import { dirname, extname, join, resolve } from 'node:path';
import type { LayoutName, Pair, ReportSource, Skipped } from '../types';
import { REPORT_EXTENSIONS } from './file-kinds';
import { type Limiter, mapLimited } from './limiter';
import { type ManifestColumns, columnProblem, pickColumns } from './manifest-columns';
import { type ManifestRow, type ManifestTable, ManifestError, readManifest } from './manifest-read';
import { type DatasetRoot, isWithin, resolveDatasetFile } from './paths';

/** Where images usually sit when a manifest names them by bare file name (R2Gen: `images/`). */
const IMAGE_SUBFOLDERS = ['images', 'image', 'imgs', 'img'];

export type ManifestLoad = { ok: true; table: ManifestTable; columns: ManifestColumns } | { ok: false; problem: string };

/** Reads a file and checks it names images and reports; `problem` explains why not. */
export async function loadManifest(file: string): Promise<ManifestLoad> {
  let table: ManifestTable;
  try {
    table = await readManifest(file);
  } catch (err) {
    if (err instanceof ManifestError) return { ok: false, problem: err.message };
    throw err;
  }
  const columns = pickColumns(table.columns);
  const problem = table.rows.length === 0 && table.problems.length === 0 ? 'manifest has no rows' : columnProblem(columns);
  return problem ? { ok: false, problem } : { ok: true, table, columns };
}

/** Pairs for every usable row; each unusable row or missing/refused path becomes a Skipped. */
export async function manifestPairs(
  root: DatasetRoot,
  load: { table: ManifestTable; columns: ManifestColumns },
  layout: LayoutName,
  limit: Limiter,
  skipped: Skipped[],
): Promise<Pair[]> {
  const { table, columns } = load;
  skipped.push(...table.problems);
  const manifestDir = dirname(table.file);
  // Relative paths are read against the manifest's folder first, then the dataset root.
  const bases = isWithin(root.path, manifestDir) || isWithin(root.real, manifestDir) ? [manifestDir, root.path] : [root.path];
  const fallbackBases = [...bases, ...IMAGE_SUBFOLDERS.flatMap((sub) => bases.map((b) => join(b, sub)))];
  const context: RowContext = { root, table, columns, layout, bases, fallbackBases, limit, skipped };
  const pairs = await mapLimited(table.rows, limit, (row) => rowPair(row, context));
  return pairs.filter((p): p is Pair => p !== null);
}

interface RowContext {
  root: DatasetRoot;
  table: ManifestTable;
  columns: ManifestColumns;
  layout: LayoutName;
  bases: string[];
  fallbackBases: string[];
  limit: Limiter;
  skipped: Skipped[];
}

async function rowPair(row: ManifestRow, c: RowContext): Promise<Pair | null> {
  const where = `${c.table.file}#${row.label}`;
  const skip = (reason: string): null => {
    c.skipped.push({ path: where, reason });
    return null;
  };
  const imageValues = splitImageList(row.fields.get(c.columns.images!));
  if (imageValues.length === 0) return skip(`no image path in column "${c.columns.images}"`);

  const folder = text(c.columns.imageFolder ? row.fields.get(c.columns.imageFolder) : undefined).trim();
  const folderBase = folder === '' ? [] : c.bases.map((b) => resolve(b, folder)).filter((b) => isWithin(c.root.path, b));
  const imageBases = [...folderBase, ...c.fallbackBases];
  const images: string[] = [];
  for (const value of imageValues) {
    const found = await resolveDatasetFile(c.root, value, imageBases);
    if (found.ok) images.push(found.path);
    else c.skipped.push({ path: where, reason: `image ${found.reason}` });
  }
  if (images.length === 0) return null; // each image's problem is already recorded for this row

  const report = await rowReport(row, where, c);
  if (typeof report === 'string') return skip(report);

  const idValue = text(c.columns.id ? row.fields.get(c.columns.id) : undefined).trim();
  // Without an id column the first image, as written, names the pair: stable when rows move.
  const id = idValue !== '' ? idValue : idFromImage(imageValues[0]);
  const splitValue = text(c.columns.split ? row.fields.get(c.columns.split) : undefined).trim() || row.split;
  const pair: Pair = { id, images: [...new Set(images)].sort(), report, layout: c.layout };
  if (splitValue) pair.split = splitValue;
  return pair;
}

/** The row's report, or why it has none. */
async function rowReport(row: ManifestRow, where: string, c: RowContext): Promise<ReportSource | string> {
  const pathValue = text(c.columns.reportPath ? row.fields.get(c.columns.reportPath) : undefined).trim();
  if (pathValue !== '') {
    const found = await resolveDatasetFile(c.root, pathValue, c.bases);
    return found.ok ? { kind: 'file', path: found.path } : `report ${found.reason}`;
  }
  const value = inlineReport(row, c.columns);
  if (value.trim() === '') return 'empty report';
  if (looksLikeReportPath(value)) {
    const found = await resolveDatasetFile(c.root, value, c.bases);
    if (found.ok) return { kind: 'file', path: found.path };
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
