// Which files discovery looks at, by name alone.
import { extname } from 'node:path';

export const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.webp', '.dcm']);
export const REPORT_EXTENSIONS = new Set(['.txt', '.md']);
export const MANIFEST_EXTENSIONS = new Set(['.csv', '.tsv', '.jsonl', '.json']);

/** Folders that are never datasets: tool state, VCS, dependencies, macOS zip debris. */
const IGNORED_NAMES = new Set(['node_modules', '__MACOSX']);

/** Project paperwork that sits beside data but is never a report (`README.md`, `SOURCE_README.md`, `DATA-LICENSE.txt`). */
const PAPERWORK =
  /^(readme|license|licence|changelog|contributing|notice)([._-]|$)|(^|[._-])(readme|license|licence)([._-]|$)/i;

/** Hidden entries (`.radalign/`, `.git/`, `.DS_Store`) and ignored folders are never read. */
export function isIgnoredName(name: string): boolean {
  return name.startsWith('.') || IGNORED_NAMES.has(name);
}

export type FileKind = 'image' | 'report' | 'other';

/** Classifies by lower-cased extension; extension-less files are 'other' (not guessed to be DICOM). */
export function fileKind(name: string): FileKind {
  const ext = extname(name).toLowerCase();
  if (IMAGE_EXTENSIONS.has(ext)) return 'image';
  if (REPORT_EXTENSIONS.has(ext) && !PAPERWORK.test(name)) return 'report';
  return 'other';
}

/** `case17.PNG` → `case17`; only the last extension goes (`a.b.png` → `a.b`). */
export function stemOf(name: string): string {
  return name.slice(0, name.length - extname(name).length);
}

/** A report file named `report.txt` / `report.md` (any case) is a study folder's report by name. */
export function isNamedReport(name: string): boolean {
  return /^report\.(txt|md)$/i.test(name);
}

/** R2Gen's split file: read by the r2gen layout wherever it lies. */
export function isAnnotationFile(name: string): boolean {
  return name.toLowerCase() === 'annotation.json';
}

/**
 * Tables known by name not to be manifests: MIMIC-CXR's metadata, label and split tables and its
 * record lists (no report column). What they are, or null for any other name.
 */
export function knownNonManifest(name: string): string | null {
  const mimic = /^mimic-cxr-2\.\d+\.\d+-(metadata|chexpert|negbio|split)\.csv$/i.exec(name);
  if (mimic) return `MIMIC-CXR ${mimic[1].toLowerCase()} table`;
  if (/^cxr-(record|study)-list\.csv$/i.test(name)) return 'MIMIC-CXR file list';
  return null;
}
