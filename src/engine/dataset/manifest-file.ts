// Reads one manifest file (CSV/TSV, JSONL, JSON, annotation.json) into candidate pairs, streaming:
// rows are resolved as they arrive, a few dozen at a time, and no more than Limits.maxManifestRows
// are read. A file that turns out not to be a manifest (no image or report column, not rows at
// all) or that breaks partway is used not at all, as a whole, with the reason.
import { stat } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import type { Limits } from '../limits';
import type { Candidate, Skip } from './layouts/types';
import { columnProblem, pickColumns } from './manifest-columns';
import { csvRows } from './manifest-csv';
import { jsonRows } from './manifest-json';
import { jsonlRows } from './manifest-jsonl';
import { rowContext, rowPair } from './manifest-row';
import { ManifestError, type ManifestErrorKind, type ManifestRow, type RowSource } from './manifest-rows';
import { type DatasetRoot, type KnownFiles, errorCode } from './paths';

/** Rows resolved at once: enough to hide file-system latency, few enough to keep memory flat. */
const ROWS_IN_FLIGHT = 64;

/** Rows past the cap are still counted (not used) for this many more bytes; beyond, their number is estimated. */
const COUNT_PAST_CAP_BYTES = 4 * 1024 * 1024;

/** The column check waits for this many rows (JSON/JSONL, where each row names its own keys). */
const ROWS_TO_RECOGNISE = 100;

export type ManifestRead =
  | { ok: true; candidates: Candidate[]; skips: Skip[]; splitShaped: boolean }
  | { ok: false; kind: ManifestErrorKind; problem: string };

/** `known`: the walk's knowledge of the dataset's files, when the caller has walked it. */
export async function readManifestFile(
  root: DatasetRoot,
  file: string,
  limits: Pick<Limits, 'maxManifestRows'>,
  known?: KnownFiles,
): Promise<ManifestRead> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (err) {
    return { ok: false, kind: 'unreadable', problem: `cannot read manifest (${errorCode(err)})` };
  }
  const source = openRows(file);
  if (!source)
    return {
      ok: false,
      kind: 'not-a-manifest',
      problem: `unsupported manifest type "${extname(file)}" (use .csv, .tsv, .jsonl or .json)`,
    };
  const context = rowContext(root, file, dirname(file), known);

  const candidates: Candidate[] = [];
  const skips: Skip[] = [];
  const window = createWindow(ROWS_IN_FLIGHT);
  const resolveRow = (row: ManifestRow) =>
    window.run(async () => {
      try {
        const outcome = await rowPair(row, context);
        if (outcome.candidate) candidates.push(outcome.candidate);
        for (const skip of outcome.skips) skips.push(skip);
      } catch (err) {
        skips.push({ path: `${file}#${row.label}`, reason: `row cannot be read (${errorCode(err)})` });
      }
    });

  // Until the columns are known to name images and reports, rows wait here (JSON/JSONL only).
  let recognised = false;
  const waiting: ManifestRow[] = [];
  const seenColumns = new Set<string>();
  let rows = 0;
  let capBytes: number | undefined;
  let estimated: number | undefined;
  try {
    for await (const event of source.events) {
      if (event.type === 'columns') {
        const problem = columnProblem(pickColumns(event.columns));
        if (problem) return { ok: false, kind: 'not-a-manifest', problem };
        context.columns = pickColumns(event.columns);
        recognised = true;
        continue;
      }
      if (++rows > limits.maxManifestRows) {
        capBytes ??= source.bytesRead();
        const bytes = source.bytesRead();
        if (bytes - capBytes > COUNT_PAST_CAP_BYTES) {
          estimated = rows - limits.maxManifestRows + Math.round((size - bytes) / (bytes / rows));
          break;
        }
        continue;
      }
      if (event.type === 'bad-row') {
        skips.push({ path: `${file}#${event.label}`, reason: event.reason });
        continue;
      }
      if (recognised) {
        await resolveRow(event.row);
        continue;
      }
      waiting.push(event.row);
      for (const key of event.row.fields.keys()) seenColumns.add(key);
      if (columnProblem(pickColumns(seenColumns)) === null) {
        recognised = true;
        for (const row of waiting.splice(0)) await resolveRow(row);
      } else if (waiting.length >= ROWS_TO_RECOGNISE) break;
    }
  } catch (err) {
    await window.drain();
    if (err instanceof ManifestError) return { ok: false, kind: err.kind, problem: err.message };
    return { ok: false, kind: 'unreadable', problem: `cannot read manifest (${errorCode(err)})` };
  }
  await window.drain();
  if (!recognised) {
    if (rows === 0) return { ok: false, kind: 'not-a-manifest', problem: 'manifest has no rows' };
    // Not recognised means the columns seen so far lack an image or a report column.
    const problem = seenColumns.size === 0 ? 'no row is a JSON object' : columnProblem(pickColumns(seenColumns))!;
    return { ok: false, kind: 'not-a-manifest', problem };
  }
  if (rows > limits.maxManifestRows)
    skips.push(
      rowCapSkip(file, limits.maxManifestRows, estimated ?? rows - limits.maxManifestRows, estimated !== undefined),
    );
  if (rows === 0) skips.push({ path: file, reason: 'manifest has no rows' });
  const splitShaped = source.splitShaped();
  if (splitShaped) for (const c of candidates) c.pair.layout = 'r2gen';
  return { ok: true, candidates, skips, splitShaped };
}

function openRows(file: string): RowSource | null {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') return csvRows(file, ext === '.tsv' ? '\t' : ',');
  if (ext === '.jsonl') return jsonlRows(file);
  if (ext === '.json') return jsonRows(file);
  return null;
}

/** The one skip for the rows a cap left out: counted when they end soon after it, else estimated from the bytes left. */
function rowCapSkip(file: string, cap: number, left: number, estimated: boolean): Skip {
  const n = (v: number) => v.toLocaleString('en-US');
  const howMany = estimated
    ? `about ${n(left)} more rows (estimated from the file size) were not read`
    : `the other ${n(left)} rows were not used`;
  return {
    path: file,
    reason: `manifest has more rows than the limit maxManifestRows (${n(cap)}): only the first ${n(cap)} rows were read; ${howMany}; raise the limit with --max-manifest-rows`,
  };
}

/** Runs tasks with at most `max` in flight; `run` resolves once the task has started. */
function createWindow(max: number): { run(task: () => Promise<void>): Promise<void>; drain(): Promise<void> } {
  let active = 0;
  let wake: (() => void) | undefined;
  const settled = () => {
    active--;
    const w = wake;
    wake = undefined;
    w?.();
  };
  return {
    async run(task) {
      while (active >= max) await new Promise<void>((r) => (wake = r));
      active++;
      void task().finally(settled);
    },
    async drain() {
      while (active > 0) await new Promise<void>((r) => (wake = r));
    },
  };
}
