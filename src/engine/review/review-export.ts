// Exports flags, joined with the scores the reviewer saw, as CSV or JSON.
import { stringify } from 'csv-stringify/sync';
import type { PairResult } from '../results';
import { FLAG_REASON_LABELS, type ReviewEntry } from './types';

export interface ExportRow {
  pair: string;
  target: 'pair' | 'sentence';
  sentence: number | null;
  sentenceText: string;
  reason: string;
  reasonLabel: string;
  note: string;
  reviewer: string;
  at: string;
  model: string;
  images: string;
  report: string;
  pairScore: number | null;
  suspicion: number | null;
  rank: number | null;
  sentenceScore: number | null;
}

export function exportRows(flags: ReviewEntry[], pairs: PairResult[]): ExportRow[] {
  const byId = new Map(pairs.map((p) => [p.id, p]));
  return flags
    .filter((f) => f.reason !== null)
    .map((f) => {
      const p = byId.get(f.pair);
      const s = f.sentence !== null ? p?.sentences[f.sentence] : undefined;
      return {
        pair: f.pair,
        target: f.sentence === null ? 'pair' : 'sentence',
        sentence: f.sentence,
        sentenceText: f.sentenceText ?? s?.text ?? '',
        reason: f.reason!,
        reasonLabel: FLAG_REASON_LABELS[f.reason!],
        note: f.note,
        reviewer: f.reviewer,
        at: f.at,
        model: f.model,
        images: p?.images.join(';') ?? '',
        report: p?.report ?? '',
        pairScore: p?.score ?? null,
        suspicion: p?.suspicion ?? null,
        rank: p?.rank ?? null,
        sentenceScore: s?.score ?? null,
      };
    });
}

export function exportCsv(rows: ExportRow[]): string {
  const columns = ['pair', 'target', 'sentence', 'sentenceText', 'reason', 'reasonLabel', 'note', 'reviewer', 'at', 'model', 'images', 'report', 'pairScore', 'suspicion', 'rank', 'sentenceScore'];
  return stringify(rows as unknown as Record<string, unknown>[], { header: true, columns, cast: { number: (n) => String(n), string: neutraliseFormula } });
}

/**
 * Text cells come from the dataset and from reviewers' notes; a spreadsheet reads a cell that
 * starts with `=`, `+`, `-`, `@` (or a tab or carriage return before one) as a formula, e.g. a pair
 * id `=HYPERLINK(…)`. Such cells get a leading `'`, the usual rule (OWASP "CSV injection").
 * Numbers are written by us and left as they are.
 */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function exportJson(rows: ExportRow[]): string {
  return JSON.stringify({ exportedAt: new Date().toISOString(), flags: rows }, null, 2) + '\n';
}
