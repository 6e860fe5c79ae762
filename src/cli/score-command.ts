// `radalign score`: progress on a terminal, then a table of the most suspicious pairs; with
// `--shard K/N`, one part of a dataset scored for a later `radalign merge` (merge-command.ts).
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { scoreShard, scoreToStore, type ScoreOptions, type StoredResults } from '../engine';
import type { DeviceChoice } from '../engine/model/types';
import { writeResultsJson } from '../engine/results-store/results-json';
import { LAYOUT_CHOICES, type LayoutChoice } from '../engine/types';
import { bundledModelDir } from './default-model';
import { printFailure } from './cli-outcome';
import { createProgressReporter } from './progress';
import { intoResults, type SaveOutcome } from './results-target';
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
  /** Score only the pairs this manifest lists (a clean export's manifest, an annotation.json). */
  manifest?: string;
  batchSize?: number;
  threads?: number;
  device?: DeviceChoice;
  maxImagePixels?: number;
  maxReportBytes?: number;
  maxManifestRows?: number;
  shard?: { index: number; count: number };
  shardDir?: string;
  incremental: boolean;
}

/** Returns the process exit code: 0 when the run finished (skips included), 2 when it could not run or `--save` was refused. */
export async function runScore(folder: string, opts: ScoreCommandOptions): Promise<number> {
  const root = resolve(folder);
  const st = await stat(root).catch(() => null);
  if (!st?.isDirectory()) return printFailure(`dataset folder not found: ${root}`);
  if (!(LAYOUT_CHOICES as readonly string[]).includes(opts.layout))
    return printFailure(`unknown layout "${opts.layout}" (expected one of ${LAYOUT_CHOICES.join(', ')})`);
  if (opts.shard && !opts.shardDir)
    return printFailure('--shard needs --shard-dir <dir>, the folder (shared by every part) the parts are written to');
  if (opts.shardDir && !opts.shard) return printFailure('--shard-dir needs --shard K/N');
  if (opts.shard && (opts.out || opts.save))
    return printFailure(
      '--out and --save belong to `radalign merge`, which ranks the parts together; a part alone cannot be ranked',
    );
  let manifest: string | undefined;
  if (opts.manifest !== undefined) {
    // The saved results are the whole folder's: a subset would replace them, and the review's verdicts would point at pairs no longer there.
    if (opts.save)
      return printFailure(
        "--manifest scores only the pairs a manifest lists, and --save would replace the folder's saved results (the whole folder's, which the review refers to) with them; score with --out <file> instead",
      );
    manifest = await givenManifest(root, opts.manifest);
    if (manifest === undefined)
      return printFailure(`manifest not found: ${resolve(opts.manifest)} (nor ${resolve(root, opts.manifest)})`);
  }
  const modelDir = opts.model ? resolve(opts.model) : bundledModelDir();
  if (!modelDir) return printFailure('this build carries no default model yet; pass --model <dir>');

  const progress = createProgressReporter(process.stderr);
  const options: ScoreOptions = {
    modelDir,
    cacheDir: opts.cache ? (opts.cacheDir ? resolve(opts.cacheDir) : undefined) : null,
    heatmapDir: opts.heatmaps ? resolve(opts.heatmaps) : undefined,
    batchSize: opts.batchSize,
    threads: opts.threads,
    device: opts.device,
    layout: opts.layout as LayoutChoice,
    manifest,
    limits: {
      maxImagePixels: opts.maxImagePixels,
      maxReportBytes: opts.maxReportBytes,
      maxManifestRows: opts.maxManifestRows,
    },
    incremental: opts.incremental,
    onProgress: progress.update,
  };

  if (opts.shard) {
    try {
      const header = await scoreShard(root, resolve(opts.shardDir!), opts.shard, options);
      progress.stop();
      for (const note of header.run.device?.notes ?? []) console.error(`radalign: ${note}`);
      console.log(
        `Part ${opts.shard.index} of ${opts.shard.count}: pairs ${header.range.from + 1}–${header.range.to} of ${header.dataset.pairs} scored with ${header.model.id} ` +
          `in ${header.run.seconds.toFixed(1)} s (${header.files.count} written, ${header.skipped.length} files skipped) → ${resolve(opts.shardDir!)}.`,
      );
      console.log(
        `When every part is done: radalign merge ${resolve(opts.shardDir!)} --out <results.json> [--save ${root}]`,
      );
      return 0;
    } catch (e) {
      progress.stop();
      return printFailure(e instanceof Error ? e.message : String(e));
    }
  }

  // With --save the results are written straight into the dataset's .radalign (and the next run
  // there reuses unchanged pairs); without, into a temporary folder removed at the end.
  return intoResults(
    opts.save ? root : undefined,
    (location) => scoreToStore(root, location, { ...options, keep: !!opts.save }).finally(() => progress.stop()),
    (stored, saved) => report(stored, opts, saved),
  );
}

/**
 * The manifest the user named: relative to the working directory, as a command-line path is, or
 * else to the dataset folder; undefined when neither exists. Discovery gates it (a manifest inside
 * the folder that links outside is not read) and every path it names.
 */
async function givenManifest(root: string, manifest: string): Promise<string | undefined> {
  for (const candidate of [resolve(manifest), resolve(root, manifest)])
    if ((await stat(candidate).catch(() => null))?.isFile()) return candidate;
  return undefined;
}

/** Prints the table and the run's figures, writes `--out`; the exit code. Shared with `radalign merge`. */
export async function report(
  stored: StoredResults,
  opts: { out?: string; top: number; heatmaps?: string },
  saved: SaveOutcome,
): Promise<number> {
  const { run } = stored;
  for (const note of run.device?.notes ?? []) console.error(`radalign: ${note}`);
  if (saved.saveProblem)
    console.error(`radalign: the results were not saved in the dataset folder: ${saved.saveProblem}`);
  if (opts.out) {
    const out = resolve(opts.out);
    await mkdir(dirname(out), { recursive: true });
    await writeResultsJson(stored, out);
  }
  console.log(suspiciousTable(await stored.page(1, opts.top), opts.top));
  const reused = run.pairsReused ? `, ${run.pairsReused} pairs unchanged since the last run kept` : '';
  console.log(
    `${stored.count} pairs scored with ${stored.model.id} in ${run.seconds.toFixed(1)} s ` +
      `(${run.imagesEncoded} images and ${run.textsEncoded} texts encoded, ${run.cache.hits} cache hits${reused}); ` +
      `${stored.summary.skipped} skipped.`,
  );
  if (stored.summary.skipped) {
    const skipped = await stored.skipped();
    const shown = skipped.slice(0, 10);
    console.log(`Skipped:\n${shown.map((s) => `  ${s.path}: ${s.reason}`).join('\n')}`);
    if (skipped.length > shown.length)
      console.log(`  … and ${skipped.length - shown.length} more${opts.out ? ` (all in ${opts.out})` : ''}`);
  }
  if (run.cache.writeError) console.log(`Warning: ${run.cache.writeError}`);
  if (opts.out) console.log(`Results: ${resolve(opts.out)}`);
  if (saved.savedTo) console.log(`Saved for review: ${saved.savedTo}`);
  if (opts.heatmaps) console.log(`Heatmaps: ${resolve(opts.heatmaps)}`);
  return saved.saveProblem ? 2 : 0;
}
