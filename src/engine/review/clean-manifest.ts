// The rows of a clean export in its three forms: manifest.csv, manifest.jsonl and R2Gen's
// annotation.json. Column names are chosen so that `radalign score --manifest` reads them back
// (manifest-columns.ts: `images`, `report`, `report_path`, `split`) and no review column is taken
// for an image, report or id column. Docs: docs/clean-export.md.
import { stringify } from 'csv-stringify/sync';
import { manifestRowLabel } from '../report-origin';
import { neutraliseFormula } from './review-export';
import type { PairOutcome, PairReview } from './review-index';

export interface CleanRow {
  id: string;
  /** Relative to the dataset folder. */
  images: string[];
  report: string;
  /** The report file, relative to the dataset folder; null when the text was inline in a manifest. */
  reportPath: string | null;
  split: string | null;
  outcome: PairOutcome;
  action: 'kept' | 're-paired';
  /** The pair whose report the row carries (its own id unless re-paired). */
  reportOf: string;
  reviewers: { reviewer: string; verdict: string; reason: string | null }[];
  adjudication: { reviewer: string; verdict: string; reason: string | null } | null;
}

export const CSV_COLUMNS = [
  'id',
  'images',
  'report',
  'report_path',
  'split',
  'review_outcome',
  'action',
  'report_of',
  'verdicts',
  'adjudication',
] as const;

export function csvHeader(): string {
  return stringify([[...CSV_COLUMNS]]);
}

/** One CSV line; every text cell neutralised against spreadsheet formulas (review-export.ts). */
export function csvLine(row: CleanRow): string {
  const judged = (j: { reviewer: string; verdict: string; reason: string | null }) =>
    `${j.reviewer}:${j.verdict}${j.reason ? `(${j.reason})` : ''}`;
  const cells = [
    row.id,
    row.images.join(';'),
    row.report,
    row.reportPath ?? '',
    row.split ?? '',
    row.outcome,
    row.action,
    row.reportOf,
    row.reviewers.map(judged).join(';'),
    row.adjudication ? judged(row.adjudication) : '',
  ];
  return stringify([cells.map(neutraliseFormula)]);
}

export function jsonlLine(row: CleanRow): string {
  return (
    JSON.stringify({
      id: row.id,
      images: row.images,
      report: row.report,
      report_path: row.reportPath,
      split: row.split,
      review_outcome: row.outcome,
      action: row.action,
      report_of: row.reportOf,
      verdicts: row.reviewers,
      adjudication: row.adjudication,
    }) + '\n'
  );
}

/** R2Gen's entry: {id, report, image_path, split}; image paths relative to the dataset folder. */
export function annotationEntry(row: CleanRow, split: R2GenSplit): string {
  return JSON.stringify({ id: row.id, report: row.report, image_path: row.images, split });
}

export const R2GEN_SPLITS = ['train', 'val', 'test'] as const;
export type R2GenSplit = (typeof R2GEN_SPLITS)[number];

/** R2Gen's split name for a manifest split, or undefined for one R2Gen has no array for. */
export function r2genSplit(split: string | null | undefined): R2GenSplit | undefined {
  switch (split?.toLowerCase()) {
    case 'train':
    case 'training':
      return 'train';
    case 'val':
    case 'valid':
    case 'validation':
    case 'dev':
      return 'val';
    case 'test':
    case 'testing':
      return 'test';
    default:
      return undefined;
  }
}

/**
 * Whether a pair's manifest row (PairResult.reportRow) says it came from an R2Gen annotation file.
 * The results do not record the layout; discovery labels inline text `<file>#<split> row N` only
 * for a JSON file of train/val/test arrays, which is exactly what it reads as the r2gen layout
 * (manifest-file.ts). A pair with a report file (reportRow null) is not from one.
 */
export function isR2GenOrigin(reportRow: string | null): boolean {
  const label = reportRow === null ? undefined : manifestRowLabel(reportRow);
  return (
    label?.split !== undefined &&
    label.manifest.toLowerCase().endsWith('.json') &&
    r2genSplit(label.split) !== undefined
  );
}

/** The review columns of a row, from the pair's review. */
export function reviewColumns(review: PairReview | undefined): Pick<CleanRow, 'reviewers' | 'adjudication'> {
  return {
    reviewers: (review?.verdicts ?? []).map((v) => ({ reviewer: v.reviewer, verdict: v.verdict!, reason: v.reason })),
    adjudication: review?.adjudication
      ? {
          reviewer: review.adjudication.reviewer,
          verdict: review.adjudication.verdict!,
          reason: review.adjudication.reason,
        }
      : null,
  };
}
