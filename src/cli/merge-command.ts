// `radalign merge`: ranks the parts that `radalign score --shard K/N` wrote (a Slurm array, a
// Kubernetes Indexed Job) together; the result equals one run over the whole folder.
import { resolve } from 'node:path';
import { mergeShards } from '../engine';
import { printFailure } from './cli-outcome';
import { createProgressReporter } from './progress';
import { intoResults } from './results-target';
import { report } from './score-command';

export interface MergeCommandOptions {
  out?: string;
  save?: string;
  top: number;
  threads?: number;
}

export async function runMerge(shardDir: string, opts: MergeCommandOptions): Promise<number> {
  if (!opts.out && !opts.save)
    return printFailure('say where the merged results go: --out <results.json>, --save <dataset folder>, or both');
  const progress = createProgressReporter(process.stderr);
  return intoResults(
    opts.save ? resolve(opts.save) : undefined,
    (location) =>
      mergeShards(resolve(shardDir), location, { threads: opts.threads, onProgress: progress.update }).finally(() =>
        progress.stop(),
      ),
    (stored, saved) => {
      console.log(`Merged ${stored.run.shards} parts from ${resolve(shardDir)}.`);
      return report(stored, opts, saved);
    },
  );
}
