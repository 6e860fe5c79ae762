// Runs one scoring request in a forked worker process and turns its messages into a promise.
// The worker writes a results store and says where; this side opens it (summary and index, not
// the pairs: 227,000 of them do not fit in the extension host) and hands it on with a release that
// closes it and removes a temporary store. Free of `vscode` so plain-Node tests can drive it
// against the real bundled worker. Imports engine modules by file: never the engine's index,
// which would pull onnxruntime-node and sharp into the extension host.
import { fork } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as v from 'valibot';
import type { ScoreProgress } from '../engine/pipeline/score-dataset';
import { folderLocation } from '../engine/results-store/location';
import { StoredResults, SUMMARY_NAME } from '../engine/results-store/results-store';
import { openSavedResults, type SavedResults } from '../engine/store/results-file';
import { PendingRequests } from '../protocol/request-reply';
import {
  SCORE_METHODS,
  WorkerMessageSchema,
  type SaveOutcome,
  type ScoreParams,
  type ScoreResult,
  type StoreAt,
  type WorkerError,
} from '../protocol/score-worker-protocol';
import type { ScoredFolder } from './saved-results';
import { resultsFileFor, scoredFolder } from './saved-results';
import { describeError } from '../engine/describe-error';

export type WorkerOutcome =
  /** `scored` is open: the receiver owns it and calls `scored.release()` when done with it (the SessionManager does). */
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
  request: ScoreParams,
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
    /** Decided before the worker is gone: it failed, or it was cancelled; later messages are ignored. */
    let outcome: WorkerOutcome | undefined;
    let done: Extract<ScoreResult, { status: 'done' }> | undefined;
    let finished = false;
    let stderr = '';
    child.stderr
      ?.setEncoding('utf8')
      .on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS)));

    const onAbort = () => {
      outcome ??= { status: 'cancelled' };
      child.kill('SIGKILL');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    // No timeout: a run takes as long as the dataset needs; a worker that dies fails the request.
    const requests = new PendingRequests((m) => child.send(m), { methods: SCORE_METHODS });
    child.on('message', (m: unknown) => {
      const message = v.safeParse(WorkerMessageSchema, m);
      if (!message.success || outcome) return;
      if (message.output.type === 'progress') options.onProgress?.(message.output.progress);
      else requests.receive(message.output);
    });
    const replied = requests.request('score', request).then(
      (result) => {
        if (result.status === 'done') done = result;
        else outcome ??= result;
      },
      (e: Error) => void (outcome ??= { status: 'failed', error: { kind: 'internal', message: e.message } }),
    );
    const finish = (why: string) => {
      if (finished) return;
      finished = true;
      options.signal?.removeEventListener('abort', onAbort);
      requests.rejectAll(`the scoring worker ${why} before replying${stderr.trim() ? `:\n${stderr.trim()}` : ''}`);
      void replied.then(() => {
        // `replied` has settled, with the result or (rejected above when none came) the failure.
        if (!done) return resolve(outcome!);
        if (outcome) return resolve(outcome); // cancelled after the reply
        const { store, saved } = done;
        openStore(request.folder, store, saved).then(
          (scored) => resolve({ status: 'done', scored, store, saved }),
          (e: unknown) =>
            resolve({
              status: 'failed',
              error: {
                kind: 'internal',
                message: `the results the scoring worker wrote cannot be read: ${describeError(e)}`,
              },
            }),
        );
      });
    };
    child.on('error', (e) => finish(`failed (${e.message})`));
    // 'close', not 'exit': it waits for the IPC channel to drain, so the last message is never lost.
    child.on('close', (code, signal) => finish(signal ? `was killed by ${signal}` : `exited with code ${code}`));
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
