// `radalign export-clean` and `radalign score --manifest`, run as a user runs them: score and
// save, record verdicts, export, then score exactly the exported pairs from the clean manifest
// (CSV and JSONL), their paths read inside the dataset folder and nowhere else.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { openSavedResults } from '../../src/engine/store/results-file';
import { writeSyntheticDataset } from '../../src/sample/synthetic-dataset';
import { tinyClipDir } from '../helpers/fixture-models';
import { cliRunner } from '../helpers/run-cli';

let cacheDir = '';
const run = cliRunner(() => ({ RADALIGN_CACHE_DIR: cacheDir }));

type Scored = {
  pairs: { id: string; images: string[]; reportText: string; reportFile: string | null; reportRow: string | null }[];
  skipped: { path: string; reason: string }[];
};

describe('radalign export-clean and score --manifest (CLI)', function () {
  this.timeout(120_000);
  let dir: string;
  let data: string;
  let ids: string[];
  const texts = new Map<string, string>();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'radalign-clean-cli-'));
    cacheDir = join(dir, 'cache');
    data = join(dir, 'data');
    await writeSyntheticDataset(data, { pairs: 7, swapped: 1, seed: 11, size: 64 });
    const scored = run('score', data, '--model', tinyClipDir, '--save');
    assert.equal(scored.status, 0, scored.stderr);
    const opened = await openSavedResults(data);
    assert.ok(opened?.ok);
    ids = opened.results.ids().sort();
    for await (const p of opened.results.all()) texts.set(p.id, p.reportText);
    await opened.results.close();
    const verdict = (...args: string[]) => {
      const r = run('verdict', data, ...args);
      assert.equal(r.status, 0, r.stderr);
    };
    verdict(ids[0], 'aligned', '--reviewer', 'ann');
    verdict(ids[1], 'mismatched', '--reason', 'wrong-study', '--reviewer', 'ann');
    verdict(ids[2], 'mismatched', '--reason', 'wrong-study', '--use-report-of', ids[3], '--reviewer', 'ann');
    verdict(ids[4], 'aligned', '--reviewer', 'ann');
    verdict(ids[4], 'unsure', '--reviewer', 'bob');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('exports, prints what was kept, dropped and re-paired, and score --manifest reads back exactly the kept pairs', async () => {
    const out = join(dir, 'clean');
    const r = run('export-clean', data, '--out', out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /kept: +4 \(unreviewed 3, aligned 1\)/);
    assert.match(r.stdout, /re-paired: 1/);
    assert.match(r.stdout, /dropped: +2 \(mismatched 1, disagreed 1\)/);
    for (const f of ['manifest.csv', 'manifest.jsonl', 'clean-summary.json'])
      assert.match(r.stdout, new RegExp(`^  ${f.replace('.', '\\.')}$`, 'm'));
    const expected = [ids[0], ids[2], ids[3], ids[5], ids[6]].map((id) => [id, texts.get(id === ids[2] ? ids[3] : id)]);

    for (const manifest of ['manifest.csv', 'manifest.jsonl']) {
      const results = join(dir, `read-back-${manifest}.json`);
      const back = run('score', data, '--model', tinyClipDir, '--manifest', join(out, manifest), '--out', results);
      assert.equal(back.status, 0, back.stderr);
      const res = JSON.parse(await readFile(results, 'utf8')) as Scored;
      assert.deepEqual(
        res.pairs.map((p) => [p.id, p.reportText]).sort((a, b) => (a[0] < b[0] ? -1 : 1)),
        expected,
        manifest,
      );
      assert.deepEqual(
        res.pairs.find((p) => p.id === ids[2])!.images,
        [`${ids[2]}.png`],
        'the re-paired pair keeps its own image',
      );
      // The dropped pairs' files are not scored: the manifest given does not name them.
      assert.ok(
        res.skipped.some((s) => s.path.endsWith(`${ids[1]}.png`) && /not named by the manifest given/.test(s.reason)),
        manifest,
      );
    }
  });

  it('a manifest naming a file outside the folder: that row is refused by the path gate, the rest scored', async () => {
    await writeFile(
      join(dir, 'outside.png'),
      await sharp({ create: { width: 16, height: 16, channels: 3, background: '#888' } })
        .png()
        .toBuffer(),
    );
    const manifest = join(dir, 'hand-made.csv');
    await writeFile(
      manifest,
      `id,images,report\nok,${ids[0]}.png,Heart normal.\nescape,../outside.png,Heart normal.\n`,
    );
    const results = join(dir, 'gate.json');
    const r = run('score', data, '--model', tinyClipDir, '--manifest', manifest, '--out', results);
    assert.equal(r.status, 0, r.stderr);
    const res = JSON.parse(await readFile(results, 'utf8')) as Scored;
    assert.deepEqual(
      res.pairs.map((p) => p.id),
      ['ok'],
    );
    assert.ok(
      res.skipped.some(
        (s) =>
          /hand-made\.csv#row 2$/.test(s.path) &&
          /"\.\.\/outside\.png" points outside the dataset folder/.test(s.reason),
      ),
      JSON.stringify(res.skipped),
    );
  });

  it('exit 2 with a message: --manifest with --save, a missing manifest, no --out, an output folder inside the dataset, no saved results', async () => {
    const save = run('score', data, '--model', tinyClipDir, '--manifest', join(dir, 'clean', 'manifest.csv'), '--save');
    assert.equal(save.status, 2);
    assert.match(save.stderr, /--manifest .* --save would replace the folder's saved results/);
    const missing = run('score', data, '--model', tinyClipDir, '--manifest', join(dir, 'nope.csv'));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /manifest not found: .*nope\.csv/);
    const noOut = run('export-clean', data);
    assert.equal(noOut.status, 2);
    assert.match(noOut.stderr, /--out <dir> is required/);
    const inside = run('export-clean', data, '--out', join(data, 'clean'));
    assert.equal(inside.status, 2);
    assert.match(inside.stderr, /lies inside the dataset folder/);
    const empty = join(dir, 'unscored');
    await mkdir(empty);
    const none = run('export-clean', empty, '--out', join(dir, 'x'));
    assert.equal(none.status, 2);
    assert.match(none.stderr, /no saved results/);
  });
});
