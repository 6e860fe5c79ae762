// `radalign` command line: a thin face over the engine.
import { Command, InvalidArgumentError } from 'commander';
import { writeSyntheticDataset } from '../sample/synthetic-dataset';
import type { CliOutcome } from './cli-outcome';
import { runFlag } from './flag-command';
import { runVerdict } from './verdict-command';
import { runReview } from './review-command';
import { runAssign } from './assign-command';
import { runMerge } from './merge-command';
import { runScore } from './score-command';
import { runExportClean } from './export-clean-command';
import { runInspectModel } from './inspect-model-command';
import { DEVICE_CHOICES, parseDeviceChoice } from '../engine/model/execution-providers';
import type { DeviceChoice } from '../engine/model/types';
import { LAYOUT_CHOICES } from '../engine/types';

function finish(outcome: CliOutcome): void {
  if (outcome.stdout) process.stdout.write(outcome.stdout);
  if (outcome.stderr) process.stderr.write(outcome.stderr);
  process.exitCode = outcome.code;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

function count(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
}

function device(v: string): DeviceChoice {
  try {
    return parseDeviceChoice(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

/** `K/N`, 0 ≤ K < N: with `--array=0-(N-1)`, `--shard $SLURM_ARRAY_TASK_ID/N` (or `$JOB_COMPLETION_INDEX/N`). */
function shard(v: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index < count))
    throw new InvalidArgumentError(`expected K/N with 0 ≤ K < N (e.g. 3/16), got "${v}"`);
  return { index, count };
}

/** Repeatable option: every value, in order. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const program = new Command();
program
  .name('radalign')
  .description('Radiology report–image alignment: score, rank and map report/image pairs with a CLIP model.');

program
  .command('score')
  .description('score every report/image pair in a dataset folder and rank the most suspicious')
  .argument('<folder>', 'dataset folder')
  .option(
    '--model <dir>',
    'model folder (model.json, or the Transformers.js/Optimum CLIP layout); default: the bundled model',
  )
  .option('--out <file>', 'write the full results as JSON')
  .option(
    '--save',
    'also save the results in <folder>/.radalign/, where the extension (and radalign flag) read them; the next --save run there rescores only the pairs that changed',
  )
  .option('--no-incremental', 'with --save, score every pair again even where nothing changed')
  .option(
    '--shard <K/N>',
    'score only the K-th of N parts of the pairs (0 ≤ K < N), for `radalign merge`; e.g. $SLURM_ARRAY_TASK_ID/N',
    shard,
  )
  .option('--shard-dir <dir>', 'with --shard: the folder, shared by every part, where the part is written')
  .option(
    '--device <name>',
    `where inference runs: ${DEVICE_CHOICES.join(', ')} (default cpu; falls back to cpu with a message)`,
    device,
  )
  .option('--heatmaps <dir>', 'write one heatmap overlay PNG per sentence')
  .option('--top <n>', 'rows of the table of most suspicious pairs', positiveInt, 10)
  .option('--cache-dir <dir>', 'embedding cache folder (default: the per-user cache, or $RADALIGN_CACHE_DIR)')
  .option('--no-cache', 'do not read or write the embedding cache')
  .option('--layout <name>', `dataset layout: ${LAYOUT_CHOICES.join(', ')}`, 'auto')
  .option(
    '--manifest <file>',
    'score only the pairs this manifest lists (CSV, JSONL, JSON or R2Gen annotation.json, e.g. from export-clean); its paths are read inside <folder>; not with --save',
  )
  .option('--batch-size <n>', 'images or texts per model run', positiveInt)
  .option('--threads <n>', 'inference threads', positiveInt)
  .option(
    '--max-image-pixels <n>',
    'skip images larger than this, in pixels (width × height), checked from the header (default 64000000)',
    positiveInt,
  )
  .option('--max-report-bytes <n>', 'skip reports larger than this, in bytes (default 1048576)', positiveInt)
  .option('--max-manifest-rows <n>', 'read at most this many rows of one manifest (default 2000000)', positiveInt)
  .action(async (folder: string, opts) => {
    process.exitCode = await runScore(folder, opts);
  });

program
  .command('merge')
  .description(
    'rank the parts written by `radalign score --shard K/N --shard-dir <dir>` together (equal to one run over the whole folder)',
  )
  .argument('<shard-dir>', 'the folder the parts were written to')
  .option('--out <file>', 'write the full results as JSON')
  .option('--save <folder>', 'save the results in <folder>/.radalign/ for review in VS Code')
  .option('--top <n>', 'rows of the table of most suspicious pairs', positiveInt, 10)
  .option('--threads <n>', 'threads for ranking', positiveInt)
  .action(async (shardDir: string, opts) => {
    process.exitCode = await runMerge(shardDir, opts);
  });

program
  .command('flag')
  .description(
    'flag a pair or one of its sentences (reason "none" unflags) in <folder>/.radalign/review.jsonl; prints the stored entry',
  )
  .argument('<folder>', 'dataset folder, scored with --save')
  .argument('<pair-id>', 'pair id as in the saved results')
  .argument('<reason>', 'wrong-study, laterality, finding-absent, finding-missing, wrong-view, other, or none')
  .option('--sentence <n>', "sentence index in the pair's report, from 0 (default: the whole pair)")
  .option('--note <text>', 'a note for the other reviewers')
  .option('--reviewer <name>', 'who flags (default: the git user name, else your OS user name)')
  .action(async (folder: string, pairId: string, reason: string, opts) =>
    finish(await runFlag(folder, pairId, reason, opts)),
  );

program
  .command('verdict')
  .description(
    "record a reviewer's verdict on a pair (none clears it) in <folder>/.radalign/review.jsonl; prints the stored entry",
  )
  .argument('<folder>', 'dataset folder, scored with --save')
  .argument('<pair-id>', 'pair id as in the saved results')
  .argument('<verdict>', 'aligned, mismatched, unsure, or none')
  .option(
    '--reason <reason>',
    'why it is mismatched: wrong-study, laterality, finding-absent, finding-missing, wrong-view, other',
  )
  .option(
    '--use-report-of <pair-id>',
    "mismatched: the pair whose report belongs to this pair's images (export-clean pairs them)",
  )
  .option('--note <text>', 'a note for the other reviewers')
  .option('--reviewer <name>', 'who judges (default: the git user name, else your OS user name)')
  .option('--adjudicate', 'record the verdict that settles the pair for everyone (reviewers disagreed)')
  .action(async (folder: string, pairId: string, verdict: string, opts) =>
    finish(await runVerdict(folder, pairId, verdict, opts)),
  );

program
  .command('review')
  .description(
    "the folder's current review (verdicts, adjudications, sentence flags), joined with the saved scores, in the export format; with --summary, where the review stands",
  )
  .argument('<folder>', 'dataset folder')
  .option(
    '--summary',
    'reviewed / total per reviewer and overall, progress through assigned shares, agreement (kappa, alpha) and open disagreements; needs saved results',
  )
  .option('--format <format>', 'json or csv (default json); with --summary, text or json (default text)')
  .option('--out <file>', 'write to this file instead of standard output')
  .action(async (folder: string, opts) => finish(await runReview(folder, opts)));

program
  .command('assign')
  .description(
    'split the scored pairs among reviewers by suspicion rank (a share reviewed twice, for agreement) into <folder>/.radalign/assignment.json; deterministic',
  )
  .argument('<folder>', 'dataset folder, scored with --save')
  .option('--reviewers <names>', '(required) reviewer names, separated by commas, e.g. ann,bob,cleo')
  .option('--overlap <share>', 'share of the pairs given to two reviewers, 0 to 1 (e.g. 0.1); default 0')
  .action(async (folder: string, opts) => finish(await runAssign(folder, opts)));

program
  .command('export-clean')
  .description(
    'write the pairs the review keeps (mismatched ones dropped or re-paired) as manifest.csv/.jsonl (and annotation.json for R2Gen) with clean-summary.json; the dataset folder is not modified',
  )
  .argument('<folder>', 'dataset folder, scored with --save')
  .option(
    '--out <dir>',
    '(required) folder to write to: outside the dataset folder, empty or holding an earlier clean export',
  )
  .option('--drop-unsure', 'leave out pairs judged unsure (default: kept)')
  .option('--keep-disagreed', 'keep pairs whose reviewers disagree and no adjudication settles (default: dropped)')
  .option('--reviewed-only', 'leave out pairs nobody reviewed (default: kept)')
  .action(async (folder: string, opts) => finish(await runExportClean(folder, opts)));

program
  .command('inspect-model')
  .description(
    "what a model makes of images and texts: each image's model-input tensor and embeddings (.npy), each text's token ids and embedding, in <out>/inspect.json; for checking an export against its library (tools/export/parity.py)",
  )
  .option('--model <dir>', 'model folder (default: the bundled model)')
  .option('--image <file>', 'an image file (repeat for more)', collect, [])
  .option('--images-from <file>', 'a file listing image paths, one per line')
  .option('--text <text>', 'a text (repeat for more)', collect, [])
  .option('--out <dir>', '(required) folder for inspect.json and the .npy files')
  .action(async (opts) => finish(await runInspectModel(opts)));

program
  .command('sample')
  .description(
    'write a synthetic dataset (radiograph-like images, reports, masks, planted mismatches) to try radalign on',
  )
  .argument('<folder>', 'where to write it (created)')
  .option('--pairs <n>', 'number of pairs', positiveInt, 40)
  .option('--swapped <n>', 'pairs whose report belongs to another case (default 5 %)', count)
  .option('--foreign <n>', "reports with another case's finding sentence inserted (default 5 %)", count)
  .option('--flipped <n>', 'reports whose finding sentence names the wrong side (default 5 %)', count)
  .option('--seed <n>', 'random seed', positiveInt, 1)
  .option('--layout <name>', 'stem or study-folder', 'stem')
  .action(async (folder: string, opts) => {
    const cases = await writeSyntheticDataset(folder, opts);
    const planted = (kind: string) =>
      cases
        .filter((c) => c.mismatch === kind)
        .map((c) => c.id)
        .join(', ') || 'none';
    console.log(
      `Wrote ${cases.length} pairs to ${folder}. Planted: swapped reports ${planted('swapped-report')}; ` +
        `foreign sentences ${planted('foreign-sentence')}; flipped sides ${planted('flipped-sentence')}. ` +
        `Ground truth and masks: .truth.json, .truth/.`,
    );
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`radalign: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 2;
});
