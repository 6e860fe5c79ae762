// Scoring in parts on a real (one-node) Slurm cluster with the example job scripts of
// docs/scheduling.md: examples/slurm/submit.sh submits score-array.sbatch as a 3-task array
// (`radalign score --shard K/3 --shard-dir …`) and merge.sbatch after it (`radalign merge`); the
// merged results must equal one machine's `radalign score --out` of the same folder, with the
// same model and cache settings, in everything but the `run` record.
// Needs root and ../shared/recipes/slurm-single-node (CI has both); skips visibly otherwise.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/fixture-models';
import { cancelJobs, daemonLogs, jobRecords, sbatch, startSlurm, stopSlurm, waitForJobs } from '../helpers/slurm';

const cli = join(repoRoot, 'bin', 'radalign.js');
const model = join(repoRoot, 'media', 'models', 'default');
const examples = join(repoRoot, 'examples', 'slurm');
/** The radalign command the job scripts run (their RADALIGN_CLI); the built one by default. */
const jobCli = process.env.RADALIGN_SLURM_TEST_CLI ?? cli;
const N = 3;

function radalign(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `radalign ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr}`);
  return r;
}

/** The job logs in `dir` (radalign-score-*.out, radalign-merge-*.out), for failure messages. */
async function jobLogs(dir: string): Promise<string> {
  const names = (await readdir(dir)).filter((f) => f.startsWith('radalign-') && f.endsWith('.out')).sort();
  const parts = await Promise.all(
    names.map(
      async (f) => `--- ${f}\n${(await readFile(join(dir, f), 'utf8')).trimEnd().split('\n').slice(-20).join('\n')}`,
    ),
  );
  return parts.join('\n') || '(no job logs)';
}

/** Results without the `run` record (timings, cache counts), which differ by design. */
async function resultsSansRun(file: string): Promise<Record<string, unknown>> {
  const { run: _run, ...rest } = JSON.parse(await readFile(file, 'utf8'));
  return rest;
}

describe('radalign score --shard / merge on a real Slurm cluster (examples/slurm)', function () {
  let dir = '';
  let data = '';
  let shards = '';
  let setupScript = '';
  let failed = false;
  const jobs: string[] = [];
  const env = () => ({ ...process.env, RADALIGN_CLI: jobCli });

  before(async function () {
    this.timeout(300_000);
    dir = await mkdtemp(join(tmpdir(), 'radalign-slurm-'));
    await startSlurm(this, join(dir, 'setup-slurm.log'), (s) => (setupScript = s));
    for (const f of ['submit.sh', 'score-array.sbatch', 'merge.sbatch'])
      assert.ok(existsSync(join(examples, f)), `examples/slurm/${f}`);

    // 30 synthetic pairs, plus what every layout run meets: an image without a report (skipped
    // while finding pairs) and a pair whose only image cannot be decoded (skipped while scoring,
    // in whichever part owns it).
    data = join(dir, 'data');
    radalign(['sample', data, '--pairs', '30'], dir);
    await copyFile(join(data, 'case0002.png'), join(data, 'orphan.png'));
    await writeFile(join(data, 'case0031.png'), 'not a png');
    await copyFile(join(data, 'case0001.txt'), join(data, 'case0031.txt'));
    shards = join(dir, 'shards');
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') failed = true;
  });

  after(async function () {
    this.timeout(60_000);
    // Job steps outlive slurmd: cancel whatever is left before stopping the daemons.
    if (setupScript) {
      cancelJobs(jobs);
      stopSlurm(setupScript);
    }
    if (failed) console.log(`      (kept ${dir} for a look)`);
    else if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(`scores in ${N} array tasks into one shard folder; the merge job's results equal a one-machine run`, async function () {
    this.timeout(180_000);
    const one = join(dir, 'one.json');
    radalign(['score', data, '--model', model, '--cache-dir', join(dir, 'cache-one'), '--out', one], dir);

    const merged = join(dir, 'merged.json');
    const submit = spawnSync(
      'bash',
      [
        join(examples, 'submit.sh'),
        data,
        shards,
        merged,
        String(N),
        '--model',
        model,
        '--cache-dir',
        join(dir, 'cache-shards'),
      ],
      {
        cwd: dir,
        env: env(),
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    assert.equal(submit.status, 0, `submit.sh failed (exit ${submit.status}):\n${submit.stderr}`);
    const [array, merge] = submit.stdout.trim().split(/\s+/);
    assert.match(array, /^\d+$/, `submit.sh prints the two job ids, got ${JSON.stringify(submit.stdout)}`);
    assert.match(merge, /^\d+$/);
    jobs.push(array, merge);

    await waitForJobs([array, merge], 150_000);
    const logs = async () => `${await jobLogs(dir)}\n${daemonLogs()}`;
    const tasks = jobRecords(array);
    assert.deepEqual(
      tasks.map((t) => t.arrayTaskId).sort(),
      ['0', '1', '2'],
      `one task per part:\n${tasks.map((t) => JSON.stringify(t)).join('\n')}`,
    );
    for (const t of tasks)
      assert.equal(`${t.state} ${t.exitCode}`, 'COMPLETED 0:0', `task ${t.arrayTaskId}: ${t.reason}\n${await logs()}`);
    const [m] = jobRecords(merge);
    assert.equal(`${m.state} ${m.exitCode}`, 'COMPLETED 0:0', `merge job: ${m.reason}\n${await logs()}`);
    assert.ok((await readdir(shards)).length > 0, 'the parts were written into the shard folder');

    const single = await resultsSansRun(one);
    const sharded = await resultsSansRun(merged);
    assert.equal((sharded.pairs as unknown[]).length, 30);
    assert.equal((sharded.skipped as unknown[]).length, 3, JSON.stringify(sharded.skipped));
    assert.deepEqual(sharded.pairs, single.pairs);
    assert.deepEqual(sharded.skipped, single.skipped);
    assert.deepEqual(sharded, single, 'the merged results equal the one-machine results but for `run`');
  });

  it('reruns one part alone (RADALIGN_SHARDS=3, --array=1) and merges to the same results', async function () {
    this.timeout(120_000);
    if (!existsSync(join(dir, 'merged.json'))) this.skip();
    const rerun = sbatch(
      [
        '--array=1',
        join(examples, 'score-array.sbatch'),
        data,
        shards,
        '--model',
        model,
        '--cache-dir',
        join(dir, 'cache-shards'),
      ],
      {
        cwd: dir,
        env: { ...env(), RADALIGN_SHARDS: String(N) },
      },
    );
    jobs.push(rerun);
    const again = join(dir, 'merged-again.json');
    const merge = sbatch(
      [`--dependency=afterok:${rerun}`, '--kill-on-invalid-dep=yes', join(examples, 'merge.sbatch'), shards, again],
      { cwd: dir, env: env() },
    );
    jobs.push(merge);
    await waitForJobs([rerun, merge], 100_000);
    for (const id of [rerun, merge]) {
      for (const t of jobRecords(id))
        assert.equal(`${t.state} ${t.exitCode}`, 'COMPLETED 0:0', `job ${t.jobId}: ${t.reason}\n${await jobLogs(dir)}`);
    }
    assert.deepEqual(await resultsSansRun(again), await resultsSansRun(join(dir, 'merged.json')));
  });
});
