// The scoring worker: a forked Node process (bundled to dist/score-worker.js) that runs the engine
// off the extension host's thread. onnxruntime-node and sharp are native addons that block,
// spawn their own threads and can crash or exhaust memory; in a separate process none of that
// can freeze or take down the extension host, and cancelling is a plain kill.
import { ModelError, ScoreError, scoreDataset } from '../engine';
import { saveResults } from '../engine/store/results-file';
import { isScoreRequest, type SaveOutcome, type ScoreRequest, type WorkerError, type WorkerMessage } from '../protocol/score-worker-protocol';

function send(message: WorkerMessage): Promise<void> {
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

async function run(request: ScoreRequest): Promise<void> {
  try {
    const results = await scoreDataset(request.folder, {
      modelDir: request.modelDir,
      batchSize: request.batchSize,
      threads: request.threads,
      layout: request.layout,
      heatmapSmoothing: request.heatmapSmoothing,
      limits: request.limits,
      onProgress: (progress) => void send({ type: 'progress', progress }),
    });
    // Atomic, and never through a link planted in the dataset; a refused `.radalign` still shows
    // this run's results, unsaved, with the reason.
    let saved: SaveOutcome;
    try {
      saved = { ok: true, file: await saveResults(request.folder, results) };
    } catch (e) {
      saved = { ok: false, problem: e instanceof Error ? e.message : String(e) };
    }
    await send({ type: 'result', results, saved });
  } catch (e) {
    await send({ type: 'error', error: describe(e) });
  }
  process.disconnect?.();
}

if (!process.send) {
  console.error('score-worker: start me with child_process.fork (I take my request over IPC)');
  process.exit(2);
}
process.once('message', (m: unknown) => {
  if (isScoreRequest(m)) void run(m);
  else void send({ type: 'error', error: { kind: 'internal', message: 'score-worker: unexpected request' } }).then(() => process.exit(2));
});
// The host went away (window closed, extension host restarted): stop scoring.
process.on('disconnect', () => process.exit(0));
