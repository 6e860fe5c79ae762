// What the streaming manifest readers (manifest-csv.ts, -jsonl.ts, -json.ts) hand on: rows keyed
// by normalised column names, one at a time, so a manifest's memory is the rows kept, not the file.
import { type ParseError, parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';

export interface ManifestRow {
  /** For messages and Skipped paths: `row 3` (1 = first data row) or `train row 3`. */
  label: string;
  /** Values by normalised column name (see normaliseKey). */
  fields: Map<string, unknown>;
  /** The split a JSON `{train: [...], val: [...]}` file put the row under. */
  split?: string;
}

export type RowEvent =
  /** CSV/TSV: the header's normalised column names, before any row. */
  | { type: 'columns'; columns: Set<string> }
  | { type: 'row'; row: ManifestRow }
  /** A row that could not be read (a bad JSONL line, a JSON row that is not an object). */
  | { type: 'bad-row'; label: string; reason: string };

export interface RowSource {
  events: AsyncGenerator<RowEvent, void, undefined>;
  /** Bytes of the file consumed so far (to estimate how many rows a cap left unread). */
  bytesRead(): number;
  /** JSON only, known at the end: the file is an object of train/val/test arrays (R2Gen). */
  splitShaped(): boolean;
}

export type ManifestErrorKind = 'not-a-manifest' | 'malformed' | 'unreadable';

/** Thrown for a file that cannot be a manifest at all; the message names the problem, not the file. */
export class ManifestError extends Error {
  constructor(
    readonly kind: ManifestErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** `Image Path`, `image_path`, `IMAGE-PATH` → `imagepath`: lets column matching be liberal. */
export function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** An object's entries keyed by normalised name; the first of two keys that normalise alike wins. */
export function objectFields(value: Record<string, unknown>): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  for (const [key, v] of Object.entries(value)) {
    const k = normaliseKey(key);
    if (k !== '' && !fields.has(k)) fields.set(k, v);
  }
  return fields;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Where JSON.parse's rejection of `text` lies. Its own messages carry no position for some
 * errors on Node 20, so the (slower) jsonc-parser locates the first error; it only runs on text
 * already known to be bad.
 */
export function locateJsonError(text: string): { line: number; column: number; problem: string } {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length === 0) return { line: 1, column: 1, problem: 'not valid JSON' };
  const { error, offset } = errors[0];
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  // 'ValueExpected' → 'value expected'
  const problem = printParseErrorCode(error)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return { line, column, problem };
}
