// Runs one scoring request in a forked worker process and turns its messages into a promise.
// Free of `vscode` so plain-Node tests can drive it against the real bundled worker.
import { fork } from 'node:child_process';
import type { ScoreProgress, ScoreResults } from '../engine';
import { isWorkerMessage, type SaveOutcome, type ScoreRequest, type WorkerError } from '../protocol/score-worker-protocol';

export type WorkerOutcome =
  | { status: 'done'; results: ScoreResults; saved: SaveOutcome }
  | { status: 'cancelled' }
  | { status: 'failed'; error: WorkerError };

export interface WorkerRunOptions {
  onProgress?: (progress: ScoreProgress) => void;
  /** Aborting kills the worker: native inference cannot be interrupted any other way. */
  signal?: AbortSignal;
}

/** How much of the worker's stderr to keep for the message when it dies without replying. */
const STDERR_TAIL_CHARS = 2000;

export function scoreInWorker(workerScript: string, request: Omit<ScoreRequest, 'type'>, options: WorkerRunOptions = {}): Promise<WorkerOutcome> {
  if (options.signal?.aborted) return Promise.resolve({ status: 'cancelled' });
  return new Promise((resolve) => {
    const child = fork(workerScript, [], {
      // Not the host's flags (an inspector port would clash); and in VS Code desktop
      // process.execPath is Electron, which must be told to behave as plain Node.
      execArgv: [],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    let outcome: WorkerOutcome | undefined;
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS)));

    const onAbort = () => {
      outcome ??= { status: 'cancelled' };
      child.kill('SIGKILL');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    child.on('message', (m: unknown) => {
      if (!isWorkerMessage(m) || outcome) return;
      if (m.type === 'progress') options.onProgress?.(m.progress);
      else if (m.type === 'result') outcome = { status: 'done', results: m.results, saved: m.saved };
      else outcome = { status: 'failed', error: m.error };
    });
    const finish = (why: string) => {
      options.signal?.removeEventListener('abort', onAbort);
      const message = `the scoring worker ${why} before replying${stderr.trim() ? `:\n${stderr.trim()}` : ''}`;
      resolve(outcome ?? { status: 'failed', error: { kind: 'internal', message } });
    };
    child.on('error', (e) => finish(`failed (${e.message})`));
    // 'close', not 'exit': it waits for the IPC channel to drain, so the last message is never lost.
    child.on('close', (code, signal) => finish(signal ? `was killed by ${signal}` : `exited with code ${code}`));
    child.send({ type: 'score', ...request } satisfies ScoreRequest);
  });
}
