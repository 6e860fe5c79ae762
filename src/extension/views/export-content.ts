// What "Export review" writes: the review's live entries (every reviewer's verdicts, sentence
// flags, adjudications) joined with the scores, as CSV or JSON (rows: the engine's exportRows, the
// same as `radalign review --export`). Only the pairs the entries name are read (a flag on a
// sentence needs its text and evidence).
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { PairResult } from '../../engine/results';
import { exportCsv, exportJson, exportRows } from '../../engine/review/review-export';
import { isLive, type ReviewEntry } from '../../engine/review/types';

export type ExportFormat = 'csv' | 'json';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'json'];

export function isExportFormat(v: unknown): v is ExportFormat {
  return typeof v === 'string' && (EXPORT_FORMATS as readonly string[]).includes(v);
}

/** The pairs the live entries name that are in the results, each read once (pairs nobody reviewed are not read). */
export async function readFlaggedPairs(
  entries: readonly ReviewEntry[],
  results: { pair(id: string): Promise<PairResult | undefined> },
): Promise<PairResult[]> {
  const ids = [...new Set(entries.filter(isLive).map((e) => e.pair))];
  const pairs: PairResult[] = [];
  for (const id of ids) {
    const pair = await results.pair(id);
    if (pair) pairs.push(pair);
  }
  return pairs;
}

export function exportContent(
  format: ExportFormat,
  entries: readonly ReviewEntry[],
  pairs: readonly PairResult[],
): { text: string; rows: number } {
  const rows = exportRows([...entries], [...pairs]);
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
