// Scoring in parts and merging them gives what one run gives; a second run over a saved store
// copies unchanged pairs and still equals a full run; the store refuses what it cannot trust.
import assert from 'node:assert/strict';
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  mergeShards,
  resultsInMemory,
  scoreDataset,
  scoreShard,
  scoreToStore,
  ScoreError,
  type ScoreResults,
} from '../../../src/engine';
import { folderLocation, radalignLocation } from '../../../src/engine/results-store/location';
import { writeResultsJson } from '../../../src/engine/results-store/results-json';
import { StoredResults } from '../../../src/engine/results-store/results-store';
import { PART_FORMAT } from '../../../src/engine/results-store/part-header';
import { MAX_V1_RESULTS_BYTES, openSavedResults } from '../../../src/engine/store/results-file';
import { parseResults } from '../../../src/engine/read-results';
import { RESULTS_FORMAT } from '../../../src/engine/results-schema';
import { RACY_MARGIN_MS } from '../../../src/engine/cache/file-identity';
import { writeSyntheticDataset } from '../../../src/sample/synthetic-dataset';
import { countOpens } from '../../helpers/count-opens';
import { repoRoot, tinyClipDir } from '../../helpers/fixture-models';
import { spawnSync } from 'node:child_process';

describe('scoring in parts, merging, and incremental runs', function () {
  this.timeout(120_000);
  let dir: string;
  let data: string;
  let cache: string;
  let single: ScoreResults;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'radalign-shards-'));
    data = join(dir, 'data');
    cache = join(dir, 'cache');
    await writeSyntheticDataset(data, { pairs: 23, swapped: 3, seed: 11, size: 96 });
    // Two reports share their text (ties among competitors), one image is unreadable (a skip in some part).
    await writeFile(join(data, 'case0004.txt'), await readFile(join(data, 'case0003.txt'), 'utf8'));
    await writeFile(join(data, 'case0017.png'), 'not a png');
    single = await scoreDataset(data, { modelDir: tinyClipDir, cacheDir: cache });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('three parts merged equal one run over the whole folder, skips included and in order', async () => {
    const shards = join(dir, 'shards');
    // Parts finish in any order on a cluster.
    for (const index of [2, 0, 1])
      await scoreShard(data, shards, { index, count: 3 }, { modelDir: tinyClipDir, cacheDir: cache });
    const merged = await mergeShards(shards, folderLocation(join(dir, 'merged')));
    const results = await resultsInMemory(merged);
    await merged.close();
    assert.equal(results.pairs.length, 22);
    assert.ok(single.skipped.some((s) => s.path.endsWith('case0017.png')));
    assert.deepStrictEqual(results.pairs, single.pairs);
    assert.deepStrictEqual(results.skipped, single.skipped);
    assert.equal(results.run.shards, 3);
  });

  it('a part run again replaces itself; merge refuses a missing part, naming it, and parts of another split', async () => {
    const shards = join(dir, 'partial');
    await scoreShard(data, shards, { index: 0, count: 3 }, { modelDir: tinyClipDir, cacheDir: cache });
    await scoreShard(data, shards, { index: 0, count: 3 }, { modelDir: tinyClipDir, cacheDir: cache });
    await scoreShard(data, shards, { index: 2, count: 3 }, { modelDir: tinyClipDir, cacheDir: cache });
    await assert.rejects(
      mergeShards(shards, folderLocation(join(dir, 'm2'))),
      (e: Error) => e instanceof ScoreError && /part 1 of 3 is missing or unfinished/.test(e.message),
    );
    // The same pair ids in another folder: refused, not mixed in.
    const other = join(dir, 'other-data');
    await cp(data, other, { recursive: true });
    await scoreShard(other, shards, { index: 1, count: 3 }, { modelDir: tinyClipDir, cacheDir: cache });
    await assert.rejects(
      mergeShards(shards, folderLocation(join(dir, 'm4'))),
      /part 1 scored .*other-data, part 0 .*data \(every part must see the dataset at the same path\)/,
    );
    // A part an earlier radalign wrote (its pairs with the names before results format 3): refused by its version.
    const header = join(shards, 'shard-0001-of-0003.json');
    const text = await readFile(header, 'utf8');
    await writeFile(header, text.replace(`"format":"${PART_FORMAT}"`, '"format":"radalign-part/1"'));
    await assert.rejects(
      mergeShards(shards, folderLocation(join(dir, 'm5'))),
      (e: Error) =>
        e instanceof ScoreError &&
        e.message.includes(
          'shard-0001-of-0003.json: format "radalign-part/1" is a part written by another radalign version',
        ) &&
        e.message.includes('score that part again'),
    );
    await writeFile(header, text);
    await scoreShard(data, shards, { index: 1, count: 2 }, { modelDir: tinyClipDir, cacheDir: cache });
    await assert.rejects(
      mergeShards(shards, folderLocation(join(dir, 'm3'))),
      /shard 1\/2 is from a split into 2, not 3/,
    );
    await assert.rejects(
      scoreShard(data, shards, { index: 3, count: 3 }, { modelDir: tinyClipDir }),
      /expected K\/N with 0 ≤ K < N/,
    );
  });

  it('a second saved run copies every unchanged pair, reads no image, and equals a full run; an edited report is scored again', async () => {
    const work = join(dir, 'incremental');
    await writeSyntheticDataset(work, { pairs: 60, swapped: 3, seed: 5, size: 96 });
    // Files written within the last seconds are hashed however their status looks (the identity
    // index's racy-write rule); a dataset is older than that.
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (const name of await readdir(work)) if (name.endsWith('.png')) await utimes(join(work, name), hourAgo, hourAgo);
    await new Promise((r) => setTimeout(r, RACY_MARGIN_MS + 200)); // utimes itself just changed their ctime
    const opts = { modelDir: tinyClipDir, cacheDir: join(dir, 'cache-incremental') };
    const first = await scoreToStore(work, radalignLocation(work), opts);
    assert.equal(first.run.pairsReused, 0);
    await first.close();
    const second = await scoreToStore(work, radalignLocation(work), opts);
    assert.equal(second.run.pairsReused, 60);
    assert.equal(second.run.ranking, 'updated', 'nothing changed: the ranking is updated from the saved one');
    assert.equal(second.run.imagesEncoded, 0);
    assert.equal(second.run.imagesHashed, 0, 'unchanged images are recognised by their status');
    await second.close();

    await appendFile(join(work, 'case0005.txt'), '\nThere is a new left pleural effusion.\n');
    const third = await scoreToStore(work, radalignLocation(work), opts);
    assert.equal(third.run.pairsReused, 59);
    assert.equal(third.run.ranking, 'updated', 'one pair in 60 changed: its ranking is updated, not computed anew');
    const incremental = await resultsInMemory(third);
    await third.close();
    const full = await scoreDataset(work, opts);
    assert.deepStrictEqual(
      incremental.pairs,
      full.pairs,
      'copied pairs re-ranked with the edited one equal a run from scratch',
    );
    assert.match(incremental.pairs.find((p) => p.id === 'case0005')!.reportText, /new left pleural effusion/);
    // A ranking file that cannot be right (a best match beyond the last pair) is not updated from:
    // the next run ranks anew, with the same results.
    const rankingFile = (await readdir(join(work, '.radalign'))).find((n) => n.endsWith('.ranking.bin'))!;
    const ranking = await readFile(join(work, '.radalign', rankingFile));
    ranking.writeUInt32LE(0xffffff, 12); // row 0's first best match
    await writeFile(join(work, '.radalign', rankingFile), ranking);
    const fourth = await scoreToStore(work, radalignLocation(work), opts);
    assert.equal(fourth.run.ranking, 'full');
    assert.deepStrictEqual((await resultsInMemory(fourth)).pairs, full.pairs);
    await fourth.close();
    // Only the current generation's files are left in .radalign.
    const names = await readdir(join(work, '.radalign'));
    assert.equal(names.filter((n) => n.startsWith('part.')).length, 0, `no part files left: ${names.join(', ')}`);
    assert.equal(
      new Set(names.filter((n) => n.startsWith('results.') && n !== 'results.json').map((n) => n.split('.')[1])).size,
      1,
      `one generation: ${names.join(', ')}`,
    );
  });

  it('a run cancelled halfway leaves the saved results whole and readable', async () => {
    const work = join(dir, 'cancelled');
    await writeSyntheticDataset(work, { pairs: 40, seed: 6, size: 96 });
    const opts = { modelDir: tinyClipDir, cacheDir: join(dir, 'cache-cancel') };
    // Saved by another process, which has ended (as a CLI run or the extension's worker does).
    const saved = spawnSync(
      process.execPath,
      [
        join(repoRoot, 'bin', 'radalign.js'),
        'score',
        work,
        '--model',
        tinyClipDir,
        '--cache-dir',
        opts.cacheDir,
        '--save',
      ],
      { encoding: 'utf8' },
    );
    assert.equal(saved.status, 0, saved.stderr);
    const before = await openSavedResults(work);
    assert.ok(before?.ok);
    const ids = before.results.ids();
    await before.results.close();
    await appendFile(join(work, 'case0002.txt'), '\nA new nodule.\n');
    const abort = new AbortController();
    await assert.rejects(
      scoreToStore(work, radalignLocation(work), {
        ...opts,
        signal: abort.signal,
        onProgress: (p) => p.phase === 'scoring' && p.done > 0 && abort.abort(),
      }),
      /scoring was cancelled/,
    );
    const after = await openSavedResults(work);
    assert.ok(after?.ok, after?.ok ? '' : after?.problem);
    assert.deepEqual(after.results.ids(), ids);
    assert.equal((await after.results.page(1, 40)).length, 40);
    assert.ok(
      after.results instanceof StoredResults && (await after.results.previousRanking()),
      'the ranking file is still there',
    );
    await after.results.close();
    assert.deepEqual(
      (await readdir(join(work, '.radalign'))).filter((n) => n.startsWith('part.')),
      [],
      'the cancelled run left no part behind',
    );
  });

  it('a store that is not kept (results only in memory, or --out without --save) reads each image file once', async () => {
    const work = join(dir, 'reads');
    await writeSyntheticDataset(work, { pairs: 6, seed: 12, size: 96 });
    const opens = countOpens(work);
    try {
      await scoreDataset(work, { modelDir: tinyClipDir, cacheDir: join(dir, 'cache-reads') });
    } finally {
      opens.restore();
    }
    const images = opens.paths.filter((p) => p.endsWith('.png'));
    assert.equal(images.length, 6, `opened: ${images.join(', ')}`);
    assert.equal(new Set(images).size, 6);
  });

  it('--out writes the results document (radalign-results/3) as a stream, equal to the results in memory', async () => {
    const stored = await scoreToStore(data, folderLocation(join(dir, 'for-out')), {
      modelDir: tinyClipDir,
      cacheDir: cache,
    });
    const file = join(dir, 'out.json');
    assert.equal(await writeResultsJson(stored, file), 22);
    await stored.close();
    const parsed = parseResults(await readFile(file, 'utf8'), file);
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.problem);
    assert.equal(parsed.results.format, RESULTS_FORMAT);
    assert.deepStrictEqual(parsed.results.pairs, single.pairs);
    assert.deepStrictEqual(parsed.results.skipped, single.skipped);
  });

  it('reads a page, a pair by id and the index without reading every pair; refuses a damaged store naming the file', async () => {
    const work = join(dir, 'paged');
    await writeSyntheticDataset(work, { pairs: 10, seed: 8, size: 96 });
    (await scoreToStore(work, radalignLocation(work), { modelDir: tinyClipDir, cacheDir: cache })).close();
    const opened = await openSavedResults(work);
    assert.ok(opened?.ok);
    const saved = opened.results;
    assert.equal(saved.count, 10);
    const page = await saved.page(4, 3);
    assert.deepEqual(
      page.map((p) => p.rank),
      [4, 5, 6],
    );
    assert.deepStrictEqual(await saved.pair(page[1].id), page[1]);
    assert.equal(saved.entry(page[2].id)?.rank, 6);
    assert.equal(await saved.pair('no-such-pair'), undefined);
    await saved.close();

    const folder = join(work, '.radalign');
    const pairsFile = (await readdir(folder)).find((n) => n.endsWith('.pairs.jsonl'))!;
    const text = await readFile(join(folder, pairsFile), 'utf8');
    // Same length, one field broken in the first record: the file opens (its size is right), and
    // reading that pair is refused by the record's schema, naming the file, the place and the field.
    const broken = text.replace(/("section":"[a-z-]*)[a-z]"/, '$1Z"');
    assert.equal(broken.length, text.length);
    assert.notEqual(broken, text);
    await writeFile(join(folder, pairsFile), broken);
    const damaged = await openSavedResults(work);
    assert.ok(damaged?.ok, damaged?.ok ? '' : damaged?.problem);
    await assert.rejects(
      damaged.results.page(1, 10),
      new RegExp(`${pairsFile} at byte 0: sentences\\[0\\]\\.section: expected`),
    );
    await damaged.results.close();
    // Cut short: refused when opened, saying so.
    await writeFile(join(folder, pairsFile), text.slice(0, 100));
    const cut = await openSavedResults(work);
    assert.equal(cut?.ok, false);
    assert.match(cut!.ok ? '' : cut!.problem, /bytes, but its writer wrote \d+ \(cut short or changed since\)/);
  });

  it('refuses an older single-document results.json above the size read in one piece, without reading it', async () => {
    const work = join(dir, 'big-v1');
    await mkdir(join(work, '.radalign'), { recursive: true });
    const file = join(work, '.radalign', 'results.json');
    await writeFile(file, '{"format":"radalign-results/1"');
    await truncate(file, MAX_V1_RESULTS_BYTES + 1); // sparse: no disk used
    const opened = await openSavedResults(work);
    assert.equal(opened?.ok, false);
    assert.match(
      opened!.ok ? '' : opened!.problem,
      new RegExp(
        `results\\.json: ${MAX_V1_RESULTS_BYTES + 1} bytes, more than the ${MAX_V1_RESULTS_BYTES} read in one piece`,
      ),
    );
  });

  it('refuses a summary that names a file outside the store', async () => {
    const work = join(dir, 'gate');
    await writeSyntheticDataset(work, { pairs: 6, seed: 2, size: 96 });
    (await scoreToStore(work, radalignLocation(work), { modelDir: tinyClipDir, cacheDir: cache })).close();
    const summaryFile = join(work, '.radalign', 'results.json');
    const summary = JSON.parse(await readFile(summaryFile, 'utf8'));
    summary.files.index = '../../../../etc/passwd';
    await writeFile(summaryFile, JSON.stringify(summary));
    const opened = await openSavedResults(work);
    assert.equal(opened?.ok, false);
    assert.match(
      opened!.ok ? '' : opened!.problem,
      /files\.index: expected a file name of the form results\.<generation>\.<kind>/,
    );
  });
});
