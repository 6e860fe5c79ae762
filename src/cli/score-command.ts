// `radalign score`: progress on a terminal, then a table of the most suspicious pairs.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { scoreDataset, type ScoreResults } from '../engine';
import { saveResults } from '../engine/store/results-file';
import type { LayoutName } from '../engine/types';
import { bundledModelDir } from './default-model';
import { createProgressReporter } from './progress';
import { suspiciousTable } from './table';

export interface ScoreCommandOptions {
  model?: string;
  out?: string;
  save?: boolean;
  heatmaps?: string;
  top: number;
  cacheDir?: string;
  cache: boolean;
  layout: string;
  batchSize?: number;
  threads?: number;
  maxImagePixels?: number;
  maxReportBytes?: number;
  maxManifestRows?: number;
}

const LAYOUTS = ['auto', 'stem', 'study-folder', 'manifest', 'r2gen', 'mimic'];

/** Returns the process exit code: 0 when the run finished (skips included), 2 when it could not run or `--save` was refused. */
export async function runScore(folder: string, opts: ScoreCommandOptions): Promise<number> {
  const fail = (msg: string) => (console.error(`radalign: ${msg}`), 2);
  const root = resolve(folder);
  const st = await stat(root).catch(() => null);
  if (!st?.isDirectory()) return fail(`dataset folder not found: ${root}`);
  if (!LAYOUTS.includes(opts.layout)) return fail(`unknown layout "${opts.layout}" (expected one of ${LAYOUTS.join(', ')})`);
  const modelDir = opts.model ? resolve(opts.model) : bundledModelDir();
  if (!modelDir) return fail('this build carries no default model yet; pass --model <dir>');

  const progress = createProgressReporter(process.stderr);
  let results: ScoreResults;
  try {
    results = await scoreDataset(root, {
      modelDir,
      cacheDir: opts.cache ? (opts.cacheDir ? resolve(opts.cacheDir) : undefined) : null,
      heatmapDir: opts.heatmaps ? resolve(opts.heatmaps) : undefined,
      batchSize: opts.batchSize,
      threads: opts.threads,
      layout: opts.layout as LayoutName | 'auto',
      limits: { maxImagePixels: opts.maxImagePixels, maxReportBytes: opts.maxReportBytes, maxManifestRows: opts.maxManifestRows },
      onProgress: progress.update,
    });
  } catch (e) {
    progress.stop();
    return fail(e instanceof Error ? e.message : String(e));
  }
  progress.stop();

  if (opts.out) {
    const out = resolve(opts.out);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, JSON.stringify(results, null, 1) + '\n');
  }
  let savedTo: string | undefined;
  let saveFailed = false;
  if (opts.save) {
    try {
      savedTo = await saveResults(root, results);
    } catch (e) {
      saveFailed = true;
      console.error(`radalign: the results were not saved in the dataset folder: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const { run } = results;
  console.log(suspiciousTable(results.pairs, opts.top));
  console.log(
    `${results.pairs.length} pairs scored with ${results.model.id} in ${run.seconds.toFixed(1)} s ` +
      `(${run.imagesEncoded} images and ${run.textsEncoded} texts encoded, ${run.cache.hits} cache hits); ` +
      `${results.skipped.length} skipped.`,
  );
  if (results.skipped.length) {
    const shown = results.skipped.slice(0, 10);
    console.log(`Skipped:\n${shown.map((s) => `  ${s.path}: ${s.reason}`).join('\n')}`);
    if (results.skipped.length > shown.length) console.log(`  … and ${results.skipped.length - shown.length} more${opts.out ? ` (all in ${opts.out})` : ''}`);
  }
  if (run.cache.writeError) console.log(`Warning: ${run.cache.writeError}`);
  if (opts.out) console.log(`Results: ${resolve(opts.out)}`);
  if (savedTo) console.log(`Saved for review: ${savedTo}`);
  if (opts.heatmaps) console.log(`Heatmaps: ${resolve(opts.heatmaps)}`);
  return saveFailed ? 2 : 0;
}
