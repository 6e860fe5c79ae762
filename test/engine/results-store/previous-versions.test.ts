// Results written before format 3 (the names before issue 12) are still read, with today's names:
// a radalign-results/2 store and a radalign-results/1 document, both written by the radalign of
// commit 19714d5 (test/fixtures/results-before-v3/README.md), and a `--save` run over such a store
// reuses its unchanged pairs. (results-store/store-v2.ts, results-v1.ts; a part of the older
// version is refused: pipeline/shards-and-increments.test.ts.)
import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resultsInMemory, scoreToStore } from '../../../src/engine';
import { parseResults } from '../../../src/engine/read-results';
import type { PairResult } from '../../../src/engine/results';
import { radalignLocation } from '../../../src/engine/results-store/location';
import { STORE_FORMAT, STORE_FORMAT_V2 } from '../../../src/engine/results-store/store-schema';
import { openSavedResults, type SavedResults } from '../../../src/engine/store/results-file';
import { writeSyntheticDataset } from '../../../src/sample/synthetic-dataset';
import { repoRoot, tinyClipDir } from '../../helpers/fixture-models';

const FIXTURE = join(repoRoot, 'test/fixtures/results-before-v3');

async function all(results: SavedResults): Promise<PairResult[]> {
  const out: PairResult[] = [];
  for await (const p of results.all()) out.push(p);
  return out;
}

describe('results of the previous versions (radalign-results/1 and /2)', function () {
  this.timeout(120_000);
  let dir: string;
  let data: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the old names are not a type any more
  let v1: any;
  /** The pairs of the old run, read from its --out document (the same run as the store). */
  let fromDocument: PairResult[];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'radalign-previous-'));
    data = join(dir, 'data');
    // The dataset the fixtures were scored on: `radalign sample data --pairs 6 --swapped 1 --seed 5` and pairs.csv.
    await writeSyntheticDataset(data, { pairs: 6, swapped: 1, seed: 5 });
    await cp(join(FIXTURE, 'pairs.csv'), join(data, 'pairs.csv'));
    await cp(join(FIXTURE, 'store'), join(data, '.radalign'), { recursive: true });
    const text = await readFile(join(FIXTURE, 'results-v1.json'), 'utf8');
    v1 = JSON.parse(text);
    const parsed = parseResults(text, 'results-v1.json');
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.problem);
    fromDocument = parsed.results.pairs;
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('a radalign-results/1 document is read with each value under its new name', () => {
    assert.equal(v1.format, 'radalign-results/1');
    assert.equal(fromDocument.length, 6);
    for (const [k, p] of fromDocument.entries()) {
      const old = v1.pairs[k];
      assert.equal(p.id, old.id);
      assert.equal(p.cosine, old.score);
      assert.deepEqual([p.reportFile ?? p.reportRow, p.reportFile === null], [old.report, /#row \d$/.test(old.report)]);
      assert.deepEqual(
        p.bestReports,
        old.bestReports.map((b: { id: string; score: number }) => ({ id: b.id, cosine: b.score })),
      );
      assert.deepEqual(
        p.sentences.map((s) => [s.text, s.evidence, s.imageCosine, s.consistency, s.heatmap?.values]),
        old.sentences.map((s: Record<string, unknown>) => [
          s.text,
          s.score,
          s.imageScore,
          s.consistency,
          (s.heatmap as { values: number[] } | undefined)?.values,
        ]),
      );
      assert.ok(!('score' in p) && !('report' in p) && !('imageScore' in p.sentences[0]));
    }
    const rows = fromDocument.filter((p) => p.reportRow !== null).map((p) => [p.id, p.reportRow]);
    assert.deepEqual(rows.sort(), [
      ['case0004', 'pairs.csv#row 4'],
      ['case0005', 'pairs.csv#row 5'],
      ['case0006', 'pairs.csv#row 6'],
    ]);
  });

  it("a radalign-results/2 store opens with today's names: its pairs equal the same run's document, its index too", async () => {
    const summary = JSON.parse(await readFile(join(data, '.radalign', 'results.json'), 'utf8'));
    assert.equal(summary.format, STORE_FORMAT_V2);
    const opened = await openSavedResults(data);
    assert.ok(opened?.ok, opened?.ok ? '' : opened?.problem);
    try {
      const pairs = await all(opened.results);
      assert.deepEqual(
        pairs,
        [...fromDocument].sort((a, b) => a.rank - b.rank),
      );
      for (const p of pairs) {
        const e = opened.results.entry(p.id);
        assert.deepEqual(
          [e?.id, e?.rank, e?.suspicion, e?.cosine, e?.reportFile, e?.reportRow, e?.images],
          [p.id, p.rank, p.suspicion, p.cosine, p.reportFile, p.reportRow, p.images],
        );
      }
    } finally {
      await opened.results.close();
    }
  });

  it('a --save run over a radalign-results/2 store reuses every unchanged pair and writes the current format, values equal', async () => {
    const work = join(dir, 'rescored');
    await cp(data, work, { recursive: true });
    const stored = await scoreToStore(work, radalignLocation(work), {
      modelDir: tinyClipDir,
      cacheDir: null,
      layout: 'manifest',
    });
    try {
      const results = await resultsInMemory(stored);
      assert.equal(results.run.pairsReused, 6, 'every pair copied from the older store');
      assert.equal(results.run.imagesEncoded, 0);
      assert.deepEqual(
        results.pairs,
        [...fromDocument].sort((a, b) => a.rank - b.rank),
      );
    } finally {
      await stored.close();
    }
    const summary = JSON.parse(await readFile(join(work, '.radalign', 'results.json'), 'utf8'));
    assert.equal(summary.format, STORE_FORMAT);
  });

  it('a damaged record of a radalign-results/2 store is refused naming the file, the place and the field as it spells it', async () => {
    const work = join(dir, 'damaged');
    await cp(data, work, { recursive: true });
    const folder = join(work, '.radalign');
    const pairsFile = (await readdir(folder)).find((n) => n.endsWith('.pairs.jsonl'))!;
    const text = await readFile(join(folder, pairsFile), 'utf8');
    const broken = text.replace('"imageScore":', '"imageScorf":');
    assert.equal(broken.length, text.length);
    await writeFile(join(folder, pairsFile), broken);
    const opened = await openSavedResults(work);
    assert.ok(opened?.ok, opened?.ok ? '' : opened?.problem);
    try {
      await assert.rejects(
        all(opened.results),
        new RegExp(`${pairsFile} at byte \\d+: sentences\\[0\\]\\.imageScore: missing`),
      );
    } finally {
      await opened.results.close();
    }
  });
});
