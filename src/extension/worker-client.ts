// Runs one scoring request in a forked worker process and turns its messages into a promise.
// The worker writes a results store and says where; this side opens it (summary and index, not
// the pairs: 227,000 of them do not fit in the extension host) and hands it on with a release that
// closes it and removes a temporary store. Free of `vscode` so plain-Node tests can drive it
// against the real bundled worker. Imports engine modules by file: never the engine's index,
// which would pull onnxruntime-node and sharp into the extension host.
import { fork } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScoreProgress } from '../engine/pipeline/score-dataset';
import { folderLocation } from '../engine/results-store/location';
import { StoredResults, SUMMARY_NAME } from '../engine/results-store/results-store';
import { openSavedResults, type SavedResults } from '../engine/store/results-file';
import {
  isWorkerMessage,
  type SaveOutcome,
  type ScoreRequest,
  type StoreAt,
  type WorkerError,
} from '../protocol/score-worker-protocol';
import type { ScoredFolder } from './results-store';
import { resultsFileFor, scoredFolder } from './saved-results';

export type WorkerOutcome =
  /** `scored` is open: the receiver owns it and calls `scored.release()` when done with it (ResultsStore does). */
  | { status: 'done'; scored: ScoredFolder; store: StoreAt; saved: SaveOutcome }
  | { status: 'cancelled' }
  | { status: 'failed'; error: WorkerError };

export interface WorkerRunOptions {
  onProgress?: (progress: ScoreProgress) => void;
  /** Aborting kills the worker: native inference cannot be interrupted any other way. */
  signal?: AbortSignal;
}

/** How much of the worker's stderr to keep for the message when it dies without replying. */
const STDERR_TAIL_CHARS = 2000;

export function scoreInWorker(
  workerScript: string,
  request: Omit<ScoreRequest, 'type'>,
  options: WorkerRunOptions = {},
): Promise<WorkerOutcome> {
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
    let reply: { store: StoreAt; saved: SaveOutcome } | undefined;
    let stderr = '';
    child.stderr
      ?.setEncoding('utf8')
      .on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS)));

    const onAbort = () => {
      outcome ??= { status: 'cancelled' };
      child.kill('SIGKILL');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    child.on('message', (m: unknown) => {
      if (!isWorkerMessage(m) || outcome) return;
      if (m.type === 'progress') options.onProgress?.(m.progress);
      else if (m.type === 'result') reply = { store: m.store, saved: m.saved };
      else outcome = { status: 'failed', error: m.error };
    });
    const finish = (why: string) => {
      options.signal?.removeEventListener('abort', onAbort);
      const message = `the scoring worker ${why} before replying${stderr.trim() ? `:\n${stderr.trim()}` : ''}`;
      if (outcome || !reply) return resolve(outcome ?? { status: 'failed', error: { kind: 'internal', message } });
      const { store, saved } = reply;
      void openStore(request.folder, store, saved).then(
        (scored) => resolve({ status: 'done', scored, store, saved }),
        (e: unknown) =>
          resolve({
            status: 'failed',
            error: {
              kind: 'internal',
              message: `the results the scoring worker wrote cannot be read: ${e instanceof Error ? e.message : String(e)}`,
            },
          }),
      );
    };
    child.on('error', (e) => finish(`failed (${e.message})`));
    // 'close', not 'exit': it waits for the IPC channel to drain, so the last message is never lost.
    child.on('close', (code, signal) => finish(signal ? `was killed by ${signal}` : `exited with code ${code}`));
    child.send({ type: 'score', ...request } satisfies ScoreRequest);
  });
}

/**
 * Opens the results store the worker wrote. A temporary store (`.radalign` refused) stays on disk
 * while its results are shown; its release removes it (and it is removed at once when it cannot
 * be opened).
 */
async function openStore(folder: string, at: StoreAt, saved: SaveOutcome): Promise<ScoredFolder> {
  const resultsFile = saved.ok ? saved.file : resultsFileFor(folder);
  if (at.in === 'dataset') {
    const opened = await openSavedResults(folder);
    if (!opened?.ok) throw new Error(opened ? opened.problem : `${resultsFile} is missing`);
    return scoredFolder(folder, resultsFile, opened.results, async () => {});
  }
  const removeTemporary = () => rm(at.dir, { recursive: true, force: true });
  let results: SavedResults;
  try {
    const stored = await StoredResults.open(folderLocation(at.dir));
    if (!stored) throw new Error(`${join(at.dir, SUMMARY_NAME)} is missing`);
    results = stored;
  } catch (e) {
    await removeTemporary();
    throw e;
  }
  return scoredFolder(folder, resultsFile, results, removeTemporary);
}
