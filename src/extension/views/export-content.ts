// What "Export review" writes: the session's flags joined with the scores, as CSV or JSON.
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { PairResult } from '../../engine/results';
import { exportCsv, exportJson, exportRows, type ReviewEntry } from '../../engine/review';

export type ExportFormat = 'csv' | 'json';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'json'];

export function isExportFormat(v: unknown): v is ExportFormat {
  return typeof v === 'string' && (EXPORT_FORMATS as readonly string[]).includes(v);
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
