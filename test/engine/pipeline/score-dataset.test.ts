import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { scoreDataset, type ScoreResults } from '../../../src/engine';
import { writeSyntheticDataset } from '../../../src/sample/synthetic-dataset';
import { tinyClipDir, tinyClipOptimumDir } from '../../helpers/fixture-models';

describe('scoring pipeline (fixture model, synthetic dataset)', function () {
  let dir: string;
  let data: string;
  let cache: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'radalign-pipeline-'));
    data = join(dir, 'data');
    cache = join(dir, 'cache');
    await writeSyntheticDataset(data, { pairs: 12, swapped: 2, seed: 3, size: 96 });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  let first: ScoreResults;

  it('scores every pair, ranks them and keeps sentence offsets into the report', async () => {
    first = await scoreDataset(data, { modelDir: tinyClipDir, cacheDir: cache });
    assert.equal(first.pairs.length, 12);
    assert.deepEqual(first.skipped, []);
    assert.deepEqual(
      first.pairs.map((p) => p.rank),
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    for (let i = 1; i < first.pairs.length; i++) assert.ok(first.pairs[i - 1].suspicion >= first.pairs[i].suspicion);
    for (const p of first.pairs) {
      assert.ok(p.suspicion >= 0 && p.suspicion <= 1);
      assert.ok(p.cosine >= -1 && p.cosine <= 1);
      assert.equal(p.images.length, 1);
      assert.equal(p.reportRow, null);
      assert.match(p.reportFile!, /^case\d{4}\.txt$/);
      const onDisk = await readFile(join(data, p.reportFile!), 'utf8');
      assert.equal(p.reportText, onDisk);
      assert.ok(p.sentences.length >= 4);
      for (const s of p.sentences) {
        assert.equal(onDisk.slice(s.start, s.end), s.text);
        assert.ok(s.heatmap, 'a patch model gives every sentence a heatmap');
        assert.equal(s.heatmap!.kind, 'patch');
        assert.equal(s.heatmap!.values.length, s.heatmap!.rows * s.heatmap!.cols);
      }
      assert.ok(p.sentences.some((s) => s.section === 'indication' && !s.describesImage));
      for (const s of p.sentences) {
        assert.ok(s.consistency === null || (s.consistency >= 0 && s.consistency <= 1.000001));
        if (s.consistency === null) assert.equal(s.evidence, s.imageCosine);
      }
      assert.ok(
        p.sentences.some((s) => s.consistency !== null && s.evidence !== s.imageCosine),
        'text evidence enters the evidence',
      );
      assert.ok(p.sentences.some((s) => s.negated));
      assert.equal(p.bestReports.length, 3);
      assert.ok(p.bestReports.every((b) => b.id !== p.id && first.pairs.some((q) => q.id === b.id)));
    }
    assert.equal(first.run.imagesEncoded, 12);
    assert.ok(first.run.textsEncoded > 12);
  });

  it('a second run reuses the cache for every image and report and gives the same scores', async () => {
    const again = await scoreDataset(data, { modelDir: tinyClipDir, cacheDir: cache });
    assert.equal(again.run.imagesEncoded, 0);
    assert.equal(again.run.textsEncoded, 0);
    assert.equal(again.run.cache.hits, 24);
    assert.deepEqual(
      again.pairs.map((p) => [p.id, p.cosine, p.suspicion]),
      first.pairs.map((p) => [p.id, p.cosine, p.suspicion]),
    );
  });

  it('after one report is edited, only that report is encoded again', async () => {
    const file = join(data, 'case0005.txt');
    const text = await readFile(file, 'utf8');
    await writeFile(file, `${text.trimEnd()} Small calcified granuloma noted.\n`);
    const edited = await scoreDataset(data, { modelDir: tinyClipDir, cacheDir: cache });
    assert.equal(edited.run.imagesEncoded, 0);
    // The changed sentence and the report's chunk(s) only; its other sentences are encoded with it.
    const sentences = edited.pairs.find((p) => p.id === 'case0005')!.sentences.length;
    assert.ok(
      edited.run.textsEncoded >= 1 && edited.run.textsEncoded <= sentences + 2,
      `encoded ${edited.run.textsEncoded}`,
    );
    assert.equal(edited.run.cache.misses, 1);
    assert.match(edited.pairs.find((p) => p.id === 'case0005')!.reportText, /calcified granuloma/);
  });

  it('a corrupt cache entry is detected and recomputed to the same values', async () => {
    const subs = await readdir(cache);
    const victim = join(cache, subs[0], (await readdir(join(cache, subs[0])))[0]);
    const bytes = await readFile(victim);
    await writeFile(victim, bytes.subarray(0, bytes.length >> 1));
    const healed = await scoreDataset(data, { modelDir: tinyClipDir, cacheDir: cache });
    assert.equal(healed.run.cache.corrupt, 1);
    assert.equal(healed.run.imagesEncoded + (healed.run.textsEncoded > 0 ? 1 : 0), 1);
    const byId = new Map(healed.pairs.map((p) => [p.id, p.cosine]));
    for (const p of first.pairs) if (p.id !== 'case0005') assert.equal(byId.get(p.id), p.cosine);
  });

  it('an unreadable image is skipped with its path and reason; the rest is scored', async () => {
    const broken = join(dir, 'broken');
    await writeSyntheticDataset(broken, { pairs: 4, swapped: 0, seed: 5, size: 64 });
    await writeFile(join(broken, 'case0002.png'), 'this is not an image');
    const r = await scoreDataset(broken, { modelDir: tinyClipDir, cacheDir: null });
    assert.equal(r.pairs.length, 3);
    const paths = r.skipped.map((s) => s.path);
    assert.ok(paths.includes(join(broken, 'case0002.png')), JSON.stringify(r.skipped));
    assert.ok(r.skipped.every((s) => s.reason.length > 5));
  });

  it('a study folder with two images is one pair; each sentence maps onto one of its images', async () => {
    const studies = join(dir, 'studies');
    await writeSyntheticDataset(studies, { pairs: 3, swapped: 0, seed: 11, size: 64, layout: 'study-folder' });
    const flipped = await sharp(join(studies, 'case0001', 'frontal.png'))
      .flop()
      .negate()
      .png()
      .toBuffer();
    await writeFile(join(studies, 'case0001', 'lateral.png'), flipped);
    const r = await scoreDataset(studies, { modelDir: tinyClipDir, cacheDir: null });
    assert.equal(r.pairs.length, 3);
    const two = r.pairs.find((p) => p.id === 'case0001')!;
    assert.deepEqual(two.images, [join('case0001', 'frontal.png'), join('case0001', 'lateral.png')]);
    assert.deepEqual([two.reportFile, two.reportRow], [join('case0001', 'report.txt'), null]);
    const used = new Set(two.sentences.map((s) => s.heatmap!.imageIndex));
    for (const i of used) assert.ok(i === 0 || i === 1);
    assert.equal(r.run.imagesEncoded, 4);
  });

  it('a manifest with inline report text names its manifest row, relative to the dataset', async () => {
    const m = join(dir, 'manifest');
    await writeSyntheticDataset(join(m, 'img'), { pairs: 2, swapped: 0, seed: 2, size: 48 });
    await writeFile(
      join(m, 'pairs.csv'),
      'id,image,report\nx1,img/case0001.png,"FINDINGS: Left effusion."\nx2,img/case0002.png,"FINDINGS: Clear lungs."\n',
    );
    const r = await scoreDataset(m, { modelDir: tinyClipDir, cacheDir: null, layout: 'manifest' });
    assert.deepEqual(r.pairs.map((p) => p.reportRow).sort(), ['pairs.csv#row 1', 'pairs.csv#row 2']);
    assert.deepEqual(
      r.pairs.map((p) => p.reportFile),
      [null, null],
    );
    assert.deepEqual(r.pairs.find((p) => p.id === 'x1')!.images, [join('img', 'case0001.png')]);
  });

  it('a model without patch outputs gives occlusion heatmaps when asked', async () => {
    const r = await scoreDataset(data, { modelDir: tinyClipOptimumDir, cacheDir: null, heatmaps: 'always' });
    assert.equal(r.model.heatmapKind, 'occlusion');
    const s = r.pairs[0].sentences[0];
    assert.equal(s.heatmap?.kind, 'occlusion');
    assert.equal(s.heatmap!.values.length, 36);
    const none = await scoreDataset(data, { modelDir: tinyClipOptimumDir, cacheDir: null });
    assert.equal(none.pairs[0].sentences[0].heatmap, undefined, "'auto' skips costly occlusion maps");
  });
});
