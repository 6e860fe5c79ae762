// A real one-node Slurm cluster for tests, started with ../shared/recipes/slurm-single-node/setup-slurm.sh
// (root only; it apt-installs slurm-wlm and munge when they are missing), and the few Slurm
// commands the tests need. Every way of not being able to run says why, visibly, and skips.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { requireShared } from './shared-data';

/** setup-slurm.sh's "cannot run here" exit code (it also prints a line starting with SKIP). */
const SETUP_CANNOT_RUN = 3;
/** The folder setup-slurm.sh keeps its pid files, state and daemon logs in. */
const slurmTestDir = () => process.env.SLURM_TEST_DIR ?? '/tmp/slurm-test';

export interface SlurmCluster {
  /** setup-slurm.sh, for `stop`. */
  script: string;
  /** How long setup took (apt install included when it ran). */
  setupSeconds: number;
}

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
}

/**
 * Runs a command with its output appended to `logFile` (not a pipe: daemons it starts must not
 * hold the test's stdout open), in its own process group so a timeout ends apt-get too.
 */
function runLogged(command: string, args: string[], logFile: string, timeoutMs: number): Promise<Ran> {
  const fd = openSync(logFile, 'a');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', fd, fd], detached: true });
    closeSync(fd);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut });
    });
  });
}

const onPath = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** The last lines of the daemons' own logs, for a failure message. */
export function daemonLogs(): string {
  const dir = join(slurmTestDir(), 'log');
  if (!existsSync(dir)) return '(no daemon logs)';
  return readdirSync(dir)
    .map((f) => `--- ${f}\n${tail(readFileSync(join(dir, f), 'utf8'), 15)}`)
    .join('\n');
}

/**
 * setup-slurm.sh starts a daemon unless `kill -0` finds the pid in its pid file, and a daemon
 * that a previous run stopped can linger a few seconds as a zombie (this machine's init reaps
 * late), which `kill -0` still finds: remove such pid files so setup starts the daemon again.
 */
function forgetZombiePidFiles(): void {
  for (const name of ['slurmctld.pid', 'slurmd.pid']) {
    const file = join(slurmTestDir(), name);
    try {
      const pid = readFileSync(file, 'utf8').trim();
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) rmSync(file);
    } catch {
      /* no pid file, or no such process: setup starts the daemon anyway */
    }
  }
}

function skip(ctx: Mocha.Context, why: string): never {
  console.log(`      (skipped: ${why})`);
  ctx.skip();
}

/**
 * Starts the one-node cluster, or skips the calling suite with the reason: not root, no
 * ../shared/recipes/slurm-single-node, setup's own SKIP (exit 3), or apt-get unable to install
 * Slurm. Any other failure of a machine that has Slurm installed fails the test with its logs.
 * `onAttempt` is called before setup runs, so an after hook knows to call stop.
 */
export async function startSlurm(
  ctx: Mocha.Context,
  logFile: string,
  onAttempt: (script: string) => void,
  timeoutMs = 240_000,
): Promise<SlurmCluster> {
  if (process.platform !== 'linux') skip(ctx, `a real Slurm cluster needs Linux, this is ${process.platform}`);
  if (process.getuid?.() !== 0)
    skip(ctx, 'starting a real Slurm cluster (munge, slurmctld, slurmd, apt-get) needs root');
  const recipe = requireShared(ctx, 'recipes/slurm-single-node');
  const script = join(recipe, 'setup-slurm.sh');
  if (!existsSync(script)) skip(ctx, `no ${script}`);
  const hadSlurm = onPath('slurmctld');
  forgetZombiePidFiles();
  onAttempt(script);
  const t0 = Date.now();
  const r = await runLogged('bash', [script, 'start'], logFile, timeoutMs);
  const setupSeconds = (Date.now() - t0) / 1000;
  const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
  const skipLine = log.split('\n').find((l) => l.startsWith('SKIP'));
  if (r.code === SETUP_CANNOT_RUN || skipLine)
    skip(ctx, `setup-slurm.sh cannot run here: ${skipLine ?? `exit ${r.code}`}`);
  if (!onPath('slurmctld') || !onPath('sbatch')) {
    skip(
      ctx,
      `Slurm is not installed and apt-get could not install slurm-wlm and munge (${r.timedOut ? `timed out after ${timeoutMs / 1000} s` : `exit ${r.code}`}):\n${tail(log, 10)}`,
    );
  }
  const how = r.timedOut ? `timed out after ${timeoutMs / 1000} s` : `exit ${r.code ?? r.signal}`;
  if (r.code !== 0)
    throw new Error(
      `setup-slurm.sh failed (${how}, Slurm ${hadSlurm ? 'was' : 'newly'} installed):\n${tail(log)}\n${daemonLogs()}`,
    );
  const state = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8' });
  if (!/idle|mix|alloc/.test(state.stdout)) {
    throw new Error(
      `Slurm started but its node is not up (sinfo: ${JSON.stringify(state.stdout.trim() || state.stderr.trim())}):\n${daemonLogs()}`,
    );
  }
  console.log(
    `      (Slurm one-node cluster up in ${setupSeconds.toFixed(1)} s${hadSlurm ? '' : ', apt install included'})`,
  );
  return { script, setupSeconds };
}

/** Ends the daemons setup-slurm.sh started (not munged, which it leaves running). */
export function stopSlurm(script: string): void {
  spawnSync('bash', [script, 'stop'], { stdio: 'ignore', timeout: 30_000 });
}

/** `sbatch --parsable …`: the job id. */
export function sbatch(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): string {
  const r = spawnSync('sbatch', ['--parsable', ...args], {
    cwd: opts.cwd,
    env: opts.env,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.status !== 0) throw new Error(`sbatch ${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
  return r.stdout.trim().split(';')[0];
}

/** Jobs (or array tasks) of these ids still in the queue: "id state reason" lines. */
function queued(ids: string[]): string[] {
  const r = spawnSync('squeue', ['-h', '-j', ids.join(','), '-o', '%i %T %r'], { encoding: 'utf8', timeout: 30_000 });
  // squeue refuses ids it no longer knows at all (ended more than MinJobAge ago): gone.
  if (r.status !== 0 && /Invalid job id/i.test(r.stderr)) return [];
  if (r.status !== 0) throw new Error(`squeue failed (exit ${r.status}): ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.trim() !== '');
}

/** Waits until none of the jobs is queued or running; on timeout cancels them and throws. */
export async function waitForJobs(ids: string[], timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const left = queued(ids);
    if (left.length === 0) return;
    if (Date.now() > until) {
      cancelJobs(ids);
      throw new Error(`Slurm jobs still queued after ${timeoutMs / 1000} s, cancelled:\n${left.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

export function cancelJobs(ids: string[]): void {
  if (ids.length) spawnSync('scancel', ids, { stdio: 'ignore', timeout: 30_000 });
}

export interface JobRecord {
  jobId: string;
  arrayTaskId?: string;
  state: string;
  exitCode: string;
  reason: string;
}

/** `scontrol show job <id>`: one record per job, or per array task of an array job. */
export function jobRecords(id: string): JobRecord[] {
  const r = spawnSync('scontrol', ['show', 'job', '-o', id], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`scontrol show job ${id} failed (exit ${r.status}): ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.includes('JobId='))
    .map((line) => {
      const field = (k: string) => new RegExp(`(?:^|\\s)${k}=(\\S*)`).exec(line)?.[1] ?? '';
      return {
        jobId: field('JobId'),
        arrayTaskId: field('ArrayTaskId') || undefined,
        state: field('JobState'),
        exitCode: field('ExitCode'),
        reason: field('Reason'),
      };
    });
}
