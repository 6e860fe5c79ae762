// The scoring worker: a forked Node process (bundled to dist/score-worker.js) that runs the engine
// off the extension host's thread. onnxruntime-node and sharp are native addons that block,
// spawn their own threads and can crash or exhaust memory; in a separate process none of that
// can freeze or take down the extension host, and cancelling is a plain kill.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { ModelError, ScoreError, scoreToStore } from '../engine';
import { folderLocation, radalignLocation } from '../engine/results-store/location';
import { radalignFolder } from '../engine/store/radalign-folder';
import { answer, describeIssues, type Reply } from '../protocol/request-reply';
import {
  ScoreRequestSchema,
  type SaveOutcome,
  type ScoreParams,
  type ScoreResult,
  type StoreAt,
  type WorkerError,
  type WorkerMessage,
} from '../protocol/score-worker-protocol';
import { describeError } from '../engine/describe-error';

function send(message: WorkerMessage | Reply): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, undefined, () => resolve());
  });
}

function describe(e: unknown): WorkerError {
  if (e instanceof ModelError) return { kind: 'model', message: e.message };
  if (e instanceof ScoreError) return { kind: 'dataset', message: e.message };
  const err = e instanceof Error ? e : new Error(String(e));
  return { kind: 'internal', message: err.message, stack: err.stack };
}

async function run(request: ScoreParams): Promise<ScoreResult> {
  try {
    // Never through a link planted in the dataset: a refused `.radalign` still shows this run's
    // results, from a temporary folder, unsaved, with the reason.
    let saved: SaveOutcome;
    let store: StoreAt;
    try {
      await radalignFolder(request.folder, true);
      saved = { ok: true, file: join(request.folder, '.radalign', 'results.json') };
      store = { in: 'dataset' };
    } catch (e) {
      saved = { ok: false, problem: describeError(e) };
      store = { in: 'temporary', dir: await mkdtemp(join(tmpdir(), 'radalign-unsaved-')) };
    }
    const stored = await scoreToStore(
      request.folder,
      store.in === 'dataset' ? radalignLocation(request.folder) : folderLocation(store.dir),
      {
        modelDir: request.modelDir,
        batchSize: request.batchSize,
        threads: request.threads,
        device: request.device,
        layout: request.layout,
        heatmapSmoothing: request.heatmapSmoothing,
        limits: request.limits,
        onProgress: (progress) => void send({ type: 'progress', progress }),
      },
    );
    await stored.close();
    return { status: 'done', store, saved };
  } catch (e) {
    return { status: 'failed', error: describe(e) };
  }
}

if (!process.send) {
  console.error('score-worker: start me with child_process.fork (I take my request over IPC)');
  process.exit(2);
}
process.once('message', (m: unknown) => {
  const request = v.safeParse(ScoreRequestSchema, m);
  if (request.success) {
    void answer(request.output.requestId, () => run(request.output.params))
      .then(send)
      .then(() => process.disconnect?.());
    return;
  }
  const requestId = (m as { requestId?: unknown } | null)?.requestId;
  const error = `score-worker: unexpected request (${describeIssues(request.issues)})`;
  void send({ type: 'reply', requestId: typeof requestId === 'number' ? requestId : 0, ok: false, error }).then(() =>
    process.exit(2),
  );
});
// The host went away (window closed, extension host restarted): stop scoring.
process.on('disconnect', () => process.exit(0));
