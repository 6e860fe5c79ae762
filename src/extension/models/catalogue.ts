// The model catalogue: known exports a user can download once into the extension's global
// storage. The bundled list (media/model-catalogue.json) describes them; a catalogue server
// (setting radalign.modelCatalogueUrl) supplies the files with their sizes and sha256. Entries are
// lists of plain files rather than archives: each file is resumed and verified on its own, and
// nothing needs unpacking (no archive paths to sanitise, no extra dependency).
import { posix } from 'node:path';
import { urlRefusal } from './download-url-policy';

export const CATALOGUE_FORMAT = 'radalign-model-catalogue/1';

export interface CatalogueFile {
  /** Path inside the model folder, '/'-separated (e.g. `vision.onnx`, `onnx/text_model.onnx`). */
  path: string;
  /** Bytes; required to download (progress, resume sanity). */
  size?: number;
  /** Lower-case hex; required to download. */
  sha256?: string;
  /** Absolute, or relative to the catalogue URL. Default: `<id>/<path>` relative to it. */
  url?: string;
}

export interface CatalogueEntry {
  id: string;
  name: string;
  description: string;
  /** What the weights' licence is believed to be, and what a user must verify. */
  licence: string;
  /** Approximate total size in bytes, shown while the files are not known. */
  approxSize?: number;
  /** How to make this folder yourself (tools/export). */
  export?: string;
  files: CatalogueFile[];
}

export interface Catalogue {
  entries: CatalogueEntry[];
}

