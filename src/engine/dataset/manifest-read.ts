// Reads a manifest file (CSV/TSV, JSONL, JSON) into uniform rows keyed by normalised column
// names. Knows nothing about what the columns mean (see manifest-columns.ts).
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { type ParseError, parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import type { Skipped } from '../types';
import { errorCode } from './paths';

export interface ManifestRow {
  /** For messages and Skipped paths: `row 3` (1 = first data row) or `train row 3`. */
  label: string;
  /** Values by normalised column name (see normaliseKey). */
  fields: Map<string, unknown>;
  /** The split a JSON `{train: [...], val: [...]}` file put the row under. */
  split?: string;
}

export interface ManifestTable {
  file: string;
  /** Every normalised column name seen in any row. */
  columns: Set<string>;
  rows: ManifestRow[];
  /** A JSON object of split name → rows, as R2Gen's annotation.json. */
  splitShaped: boolean;
  /** Rows that could not be read (bad JSONL line, non-object row); the rest are still used. */
  problems: Skipped[];
}

/** Thrown for a file that cannot be a manifest at all; the message names the problem, not the file. */
export class ManifestError extends Error {}

/** `Image Path`, `image_path`, `IMAGE-PATH` → `imagepath`: lets column matching be liberal. */
export function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const SPLIT_NAMES = new Set(['train', 'training', 'val', 'valid', 'validation', 'dev', 'test', 'testing']);

export async function readManifest(file: string): Promise<ManifestTable> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ManifestError(`cannot read manifest (${errorCode(err)})`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const ext = extname(file).toLowerCase();
  const table: ManifestTable = { file, columns: new Set(), rows: [], splitShaped: false, problems: [] };
  if (ext === '.csv' || ext === '.tsv') readDelimited(text, ext === '.tsv' ? '\t' : ',', table);
  else if (ext === '.jsonl') readJsonLines(text, table);
  else if (ext === '.json') readJson(text, table);
  else throw new ManifestError(`unsupported manifest type "${ext}" (use .csv, .tsv, .jsonl or .json)`);
  for (const row of table.rows) for (const key of row.fields.keys()) table.columns.add(key);
  return table;
}

function readDelimited(text: string, delimiter: string, table: ManifestTable): void {
  let records: string[][];
  try {
    records = parseCsv(text, { delimiter, relax_column_count: true, skip_empty_lines: true });
  } catch (err) {
    throw new ManifestError(`malformed CSV: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (records.length === 0) throw new ManifestError('empty CSV (no header row)');
  const header = records[0].map(normaliseKey);
  records.slice(1).forEach((record, i) => {
    const fields = new Map<string, unknown>();
    header.forEach((key, col) => {
      // First column of a name wins; unnamed columns (a trailing comma) carry nothing.
      if (key !== '' && !fields.has(key) && col < record.length) fields.set(key, record[col]);
    });
    table.rows.push({ label: `row ${i + 1}`, fields });
  });
}

function readJsonLines(text: string, table: ManifestTable): void {
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const label = `row ${i + 1}`; // JSONL rows are numbered by line, which is what an editor shows
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      const where = locateJsonError(line);
      table.problems.push({ path: `${table.file}#${label}`, reason: `bad JSON at line ${i + 1}, column ${where.column}: ${where.problem}` });
      return;
    }
    addObjectRow(value, label, undefined, table);
  });
}

function readJson(text: string, table: ManifestTable): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const where = locateJsonError(text);
    throw new ManifestError(`bad JSON at line ${where.line}, column ${where.column}: ${where.problem}`);
  }
  if (Array.isArray(value)) {
    value.forEach((row, i) => addObjectRow(row, `row ${i + 1}`, undefined, table));
    return;
  }
  if (!isObject(value)) throw new ManifestError('JSON manifest must be an array of rows or an object holding arrays of rows');
  const arrays = Object.entries(value).filter((entry): entry is [string, unknown[]] => Array.isArray(entry[1]));
  if (arrays.length === 0) throw new ManifestError('JSON manifest holds no array of rows');
  table.splitShaped = arrays.every(([key]) => SPLIT_NAMES.has(key.toLowerCase()));
  if (!table.splitShaped && arrays.length > 1) {
    throw new ManifestError(`JSON manifest holds several arrays (${arrays.map(([k]) => k).join(', ')}) and they are not train/val/test splits`);
  }
  for (const [key, rows] of arrays) {
    const split = table.splitShaped ? key : undefined;
    rows.forEach((row, i) => addObjectRow(row, split ? `${split} row ${i + 1}` : `row ${i + 1}`, split, table));
  }
}

function addObjectRow(value: unknown, label: string, split: string | undefined, table: ManifestTable): void {
  if (!isObject(value)) {
    table.problems.push({ path: `${table.file}#${label}`, reason: 'row is not a JSON object' });
    return;
  }
  const fields = new Map<string, unknown>();
  for (const [key, v] of Object.entries(value)) {
    const k = normaliseKey(key);
    if (k !== '' && !fields.has(k)) fields.set(k, v);
  }
  table.rows.push({ label, fields, split });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Where JSON.parse's rejection lies. Its own messages carry no position for some errors on
 * Node 20, so the (slower) jsonc-parser locates the first error; it only runs on failed files.
 */
function locateJsonError(text: string): { line: number; column: number; problem: string } {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length === 0) return { line: 1, column: 1, problem: 'not valid JSON' };
  const { error, offset } = errors[0];
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  // 'ValueExpected' → 'value expected'
  const problem = printParseErrorCode(error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return { line, column, problem };
}
