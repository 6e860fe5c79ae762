// `radalign export-clean <folder> --out <dir>`: the pairs the review keeps, as manifests that
// `radalign score --manifest` reads back; prints what was kept, dropped (by reason) and re-paired,
// and the files written. Exit 0 once written; 2 with a message when nothing can be exported.
import { resolve } from 'node:path';
import { DROP_REASONS } from '../engine/review/clean-rules';
import {
  CleanExportNoResults,
  CleanExportRefused,
  exportClean,
  type ExportCleanOptions,
  type ExportCleanSummary,
} from '../engine/review/export-clean';
import { cliFailure, type CliOutcome, datasetFolder } from './cli-outcome';

export interface ExportCleanCommandOptions {
  out?: string;
  dropUnsure?: boolean;
  keepDisagreed?: boolean;
  reviewedOnly?: boolean;
}

export async function runExportClean(folder: string, opts: ExportCleanCommandOptions): Promise<CliOutcome> {
  if (opts.out === undefined)
    return cliFailure(
      '--out <dir> is required: the folder the clean export is written to (outside the dataset folder)',
    );
  const root = await datasetFolder(folder);
  if (typeof root !== 'string') return root;
  const options: ExportCleanOptions = {
    unsure: opts.dropUnsure ? 'drop' : 'keep',
    disagreed: opts.keepDisagreed ? 'keep' : 'drop',
    reviewedOnly: !!opts.reviewedOnly,
  };
  let summary: ExportCleanSummary;
  try {
    summary = await exportClean(root, resolve(opts.out), options);
  } catch (e) {
    if (
      e instanceof CleanExportRefused ||
      e instanceof CleanExportNoResults ||
      (e as Error).name === 'RefusedPathError'
    )
      return cliFailure((e as Error).message);
    throw e;
  }
  const stderr = summary.review.problems.map((p) => `radalign: warning: ${p}\n`).join('');
  return { code: 0, stdout: describe(summary), stderr };
}

function describe(s: ExportCleanSummary): string {
  const c = s.counts;
  const by = (counts: Record<string, number>) =>
    Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
  const lines = [
    `Clean export of ${s.dataset}: ${c.pairs} pairs in the saved results (model ${s.source.model}, scored ${s.source.scoredAt}).`,
    `  kept:      ${c.kept}${c.kept ? ` (${by(c.keptBy)})` : ''}`,
    `  re-paired: ${c.rePaired}`,
    `  dropped:   ${c.dropped}${c.dropped ? ` (${by(Object.fromEntries(DROP_REASONS.map((r) => [r, c.droppedBy[r]])))})` : ''}`,
  ];
  for (const d of s.dropped.filter((x) => x.reason === 're-pair-refused').slice(0, 5))
    lines.push(`  ${d.id}: not re-paired: ${d.detail}`);
  if (s.annotationLeftOut.length)
    lines.push(
      `  ${s.annotationLeftOut.length} pairs without a train/val/test split are in the manifests but not in annotation.json`,
    );
  if (s.review.pairsNotInResults)
    lines.push(`  ${s.review.pairsNotInResults} reviewed pairs are not in the saved results (left out)`);
  lines.push(`Written to ${s.outDir}:`, ...s.files.map((f) => `  ${f}`));
  lines.push(
    `Read back: radalign score ${s.dataset} --manifest ${resolve(s.outDir, 'manifest.csv')} --out <results.json>`,
  );
  return lines.join('\n') + '\n';
}
