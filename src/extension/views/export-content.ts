// What "Export review" writes: the session's flags joined with the scores, as CSV or JSON. Only
// the flagged pairs are read (a flag on a sentence needs its text and score).
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { PairResult } from '../../engine/results';
import { exportCsv, exportJson, exportRows, type ReviewEntry } from '../../engine/review';

export type ExportFormat = 'csv' | 'json';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'json'];

export function isExportFormat(v: unknown): v is ExportFormat {
  return typeof v === 'string' && (EXPORT_FORMATS as readonly string[]).includes(v);
}

/** The pairs the flags name that are in the results, each read once (unflagged pairs are not read). */
export async function readFlaggedPairs(flags: readonly ReviewEntry[], results: { pair(id: string): Promise<PairResult | undefined> }): Promise<PairResult[]> {
  const ids = [...new Set(flags.filter((f) => f.reason !== null).map((f) => f.pair))];
  const pairs: PairResult[] = [];
  for (const id of ids) {
    const pair = await results.pair(id);
    if (pair) pairs.push(pair);
  }
  return pairs;
}

export function exportContent(format: ExportFormat, flags: readonly ReviewEntry[], pairs: readonly PairResult[]): { text: string; rows: number } {
  const rows = exportRows([...flags], [...pairs]);
  return { text: format === 'csv' ? exportCsv(rows) : exportJson(rows), rows: rows.length };
}

/** Where the save dialog starts: in the dataset folder. */
export function defaultExportPath(folder: string, format: ExportFormat): string {
  return join(folder, `radalign-review.${format}`);
}

/** Atomic (temporary file + rename): a crash or a full disk never leaves half an export in place. */
export async function writeExport(target: string, text: string): Promise<void> {
  await writeFileAtomic(target, text, { encoding: 'utf8' });
}
