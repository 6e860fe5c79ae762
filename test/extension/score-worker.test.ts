// Drives the real bundled worker (dist/score-worker.js, built by `npm run build`) the way the
// extension does, without an extension host. The worker replies with where it wrote the store;
// the client opens it (index in memory, pairs on demand) and releases it when told.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ScoreProgress } from '../../src/engine';
import { openSavedResults } from '../../src/engine/store/results-file';
import { scoreInWorker } from '../../src/extension/worker-client';
import { writeSyntheticDataset } from '../../src/sample/synthetic-dataset';

const WORKER = resolve('dist', 'score-worker.js');
const MODEL = resolve('test', 'fixtures', 'models', 'tiny-clip');

describe('extension scoring worker', () => {
  let folder: string;
  const resultsFile = () => join(folder, '.radalign', 'results.json');

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'radalign-worker-'));
    await writeSyntheticDataset(folder, { pairs: 5, swapped: 1, seed: 2, size: 96 });
  });

  it('scores in a separate process, reports progress, and hands back the saved store, open', async () => {
    const seen: ScoreProgress[] = [];
    const outcome = await scoreInWorker(WORKER, { folder, modelDir: MODEL }, { onProgress: (p) => seen.push(p) });
    assert.equal(outcome.status, 'done', JSON.stringify(outcome));
    if (outcome.status !== 'done') return;
    const { scored } = outcome;
    try {
      assert.deepEqual(outcome.saved, { ok: true, file: resultsFile() });
      assert.deepEqual(outcome.store, { in: 'dataset' });
      assert.equal(scored.resultsFile, resultsFile());
      assert.equal(scored.results.count, 5);
      // The same pairs as a fresh reader of the saved results sees.
      const opened = await openSavedResults(folder);
      assert.ok(opened?.ok);
      try {
        assert.deepEqual(scored.results.ids(), opened.results.ids());
        const top = scored.results.entry(1)!;
        assert.deepEqual(
          JSON.parse(JSON.stringify(await scored.results.pair(top.id))),
          JSON.parse(JSON.stringify(await opened.results.pair(top.id))),
        );
      } finally {
        await opened.results.close();
      }
      assert.ok(readdirSync(join(folder, '.radalign')).includes('results.json'));
      assert.ok(
        seen.some((p) => p.phase === 'scoring' && p.done === 5 && p.total === 5),
        JSON.stringify(seen),
      );
      assert.equal(seen.at(-1)?.phase, 'done');
    } finally {
      await scored.release();
    }
    await assert.rejects(scored.results.pair(scored.results.entry(1)!.id), 'released: its files are closed');
  });

  it('passes radalign.device to the worker; an accelerator this machine lacks is recorded as a note, on CPU', async () => {
    const outcome = await scoreInWorker(WORKER, { folder, modelDir: MODEL, device: 'cuda' });
    assert.equal(outcome.status, 'done', JSON.stringify(outcome));
    if (outcome.status !== 'done') return;
    try {
      const device = outcome.scored.results.run.device;
      assert.equal(device?.requested, 'cuda');
      // Here (no CUDA provider installed) it falls back with the reason; on a machine with one, CUDA runs and there is nothing to say.
      if (device?.provider === 'cpu')
        assert.match(device.notes.join(' '), /'cuda' was asked for but cannot be used.*Running on CPU instead/s);
      else assert.deepEqual([device?.provider, device?.notes], ['cuda', []]);
    } finally {
      await outcome.scored.release();
    }
  });

  it('still returns the results, unsaved and with the reason, when .radalign is a planted link; the temporary store lives until released', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'radalign-worker-outside-'));
    symlinkSync(outside, join(folder, '.radalign'));
    const outcome = await scoreInWorker(WORKER, { folder, modelDir: MODEL });
    assert.equal(outcome.status, 'done', JSON.stringify(outcome));
    if (outcome.status !== 'done') return;
    assert.equal(outcome.scored.results.count, 5);
    assert.equal(outcome.saved.ok, false);
    if (!outcome.saved.ok) assert.match(outcome.saved.problem, /\.radalign: is a symbolic link, not a folder/);
    assert.deepEqual(readdirSync(outside), [], 'nothing written through the link');
    assert.equal(outcome.store.in, 'temporary');
    if (outcome.store.in !== 'temporary') return;
    assert.ok(existsSync(join(outcome.store.dir, 'results.json')), 'kept while the results are shown');
    const last = outcome.scored.results.entry(5)!;
    assert.equal((await outcome.scored.results.pair(last.id))?.rank, 5, 'pairs are read from it on demand');
    await outcome.scored.release();
    assert.equal(existsSync(outcome.store.dir), false, 'removed once released');
  });

  it('is cancelled by killing it: no results file', async () => {
    const aborter = new AbortController();
    const outcome = await scoreInWorker(
      WORKER,
      { folder, modelDir: MODEL },
      { signal: aborter.signal, onProgress: () => aborter.abort() },
    );
    assert.deepEqual(outcome, { status: 'cancelled' });
    assert.equal(existsSync(resultsFile()), false);
  });

  it('reports a missing model folder as a model error', async () => {
    const outcome = await scoreInWorker(WORKER, { folder, modelDir: join(folder, 'no-model') });
    assert.equal(outcome.status, 'failed');
    if (outcome.status === 'failed') assert.equal(outcome.error.kind, 'model');
    assert.equal(existsSync(resultsFile()), false);
  });

  it('reports a worker that dies without replying', async () => {
    const outcome = await scoreInWorker(join(folder, 'no-such-worker.js'), { folder, modelDir: MODEL });
    assert.equal(outcome.status, 'failed');
    if (outcome.status === 'failed') assert.match(outcome.error.message, /exited with code 1[\s\S]*Cannot find module/);
  });
});