export class CatalogueError extends Error {
  override name = 'CatalogueError';
  constructor(
    readonly source: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${source}: field '${field}' ${problem}`);
  }
}

/** Folder names under `<globalStorage>/models/`: no separators, no dots-only names. */
const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** Validates a parsed catalogue document; `source` (file or URL) names it in errors. */
export function parseCatalogue(doc: unknown, source: string): Catalogue {
  const err = (field: string, problem: string) => new CatalogueError(source, field, problem);
  if (!isObject(doc)) throw err('(root)', 'must be a JSON object');
  if (doc.format !== CATALOGUE_FORMAT) throw err('format', `must be "${CATALOGUE_FORMAT}"`);
  if (!Array.isArray(doc.models)) throw err('models', 'must be a list');
  const seen = new Set<string>();
  const entries = doc.models.map((m: unknown, i: number): CatalogueEntry => {
    const at = `models[${i}]`;
    if (!isObject(m)) throw err(at, 'must be an object');
    const id = m.id;
    if (typeof id !== 'string' || !ID.test(id))
      throw err(`${at}.id`, 'must be lower-case letters, digits, ".", "_" or "-" (at most 64)');
    if (seen.has(id)) throw err(`${at}.id`, `repeats "${id}"`);
    seen.add(id);
    const text = (key: string, required: boolean): string | undefined => {
      const v = m[key];
      if (v === undefined && !required) return undefined;
      if (typeof v !== 'string' || !v.trim()) throw err(`${at}.${key}`, 'must be a non-empty string');
      return v;
    };
    const approxSize = m.approxSize;
    if (approxSize !== undefined && !isSize(approxSize))
      throw err(`${at}.approxSize`, 'must be a whole number of bytes');
    const files = m.files ?? [];
    if (!Array.isArray(files)) throw err(`${at}.files`, 'must be a list');
    const paths = new Set<string>();
    return {
      id,
      name: text('name', true)!,
      description: text('description', true)!,
      licence: text('licence', true)!,
      ...(approxSize !== undefined ? { approxSize: approxSize as number } : {}),
      ...(m.export !== undefined ? { export: text('export', false)! } : {}),
      files: files.map((f: unknown, j: number) => {
        const file = parseFile(f, `${at}.files[${j}]`, err);
        if (paths.has(file.path)) throw err(`${at}.files[${j}].path`, `repeats "${file.path}"`);
        paths.add(file.path);
        return file;
      }),
    };
  });
  return { entries };
}

function parseFile(f: unknown, at: string, err: (field: string, problem: string) => CatalogueError): CatalogueFile {
  if (!isObject(f)) throw err(at, 'must be an object');
  const p = f.path;
  if (typeof p !== 'string' || !isSafeRelativePath(p))
    throw err(`${at}.path`, "must be a relative '/'-separated path inside the model folder");
  // Names the downloader uses itself (download.ts PART_SUFFIX, installed.ts MARKER_FILE).
  if (p.endsWith('.part') || p === '.radalign-download.json')
    throw err(`${at}.path`, `"${p}" is a name radalign uses for its own files`);
  if (f.size !== undefined && !isSize(f.size)) throw err(`${at}.size`, 'must be a whole number of bytes');
  if (f.sha256 !== undefined && (typeof f.sha256 !== 'string' || !SHA256.test(f.sha256)))
    throw err(`${at}.sha256`, 'must be 64 lower-case hex digits');
  if (f.url !== undefined && (typeof f.url !== 'string' || !f.url))
    throw err(`${at}.url`, 'must be a non-empty string');
  return {
    path: p,
    ...(f.size !== undefined ? { size: f.size as number } : {}),
    ...(f.sha256 !== undefined ? { sha256: f.sha256 as string } : {}),
    ...(f.url !== undefined ? { url: f.url as string } : {}),
  };
}

/**
 * The bundled entries, with what the server's catalogue says on top (same id: the server's fields
 * win, so it supplies the files); entries only the server knows come after.
 */
export function mergeCatalogues(bundled: Catalogue, server: Catalogue | undefined): Catalogue {
  if (!server) return bundled;
  const byId = new Map(server.entries.map((e) => [e.id, e]));
  const merged = bundled.entries.map((b) => {
    const s = byId.get(b.id);
    return s ? { ...b, ...s, files: s.files.length ? s.files : b.files } : b;
  });
  const known = new Set(bundled.entries.map((e) => e.id));
  return { entries: [...merged, ...server.entries.filter((e) => !known.has(e.id))] };
}

/** A file that can be fetched: its absolute URL, size and checksum are known. */
export interface DownloadableFile {
  path: string;
  url: string;
  size: number;
  sha256: string;
}

/**
 * The entry's files ready to fetch, or why not. Without a catalogue URL nothing is hosted, and
 * each file needs a size and a pinned sha256.
 */
export function downloadableFiles(
  entry: CatalogueEntry,
  catalogueUrl: string | undefined,
): { ok: true; files: DownloadableFile[] } | { ok: false; reason: string } {
  if (!catalogueUrl) return { ok: false, reason: 'no catalogue server is configured (radalign.modelCatalogueUrl)' };
  if (!entry.files.length) return { ok: false, reason: 'the catalogue lists no files for it' };
  const files: DownloadableFile[] = [];
  for (const f of entry.files) {
    if (f.size === undefined || f.sha256 === undefined)
      return { ok: false, reason: `the catalogue gives no size and sha256 for ${f.path}` };
    const url = new URL(f.url ?? `${entry.id}/${f.path}`, catalogueUrl).href;
    const refused = refusedUrl(url);
    if (refused) return { ok: false, reason: `${f.path}: ${refused}` };
    files.push({ path: f.path, url, size: f.size, sha256: f.sha256 });
  }
  return { ok: true, files };
}

/** Total bytes to download, else the approximate size, else undefined. */
export function entrySize(entry: CatalogueEntry): number | undefined {
  if (entry.files.length && entry.files.every((f) => f.size !== undefined))
    return entry.files.reduce((n, f) => n + f.size!, 0);
  return entry.approxSize;
}

/**
 * The catalogue document's URL for a setting: a URL ending in '/' names the folder holding
 * `catalogue.json`. Plain http only to this machine (a model folder is code that gets run, so it
 * must not be swappable on the way).
 */
export function catalogueDocumentUrl(setting: string): { ok: true; url: string } | { ok: false; reason: string } {
  const trimmed = setting.trim();
  let url: URL;
  try {
    url = new URL(trimmed.endsWith('/') ? `${trimmed}catalogue.json` : trimmed);
  } catch {
    return { ok: false, reason: `radalign.modelCatalogueUrl is not a URL: ${trimmed}` };
  }
  const refused = refusedUrl(url.href);
  return refused ? { ok: false, reason: `radalign.modelCatalogueUrl: ${refused}` } : { ok: true, url: url.href };
}

/** One rule for every URL a model comes from (download-url-policy.ts). */
function refusedUrl(href: string): string | undefined {
  return urlRefusal(new URL(href));
}

function isSafeRelativePath(p: string): boolean {
  if (!p || p.includes('\\') || p.includes('\0') || posix.isAbsolute(p) || /^[a-zA-Z]:/.test(p)) return false;
  return p.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

function isSize(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
