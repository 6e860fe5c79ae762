import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { ReviewSession } from '../../src/extension/review/review-session';
import { defaultExportPath, exportContent, isExportFormat, readFlaggedPairs, writeExport } from '../../src/extension/views/export-content';
import { CountingResults, pair, saved } from './views-fixtures';

describe('views: Export review content', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'radalign-export-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  let counted: CountingResults;

  async function flaggedSession(): Promise<ReviewSession> {
    counted = new CountingResults(saved([pair('b', 2, 'Heart normal. Left effusion, "small".', [0.3, 0.05]), pair('a', 1, 'Right opacity.'), pair('c', 3, 'Unflagged.')]));
    const s = new ReviewSession(dir, counted);
    await s.loadFlags();
    await s.flag({ pairId: 'a', sentence: null }, 'wrong-study', 'belongs to case9, "not" a', 'ana');
    await s.flag({ pairId: 'b', sentence: 1 }, 'laterality', '', 'ben');
    await s.flag({ pairId: 'b', sentence: 0 }, 'other', 'x', 'ben');
    await s.unflag({ pairId: 'b', sentence: 0 }, 'ben');
    return s;
  }

  it('writes one CSV row per current flag, joined with the scores', async () => {
    const s = await flaggedSession();
    counted.reads.length = 0;
    const { text, rows } = exportContent('csv', s.flags, await readFlaggedPairs(s.flags, s.results));
    assert.deepEqual(counted.reads.sort(), ['a', 'b'], 'only the flagged pairs are read, once each');
    assert.equal(rows, 2);
    const parsed = parse(text, { columns: true }) as Record<string, string>[];
    assert.deepEqual(
      parsed.map((r) => [r.pair, r.target, r.sentence, r.reason, r.reasonLabel, r.note, r.reviewer, r.rank, r.sentenceScore, r.sentenceText]),
      [
        ['a', 'pair', '', 'wrong-study', 'wrong study / patient', 'belongs to case9, "not" a', 'ana', '1', '', ''],
        ['b', 'sentence', '1', 'laterality', 'laterality (left/right)', '', 'ben', '2', '0.05', 'Left effusion, "small".'],
      ],
    );
  });

  it('writes the same rows as JSON', async () => {
    const s = await flaggedSession();
    const { text } = exportContent('json', s.flags, await readFlaggedPairs(s.flags, s.results));
    const json = JSON.parse(text) as { exportedAt: string; flags: { pair: string; sentence: number | null; suspicion: number }[] };
    assert.ok(!Number.isNaN(Date.parse(json.exportedAt)));
    assert.deepEqual(json.flags.map((f) => [f.pair, f.sentence, f.suspicion]), [['a', null, 0.9], ['b', 1, 0.8]]);
  });

  it('replaces the target whole and leaves no temporary file', async () => {
    const target = defaultExportPath(dir, 'csv');
    assert.equal(target, join(dir, 'radalign-review.csv'));
    await writeFile(target, 'old content that is longer than the new one '.repeat(20));
    await writeExport(target, 'pair\n');
    assert.equal(await readFile(target, 'utf8'), 'pair\n');
    assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith('radalign-review')), ['radalign-review.csv']);
    assert.equal(isExportFormat('json'), true);
    assert.equal(isExportFormat('xlsx'), false);
  });
});
