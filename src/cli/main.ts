// `radalign` command line: a thin face over the engine.
import { Command, InvalidArgumentError } from 'commander';
import { writeSyntheticDataset } from '../sample/synthetic-dataset';
import { runScore } from './score-command';

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number');
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
  .option('--heatmaps <dir>', 'write one heatmap overlay PNG per sentence')
  .option('--top <n>', 'rows of the table of most suspicious pairs', positiveInt, 10)
  .option('--cache-dir <dir>', 'embedding cache folder (default: the per-user cache, or $RADALIGN_CACHE_DIR)')
  .option('--no-cache', 'do not read or write the embedding cache')
  .option('--layout <name>', 'dataset layout: auto, stem, study-folder, manifest, r2gen, mimic', 'auto')
  .option('--batch-size <n>', 'images or texts per model run', positiveInt)
  .option('--threads <n>', 'inference threads', positiveInt)
  .action(async (folder: string, opts) => {
    process.exitCode = await runScore(folder, opts);
  });

program
  .command('sample')
  .description('write a small synthetic dataset (radiograph-like drawings, reports, a few swapped reports) to try radalign on')
  .argument('<folder>', 'where to write it (created)')
  .option('--pairs <n>', 'number of pairs', positiveInt, 40)
  .option('--swapped <n>', 'pairs whose report belongs to another case', (v) => Number(v))
  .option('--seed <n>', 'random seed', positiveInt, 1)
  .option('--layout <name>', 'stem or study-folder', 'stem')
  .action(async (folder: string, opts) => {
    const cases = await writeSyntheticDataset(folder, { pairs: opts.pairs, swapped: opts.swapped, seed: opts.seed, layout: opts.layout });
    const swapped = cases.filter((c) => c.reportOf !== c.id).map((c) => c.id);
    console.log(`Wrote ${cases.length} pairs to ${folder}; reports swapped in: ${swapped.join(', ') || 'none'} (ground truth in .truth.json).`);
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`radalign: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 2;
});
