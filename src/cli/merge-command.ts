// `radalign merge`: ranks the parts that `radalign score --shard K/N` wrote (a Slurm array, a
// Kubernetes Indexed Job) together; the result equals one run over the whole folder.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { mergeShards, type StoredResults } from '../engine';
import { folderLocation, radalignLocation, type StoreLocation } from '../engine/results-store/location';
import { radalignFolder } from '../engine/store/radalign-folder';
import { createProgressReporter } from './progress';
import { report } from './score-command';

export interface MergeCommandOptions {
  out?: string;
  save?: string;
  top: number;
  threads?: number;
}

export async function runMerge(shardDir: string, opts: MergeCommandOptions): Promise<number> {
  const fail = (msg: string) => (console.error(`radalign: ${msg}`), 2);
  if (!opts.out && !opts.save) return fail('say where the merged results go: --out <results.json>, --save <dataset folder>, or both');
  let location: StoreLocation | undefined;
  let saveProblem: string | undefined;
  if (opts.save) {
    try {
      await radalignFolder(resolve(opts.save), true);
      location = radalignLocation(resolve(opts.save));
    } catch (e) {
      saveProblem = e instanceof Error ? e.message : String(e);
    }
  }
  const temp = location ? undefined : await mkdtemp(join(tmpdir(), 'radalign-merge-'));
  const progress = createProgressReporter(process.stderr);
  let stored: StoredResults;
  try {
    stored = await mergeShards(resolve(shardDir), location ?? folderLocation(temp!), { threads: opts.threads, onProgress: progress.update });
  } catch (e) {
    progress.stop();
    if (temp) await rm(temp, { recursive: true, force: true });
    return fail(e instanceof Error ? e.message : String(e));
  }
  progress.stop();
  try {
    console.log(`Merged ${stored.run.shards} parts from ${resolve(shardDir)}.`);
    return await report(stored, opts, { savedTo: location ? join(location.dir, 'results.json') : undefined, saveProblem });
  } finally {
    await stored.close();
    if (temp) await rm(temp, { recursive: true, force: true });
  }
}
