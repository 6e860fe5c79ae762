// `radalign score --shard K/N --shard-dir` and `radalign merge`, run as a scheduler runs them:
// the built CLI in separate processes; the merged --out equals one run's --out but for `run`.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticDataset } from '../../src/sample/synthetic-dataset';
import { tinyClipDir } from '../helpers/fixture-models';
import { cliRunner } from '../helpers/run-cli';

describe('radalign score --shard and radalign merge (CLI)', function () {
  this.timeout(120_000);
  let dir: string;
  const run = cliRunner();
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'radalign-shard-cli-'));
    await writeSyntheticDataset(join(dir, 'data'), { pairs: 14, seed: 9, size: 64 });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('two parts merged with --out equal one run with --out, apart from the run record', async () => {
    const data = join(dir, 'data');
    const common = ['--model', tinyClipDir, '--cache-dir', join(dir, 'cache')];
    const one = run('score', data, ...common, '--out', join(dir, 'one.json'));
    assert.equal(one.status, 0, one.stderr);
    for (const k of ['1', '0']) {
      const part = run('score', data, ...common, '--shard', `${k}/2`, '--shard-dir', join(dir, 'parts'));
      assert.equal(part.status, 0, part.stderr);
      assert.match(part.stdout, new RegExp(`Part ${k} of 2: pairs \\d+–\\d+ of 14`));
    }
    const merged = run('merge', join(dir, 'parts'), '--out', join(dir, 'merged.json'), '--save', data);
    assert.equal(merged.status, 0, merged.stderr);
    assert.match(merged.stdout, /Merged 2 parts/);
    const a = JSON.parse(await readFile(join(dir, 'one.json'), 'utf8'));
    const b = JSON.parse(await readFile(join(dir, 'merged.json'), 'utf8'));
    assert.equal(a.pairs.length, 14);
    assert.deepStrictEqual(b.pairs, a.pairs);
    assert.deepStrictEqual(b.skipped, a.skipped);
    assert.equal(b.run.shards, 2);
    // --save put the merged store where the extension and `radalign flag` read it.
    const flagged = run('flag', data, a.pairs[0].id, 'other');
    assert.equal(flagged.status, 0, flagged.stderr);
  });

  it('refuses bad shard arguments and an incomplete merge with exit 2 and a reason', () => {
    const data = join(dir, 'data');
    const bad = run('score', data, '--model', tinyClipDir, '--shard', '2/2', '--shard-dir', join(dir, 'x'));
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /expected K\/N with 0 ≤ K < N \(e\.g\. 3\/16\), got "2\/2"/);
    const noDir = run('score', data, '--model', tinyClipDir, '--shard', '0/2');
    assert.equal(noDir.status, 2);
    assert.match(noDir.stderr, /--shard needs --shard-dir/);
    const part = run(
      'score',
      data,
      '--model',
      tinyClipDir,
      '--no-cache',
      '--shard',
      '0/3',
      '--shard-dir',
      join(dir, 'few'),
    );
    assert.equal(part.status, 0, part.stderr);
    const merge = run('merge', join(dir, 'few'), '--out', join(dir, 'never.json'));
    assert.equal(merge.status, 2);
    assert.match(merge.stderr, /cannot merge: parts 1, 2 of 3 are missing or unfinished/);
  });
});
