// `radalign` command line: a thin face over the engine.
import { Command, InvalidArgumentError } from 'commander';
import { writeSyntheticDataset } from '../sample/synthetic-dataset';
import type { CliOutcome } from './cli-outcome';
import { runFlag } from './flag-command';
import { runReview } from './review-command';
import { runScore } from './score-command';

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

const program = new Command();
program.name('radalign').description('Radiology report–image alignment: score, rank and map report/image pairs with a CLIP model.');

program
  .command('score')
  .description('score every report/image pair in a dataset folder and rank the most suspicious')
  .argument('<folder>', 'dataset folder')
  .option('--model <dir>', 'model folder (model.json, or the Transformers.js/Optimum CLIP layout); default: the bundled model')
  .option('--out <file>', 'write the full results as JSON')
  .option('--save', "also save the results in <folder>/.radalign/results.json, where the extension (and radalign flag) read them")
  .option('--heatmaps <dir>', 'write one heatmap overlay PNG per sentence')
  .option('--top <n>', 'rows of the table of most suspicious pairs', positiveInt, 10)
  .option('--cache-dir <dir>', 'embedding cache folder (default: the per-user cache, or $RADALIGN_CACHE_DIR)')
  .option('--no-cache', 'do not read or write the embedding cache')
  .option('--layout <name>', 'dataset layout: auto, stem, study-folder, manifest, r2gen, mimic', 'auto')
  .option('--batch-size <n>', 'images or texts per model run', positiveInt)
  .option('--threads <n>', 'inference threads', positiveInt)
  .option('--max-image-pixels <n>', 'skip images larger than this, in pixels (width × height), checked from the header (default 64000000)', positiveInt)
  .option('--max-report-bytes <n>', 'skip reports larger than this, in bytes (default 1048576)', positiveInt)
  .option('--max-manifest-rows <n>', 'read at most this many rows of one manifest (default 2000000)', positiveInt)
  .action(async (folder: string, opts) => {
    process.exitCode = await runScore(folder, opts);
  });

program
  .command('flag')
  .description('flag a pair or one of its sentences (reason "none" unflags) in <folder>/.radalign/review.jsonl; prints the stored entry')
  .argument('<folder>', 'dataset folder, scored with --save')
  .argument('<pair-id>', 'pair id as in the saved results')
  .argument('<reason>', 'wrong-study, laterality, finding-absent, finding-missing, wrong-view, other, or none')
  .option('--sentence <n>', "sentence index in the pair's report, from 0 (default: the whole pair)")
  .option('--note <text>', 'a note for the other reviewers')
  .option('--reviewer <name>', 'who flags (default: your OS user name)')
  .action(async (folder: string, pairId: string, reason: string, opts) => finish(await runFlag(folder, pairId, reason, opts)));

program
  .command('review')
  .description("the folder's current flags, joined with the saved scores, in the export format")
  .argument('<folder>', 'dataset folder')
  .option('--format <format>', 'json or csv', 'json')
  .option('--out <file>', 'write to this file instead of standard output')
  .action(async (folder: string, opts) => finish(await runReview(folder, opts)));

program
  .command('sample')
  .description('write a synthetic dataset (radiograph-like images, reports, masks, planted mismatches) to try radalign on')
  .argument('<folder>', 'where to write it (created)')
  .option('--pairs <n>', 'number of pairs', positiveInt, 40)
  .option('--swapped <n>', 'pairs whose report belongs to another case (default 5 %)', count)
  .option('--foreign <n>', "reports with another case's finding sentence inserted (default 5 %)", count)
  .option('--flipped <n>', 'reports whose finding sentence names the wrong side (default 5 %)', count)
  .option('--seed <n>', 'random seed', positiveInt, 1)
  .option('--layout <name>', 'stem or study-folder', 'stem')
  .action(async (folder: string, opts) => {
    const cases = await writeSyntheticDataset(folder, opts);
    const planted = (kind: string) => cases.filter((c) => c.mismatch === kind).map((c) => c.id).join(', ') || 'none';
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
