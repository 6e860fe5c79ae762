// Exports the review (verdicts, adjudications, sentence flags), joined with the scores the
// reviewers saw, as CSV or JSON.
import { stringify } from 'csv-stringify/sync';
import type { PairResult } from '../results';
import { reportName } from '../report-origin';
import { anchorFlag } from './anchor';
import { FLAG_REASON_LABELS, isLive, type ReviewEntry } from './types';

/**
 * The JSON export's format; version 1 (`flags`: pair and sentence flags) had no format field,
 * version 2 named the pair's cosine `pairScore` and the sentence's evidence `sentenceScore`.
 */
export const REVIEW_EXPORT_FORMAT = 'radalign-review-export/3';

export interface ExportRow {
  pair: string;
  /** verdict, adjudication or flag (a sentence flag). */
  kind: ReviewEntry['kind'];
  target: 'pair' | 'sentence';
  /** aligned / mismatched / unsure for verdicts and adjudications; empty for flags. */
  verdict: string;
  /** The flag's sentence in the saved results now (followed by its text), or null: a pair entry, or a flag whose sentence is gone. */
  sentence: number | null;
  /** A flag whose sentence is no longer in the report. */
  orphaned: boolean;
  sentenceText: string;
  reason: string;
  reasonLabel: string;
  note: string;
  useReportOf: string;
  reviewer: string;
  at: string;
  model: string;
  images: string;
  /** The pair's report file, or the manifest row that gave its text inline ("table.csv#row 3"). */
  report: string;
  /** PairResult.cosine. */
  pairCosine: number | null;
  suspicion: number | null;
  rank: number | null;
  /** SentenceResult.evidence of the flagged sentence. */
  sentenceEvidence: number | null;
}

/** Rows for the live entries (cleared verdicts and unflags left out), joined with the pairs' saved scores where given. */
export function exportRows(entries: readonly ReviewEntry[], pairs: PairResult[]): ExportRow[] {
  const byId = new Map(pairs.map((p) => [p.id, p]));
  return entries.filter(isLive).map((e) => {
    const p = byId.get(e.pair);
    const sentence = e.kind === 'flag' && p ? anchorFlag(e, p.sentences) : null;
    const s = sentence !== null ? p?.sentences[sentence] : undefined;
    return {
      pair: e.pair,
      kind: e.kind,
      target: e.kind === 'flag' ? 'sentence' : 'pair',
      verdict: e.kind === 'flag' ? '' : (e.verdict ?? ''),
      sentence,
      orphaned: e.kind === 'flag' && p !== undefined && sentence === null,
      sentenceText: e.kind === 'flag' ? (e.sentenceText ?? s?.text ?? '') : '',
      reason: e.reason ?? '',
      reasonLabel: e.reason ? FLAG_REASON_LABELS[e.reason] : '',
      note: e.note,
      useReportOf: e.kind !== 'flag' ? (e.useReportOf ?? '') : '',
      reviewer: e.reviewer,
      at: e.at,
      model: e.model,
      images: p?.images.join(';') ?? '',
      report: p ? reportName(p) : '',
      pairCosine: p?.cosine ?? null,
      suspicion: p?.suspicion ?? null,
      rank: p?.rank ?? null,
      sentenceEvidence: s?.evidence ?? null,
    };
  });
}

export function exportCsv(rows: ExportRow[]): string {
  const columns = [
    'pair',
    'kind',
    'target',
    'verdict',
    'sentence',
    'orphaned',
    'sentenceText',
    'reason',
    'reasonLabel',
    'note',
    'useReportOf',
    'reviewer',
    'at',
    'model',
    'images',
    'report',
    'pairCosine',
    'suspicion',
    'rank',
    'sentenceEvidence',
  ];
  return stringify(rows as unknown as Record<string, unknown>[], {
    header: true,
    columns,
    cast: { number: (n) => String(n), boolean: (b) => (b ? 'true' : 'false'), string: neutraliseFormula },
  });
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
  return (
    JSON.stringify({ format: REVIEW_EXPORT_FORMAT, exportedAt: new Date().toISOString(), entries: rows }, null, 2) +
    '\n'
  );
}
