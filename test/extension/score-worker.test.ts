// Drives the real bundled worker (dist/score-worker.js, built by `npm run build`) the way the
// extension does, without an extension host.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ScoreProgress, ScoreResults } from '../../src/engine';
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

  it('scores in a separate process, reports progress, and writes the results file', async () => {
    const seen: ScoreProgress[] = [];
    const outcome = await scoreInWorker(WORKER, { folder, modelDir: MODEL}, { onProgress: (p) => seen.push(p) });
    assert.equal(outcome.status, 'done', JSON.stringify(outcome));
    if (outcome.status !== 'done') return;
    assert.deepEqual(outcome.saved, { ok: true, file: resultsFile() });
    assert.equal(outcome.results.pairs.length, 5);
    // Compared as JSON: the file has no -0 (heatmap boxes hold some), the structured clone does.
    assert.deepEqual(JSON.parse(readFileSync(resultsFile(), 'utf8')) as ScoreResults, JSON.parse(JSON.stringify(outcome.results)));
    assert.deepEqual(readdirSync(join(folder, '.radalign')).filter((f) => f.startsWith('results')), ['results.json']);
    assert.ok(seen.some((p) => p.phase === 'scoring' && p.done === 5 && p.total === 5), JSON.stringify(seen));
    assert.equal(seen.at(-1)?.phase, 'done');
  });

  it('still returns the results, unsaved and with the reason, when .radalign is a planted link', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'radalign-worker-outside-'));
    symlinkSync(outside, join(folder, '.radalign'));
    const outcome = await scoreInWorker(WORKER, { folder, modelDir: MODEL });
    assert.equal(outcome.status, 'done', JSON.stringify(outcome));
    if (outcome.status !== 'done') return;
    assert.equal(outcome.results.pairs.length, 5);
    assert.equal(outcome.saved.ok, false);
    if (!outcome.saved.ok) assert.match(outcome.saved.problem, /\.radalign: is a symbolic link, not a folder/);
    assert.deepEqual(readdirSync(outside), [], 'nothing written through the link');
  });

  it('is cancelled by killing it: no results file', async () => {
    const aborter = new AbortController();
    const outcome = await scoreInWorker(WORKER, { folder, modelDir: MODEL}, { signal: aborter.signal, onProgress: () => aborter.abort() });
    assert.deepEqual(outcome, { status: 'cancelled' });
    assert.equal(existsSync(resultsFile()), false);
  });

  it('reports a missing model folder as a model error', async () => {
    const outcome = await scoreInWorker(WORKER, { folder, modelDir: join(folder, 'no-model')});
    assert.equal(outcome.status, 'failed');
    if (outcome.status === 'failed') assert.equal(outcome.error.kind, 'model');
    assert.equal(existsSync(resultsFile()), false);
  });

  it('reports a worker that dies without replying', async () => {
    const outcome = await scoreInWorker(join(folder, 'no-such-worker.js'), { folder, modelDir: MODEL});
    assert.equal(outcome.status, 'failed');
    if (outcome.status === 'failed') assert.match(outcome.error.message, /exited with code 1[\s\S]*Cannot find module/);
  });
});
