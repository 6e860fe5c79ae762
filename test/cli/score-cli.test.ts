// The `radalign score` contract, run as a user runs it: the built CLI in a child process.
import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { RESULTS_FORMAT } from '../../src/engine/results-schema';
import { writeSyntheticDataset } from '../../src/sample/synthetic-dataset';
import { tinyClipDir } from '../helpers/fixture-models';
import { cliRunner } from '../helpers/run-cli';

let cacheDir = '';
const run = cliRunner(() => ({ RADALIGN_CACHE_DIR: cacheDir }));

describe('radalign score (CLI contract)', function () {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'radalign-cli-'));
    cacheDir = join(dir, 'cache');
    await writeSyntheticDataset(join(dir, 'data'), { pairs: 8, swapped: 1, seed: 9, size: 80 });
    await writeFile(
      join(dir, 'data', 'orphan.png'),
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#777' } })
        .png()
        .toBuffer(),
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('writes results JSON in the documented shape, heatmap PNGs, and a table; exit 0 with skips', async () => {
    const out = join(dir, 'results.json');
    const maps = join(dir, 'maps');
    const r = run('score', join(dir, 'data'), '--model', tinyClipDir, '--out', out, '--heatmaps', maps, '--top', '3');
    assert.equal(r.status, 0, r.stderr);
    const res = JSON.parse(await readFile(out, 'utf8'));
    assert.equal(res.format, RESULTS_FORMAT);
    assert.equal(typeof res.model.id, 'string');
    assert.equal(res.pairs.length, 8);
    for (const p of res.pairs) {
      const fields = [
        'id',
        'images',
        'reportFile',
        'reportRow',
        'cosine',
        'suspicion',
        'rank',
        'bestReports',
        'sentences',
      ];
      for (const k of fields) assert.ok(k in p, `pair field ${k}`);
      for (const b of p.bestReports) assert.deepEqual(Object.keys(b), ['id', 'cosine']);
      for (const s of p.sentences)
        for (const k of ['text', 'section', 'start', 'end', 'evidence', 'imageCosine', 'negated', 'describesImage'])
          assert.ok(k in s, `sentence field ${k}`);
    }
    assert.equal(res.pairs[0].rank, 1);
    assert.ok(
      res.skipped.some(
        (s: { path: string; reason: string }) => s.path.endsWith('orphan.png') && /report/i.test(s.reason),
      ),
    );
    // One PNG per sentence, each a real image the size of its radiograph.
    const sentences = res.pairs.reduce((n: number, p: { sentences: unknown[] }) => n + p.sentences.length, 0);
    const files = (
      await Promise.all(
        (await readdir(maps)).map(async (d) => (await readdir(join(maps, d))).map((f) => join(maps, d, f))),
      )
    ).flat();
    assert.equal(files.length, sentences);
    const meta = await sharp(files[0]).metadata();
    assert.equal(meta.format, 'png');
    assert.equal(meta.width, 80);
    // The table lists the top 3 by rank, with their cosines.
    assert.match(r.stdout, /│ rank +│ pair +│ suspicion +│ cosine +│ images +│ finding sentence with least evidence/);
    for (const p of res.pairs.slice(0, 3)) {
      assert.ok(r.stdout.includes(p.id), `table shows ${p.id}`);
      assert.ok(r.stdout.includes(p.cosine.toFixed(3)), `table shows the cosine of ${p.id}`);
    }
    assert.match(r.stdout, /8 pairs scored/);
    // The cache went to RADALIGN_CACHE_DIR, not into the dataset folder.
    assert.ok((await readdir(cacheDir)).length > 0);
    assert.ok(!(await readdir(join(dir, 'data'))).includes('.radalign'));
  });

  it('exits non-zero with a clear message when the folder does not exist', () => {
    const r = run('score', join(dir, 'nope'), '--model', tinyClipDir);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /dataset folder not found: .*nope/);
  });

  it('exits non-zero naming the file when the model folder is broken', async () => {
    const broken = join(dir, 'broken-model');
    await cp(tinyClipDir, broken, { recursive: true });
    await writeFile(join(broken, 'model.json'), '{ "id": ');
    const r = run('score', join(dir, 'data'), '--model', broken, '--no-cache');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /model\.json/);
  });
});
