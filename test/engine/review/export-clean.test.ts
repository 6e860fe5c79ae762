// exportClean on real scored datasets (the tiny fixture model): what is kept, dropped and
// re-paired, the three manifest forms, R2Gen's annotation.json read back by discovery, and the
// guards: never inside the dataset folder (by real path), never over someone else's files, and
// the dataset folder byte-identical afterwards.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
import { discover, scoreToStore } from '../../../src/engine';
import { radalignLocation } from '../../../src/engine/results-store/location';
import { decidePair } from '../../../src/engine/review/clean-rules';
import { CleanExportNoResults, CleanExportRefused, exportClean } from '../../../src/engine/review/export-clean';
import { ReviewIndex } from '../../../src/engine/review/review-index';
import { ReviewStore } from '../../../src/engine/review/review-store';
import type { FlagReason, Verdict } from '../../../src/engine/review/types';
import { openSavedResults } from '../../../src/engine/store/results-file';
import { writeSyntheticDataset } from '../../../src/sample/synthetic-dataset';
import { tinyClipDir } from '../../helpers/fixture-models';

/** Every file under `dir` (hidden ones included) with the sha256 of its bytes. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    out[path.slice(dir.length)] = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
  }
  return out;
}

type Judged = {
  pair: string;
  reviewer: string;
  verdict: Verdict;
  reason?: FlagReason;
  useReportOf?: string;
  adjudicate?: boolean;
};

async function judge(root: string, ...verdicts: Judged[]): Promise<void> {
  const store = new ReviewStore(root);
  for (const v of verdicts) {
    await store.record({
      kind: v.adjudicate ? 'adjudication' : 'verdict',
      pair: v.pair,
      reviewer: v.reviewer,
      verdict: v.verdict,
      reason: v.reason ?? null,
      note: '',
      model: 'tiny',
      ...(v.useReportOf ? { useReportOf: v.useReportOf } : {}),
    });
  }
}

const readJsonl = async (file: string) =>
  (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('exportClean', function () {
  this.timeout(120_000);
  let dir: string;
  let data: string;
  let ids: string[];
  let reportText: Map<string, string>;
  let reportPath: Map<string, string>;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'radalign-clean-'));
    data = join(dir, 'data');
    await writeSyntheticDataset(data, { pairs: 9, swapped: 1, seed: 4, size: 64 });
    const stored = await scoreToStore(data, radalignLocation(data), { modelDir: tinyClipDir, cacheDir: null });
    await stored.close();
    const opened = await openSavedResults(data);
    assert.ok(opened?.ok);
    ids = opened.results.ids().sort();
    reportText = new Map();
    reportPath = new Map();
    for await (const p of opened.results.all()) {
      reportText.set(p.id, p.reportText);
      reportPath.set(p.id, p.reportFile!);
    }
    await opened.results.close();
    const [aligned, wrong, swapped, other, unsure, split, settled, unknown] = ids;
    await judge(
      data,
      { pair: aligned, reviewer: 'ann', verdict: 'aligned' },
      { pair: wrong, reviewer: 'ann', verdict: 'mismatched', reason: 'wrong-study' },
      { pair: swapped, reviewer: 'ann', verdict: 'mismatched', reason: 'wrong-study', useReportOf: other },
      { pair: unsure, reviewer: 'ann', verdict: 'unsure' },
      { pair: split, reviewer: 'ann', verdict: 'aligned' },
      { pair: split, reviewer: 'bob', verdict: 'mismatched', reason: 'laterality' },
      { pair: settled, reviewer: 'ann', verdict: 'aligned' },
      { pair: settled, reviewer: 'bob', verdict: 'mismatched' },
      { pair: settled, reviewer: 'cy', verdict: 'aligned', adjudicate: true },
      { pair: unknown, reviewer: 'bob', verdict: 'mismatched', useReportOf: 'no-such-pair' },
      { pair: 'gone', reviewer: 'bob', verdict: 'aligned' },
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('keeps, drops and re-pairs by the review; writes CSV and JSONL alike; leaves the dataset folder byte-identical', async () => {
    const [aligned, wrong, swapped, other, unsure, split, settled, unknown, untouched] = ids;
    const before = await snapshot(data);
    assert.ok(
      Object.keys(before).some((f) => f.endsWith(join('.radalign', 'review.jsonl'))),
      'the snapshot sees the review file and results',
    );
    const out = join(dir, 'clean');
    const summary = await exportClean(data, out);
    assert.deepEqual(await snapshot(data), before, 'the dataset folder is not modified');

    assert.deepEqual(summary.files, ['manifest.csv', 'manifest.jsonl', 'clean-summary.json']);
    assert.deepEqual((await readdir(out)).sort(), ['clean-summary.json', 'manifest.csv', 'manifest.jsonl']);
    const rows = await readJsonl(join(out, 'manifest.jsonl'));
    assert.deepEqual(
      rows.map((r) => r.id),
      [aligned, swapped, other, unsure, settled, untouched],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    // The re-paired pair: its own images and id, the other pair's report (text and file).
    const re = byId.get(swapped);
    assert.deepEqual(
      [re.action, re.review_outcome, re.report_of, re.report, re.report_path],
      ['re-paired', 'mismatched', other, reportText.get(other), reportPath.get(other)],
    );
    assert.deepEqual(re.images, [`${swapped}.png`]);
    assert.deepEqual([byId.get(other).report, byId.get(other).action], [reportText.get(other), 'kept']);
    assert.deepEqual(
      [byId.get(unsure).review_outcome, byId.get(settled).review_outcome, byId.get(untouched).review_outcome],
      ['unsure', 'aligned', 'unreviewed'],
    );
    assert.deepEqual(byId.get(settled).adjudication, { reviewer: 'cy', verdict: 'aligned', reason: null });
    assert.equal(byId.get(untouched).report, reportText.get(untouched));

    const csv = parse(await readFile(join(out, 'manifest.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    assert.deepEqual(
      csv.map((r) => [r.id, r.images, r.report, r.report_path, r.action, r.report_of]),
      rows.map((r) => [r.id, r.images.join(';'), r.report, r.report_path ?? '', r.action, r.report_of]),
    );
    assert.equal(
      csv.find((r) => r.id === split),
      undefined,
    );

    const onDisk = JSON.parse(await readFile(join(out, 'clean-summary.json'), 'utf8'));
    assert.deepEqual(onDisk, JSON.parse(JSON.stringify(summary)));
    assert.equal(onDisk.format, 'radalign-clean/1');
    assert.match(onDisk.source.generation, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(onDisk.options, { unsure: 'keep', disagreed: 'drop', reviewedOnly: false });
    assert.deepEqual(onDisk.counts, {
      pairs: 9,
      written: 6,
      kept: 5,
      rePaired: 1,
      dropped: 3,
      keptBy: { unreviewed: 2, aligned: 2, unsure: 1, disagreed: 0 },
      droppedBy: { mismatched: 1, disagreed: 1, unsure: 0, unreviewed: 0, 're-pair-refused': 1 },
    });
    assert.deepEqual(onDisk.dropped, [
      { id: wrong, reason: 'mismatched', mismatch: 'wrong-study', reviewers: ['ann'] },
      {
        id: split,
        reason: 'disagreed',
        detail: 'reviewers disagree and no adjudication settles the pair',
        reviewers: ['ann', 'bob'],
      },
      {
        id: unknown,
        reason: 're-pair-refused',
        detail: `the review pairs it with the report of "no-such-pair", which is not in the saved results`,
        reviewers: ['bob'],
      },
    ]);
    assert.deepEqual(onDisk.rePaired, [{ id: swapped, reportOf: other, reviewers: ['ann'] }]);
    assert.equal(onDisk.review.pairsNotInResults, 1);
    assert.equal(onDisk.r2gen, false);
  });

  it('options: unsure dropped, disagreed kept, reviewed only; a second export replaces the first', async () => {
    const [aligned, , swapped, , unsure, split, settled] = ids;
    const out = join(dir, 'clean-options');
    const summary = await exportClean(data, out, { unsure: 'drop', disagreed: 'keep', reviewedOnly: true });
    const rows = await readJsonl(join(out, 'manifest.jsonl'));
    assert.deepEqual(
      rows.map((r) => r.id),
      [aligned, swapped, split, settled],
    );
    assert.equal(rows.find((r) => r.id === split).review_outcome, 'disagreed');
    assert.deepEqual([summary.counts.droppedBy.unsure, summary.counts.droppedBy.unreviewed], [1, 2]);
    assert.ok(summary.dropped.some((d) => d.id === unsure && d.reason === 'unsure'));
    const again = await exportClean(data, out);
    assert.equal(again.counts.written, 6, 'an earlier export in the folder is replaced');
    assert.equal((await readJsonl(join(out, 'manifest.jsonl'))).length, 6);
  });

  it('refuses an output folder inside the dataset folder, also through a link, and creates nothing', async () => {
    await assert.rejects(
      exportClean(data, join(data, 'clean', 'deeper')),
      (e: Error) => e instanceof CleanExportRefused && /lies inside the dataset folder/.test(e.message),
    );
    await assert.rejects(exportClean(data, data), CleanExportRefused);
    const link = join(dir, 'link-to-data');
    await symlink(data, link);
    await assert.rejects(
      exportClean(data, join(link, 'out')),
      (e: Error) => e instanceof CleanExportRefused && /resolves to .*data/.test(e.message),
    );
    assert.ok(!(await readdir(data)).includes('clean'));
    assert.ok(!(await readdir(data)).includes('out'));
  });

  it('refuses a folder holding other files, and says why; no saved results is its own error', async () => {
    const busy = join(dir, 'busy');
    await mkdir(busy);
    await writeFile(join(busy, 'manifest.csv'), 'my own work\n');
    await assert.rejects(exportClean(data, busy), /not empty \(manifest\.csv\) and holds no clean-summary\.json/);
    assert.equal(await readFile(join(busy, 'manifest.csv'), 'utf8'), 'my own work\n');
    await writeFile(join(busy, 'clean-summary.json'), '{"format": "something-else"}');
    await assert.rejects(exportClean(data, busy), /not a summary of format "radalign-clean\/1"/);

    const empty = join(dir, 'unscored');
    await mkdir(empty);
    await assert.rejects(
      exportClean(empty, join(dir, 'x')),
      (e: Error) => e instanceof CleanExportNoResults && /no saved results/.test(e.message),
    );
  });

  it('rules: conflicting report choices are refused; an adjudication chooses', () => {
    const index = new ReviewIndex([
      {
        kind: 'verdict',
        pair: 'a',
        reviewer: 'ann',
        verdict: 'mismatched',
        reason: null,
        useReportOf: 'b',
        note: '',
        at: '2026-01-01T00:00:00Z',
        rev: 1,
        model: '',
      },
      {
        kind: 'verdict',
        pair: 'a',
        reviewer: 'bob',
        verdict: 'mismatched',
        reason: null,
        useReportOf: 'c',
        note: '',
        at: '2026-01-01T00:00:00Z',
        rev: 1,
        model: '',
      },
    ]);
    const d = decidePair('a', index.get('a'), {}, () => true);
    assert.equal(d.action, 'drop');
    assert.match(d.action === 'drop' ? d.detail! : '', /"b" by ann, "c" by bob/);
    const settled = new ReviewIndex([
      ...[...index.pairs()][0].verdicts,
      {
        kind: 'adjudication',
        pair: 'a',
        reviewer: 'cy',
        verdict: 'mismatched',
        reason: 'wrong-study',
        useReportOf: 'c',
        note: '',
        at: '2026-01-01T00:00:00Z',
        rev: 1,
        model: '',
      },
    ]);
    assert.deepEqual(
      decidePair('a', settled.get('a'), {}, () => true),
      {
        action: 're-pair',
        outcome: 'mismatched',
        useReportOf: 'c',
        reviewers: ['ann', 'bob'],
        adjudicatedBy: 'cy',
        mismatch: 'wrong-study',
      },
    );
    assert.equal(decidePair('a', settled.get('a'), {}, (id) => id !== 'c').action, 'drop');
  });
});

describe('exportClean of an R2Gen dataset', function () {
  this.timeout(120_000);
  let dir: string;
  let data: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'radalign-clean-r2gen-'));
    data = join(dir, 'iu');
    await mkdir(join(data, 'images', 'CXR1'), { recursive: true });
    await mkdir(join(data, 'images', 'CXR2'), { recursive: true });
    await mkdir(join(data, 'images', 'CXR3'), { recursive: true });
    await mkdir(join(data, 'images', 'CXR4'), { recursive: true });
    const png = (shade: number) =>
      sharp({ create: { width: 48, height: 48, channels: 3, background: { r: shade, g: shade, b: shade } } })
        .png()
        .toBuffer();
    for (const [k, id] of ['CXR1', 'CXR2', 'CXR3', 'CXR4'].entries()) {
      await writeFile(join(data, 'images', id, '0.png'), await png(40 + k * 40));
      await writeFile(join(data, 'images', id, '1.png'), await png(60 + k * 40));
    }
    const entry = (id: string, split: string, report: string) => ({
      id,
      report,
      image_path: [`${id}/0.png`, `${id}/1.png`],
      split,
    });
    await writeFile(
      join(data, 'annotation.json'),
      JSON.stringify({
        train: [
          entry('CXR1', 'train', 'The heart is normal in size. No effusion.'),
          entry('CXR2', 'train', 'Left lower lobe opacity.'),
        ],
        val: [entry('CXR3', 'val', 'Right pleural effusion.')],
        test: [entry('CXR4', 'test', '- Lungs are clear.')],
      }),
    );
    const stored = await scoreToStore(data, radalignLocation(data), { modelDir: tinyClipDir, cacheDir: null });
    await stored.close();
    await judge(
      data,
      { pair: 'CXR2', reviewer: 'ann', verdict: 'mismatched', reason: 'laterality' },
      { pair: 'CXR3', reviewer: 'ann', verdict: 'mismatched', useReportOf: 'CXR2' },
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("writes annotation.json in R2Gen's shape, which discovery reads back against the dataset folder", async () => {
    const out = join(dir, 'clean');
    const summary = await exportClean(data, out);
    assert.equal(summary.r2gen, true);
    assert.deepEqual(summary.files, ['manifest.csv', 'manifest.jsonl', 'annotation.json', 'clean-summary.json']);
    const annotation = JSON.parse(await readFile(join(out, 'annotation.json'), 'utf8'));
    assert.deepEqual(annotation, {
      train: [
        {
          id: 'CXR1',
          report: 'The heart is normal in size. No effusion.',
          image_path: ['images/CXR1/0.png', 'images/CXR1/1.png'],
          split: 'train',
        },
      ],
      val: [
        {
          id: 'CXR3',
          report: 'Left lower lobe opacity.',
          image_path: ['images/CXR3/0.png', 'images/CXR3/1.png'],
          split: 'val',
        },
      ],
      test: [
        {
          id: 'CXR4',
          report: '- Lungs are clear.',
          image_path: ['images/CXR4/0.png', 'images/CXR4/1.png'],
          split: 'test',
        },
      ],
    });
    const rows = await readJsonl(join(out, 'manifest.jsonl'));
    assert.deepEqual(
      rows.map((r) => [r.id, r.split, r.report_path]),
      [
        ['CXR1', 'train', null],
        ['CXR3', 'val', null],
        ['CXR4', 'test', null],
      ],
    );
    // A spreadsheet would take "- Lungs" for a formula: the CSV cell is neutralised, the JSONL exact.
    const csv = parse(await readFile(join(out, 'manifest.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    assert.equal(csv.find((r) => r.id === 'CXR4')!.report, "'- Lungs are clear.");

    for (const manifest of ['annotation.json', 'manifest.jsonl']) {
      const back = await discover(data, { manifest: join(out, manifest) });
      assert.deepEqual(
        back.pairs.map((p) => [
          p.id,
          p.images.map((i) => i.slice(data.length + 1)),
          p.report.kind === 'inline' ? p.report.text : p.report.path,
          p.split,
        ]),
        rows.map((r) => [r.id, r.images, r.report, r.split]),
        manifest,
      );
      if (manifest === 'annotation.json') assert.ok(back.pairs.every((p) => p.layout === 'r2gen'));
    }
  });
});
