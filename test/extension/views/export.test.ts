import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { ReviewSession } from '../../../src/extension/review/review-session';
import {
  defaultExportPath,
  exportContent,
  isExportFormat,
  readFlaggedPairs,
  writeExport,
} from '../../../src/extension/views/export-content';
import { CountingResults, pair, saved } from '../../helpers/review-fixtures';

describe('views: Export review content', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'radalign-export-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  let counted: CountingResults;

  async function flaggedSession(): Promise<ReviewSession> {
    counted = new CountingResults(
      saved([
        pair('b', 2, 'Heart normal. Left effusion, "small".', [0.3, 0.05]),
        pair('a', 1, 'Right opacity.'),
        pair('c', 3, 'Unflagged.'),
      ]),
    );
    const ana = new ReviewSession(dir, counted, { reviewer: 'ana' });
    await ana.load();
    await ana.flag({ pairId: 'a', sentence: null }, 'wrong-study', 'belongs to case9, "not" a');
    const ben = new ReviewSession(dir, counted, { reviewer: 'ben' });
    await ben.load();
    await ben.flag({ pairId: 'b', sentence: 1 }, 'laterality', '');
    await ben.flag({ pairId: 'b', sentence: 0 }, 'other', 'x');
    await ben.unflag({ pairId: 'b', sentence: 0 });
    await ben.verdict('a', 'aligned');
    await ben.verdict('c', 'unsure');
    await ben.verdict('c', null);
    await ben.adjudicate('a', 'mismatched', { reason: 'wrong-study', useReportOf: 'b' });
    return ben;
  }

  it('writes one CSV row per live verdict, adjudication and flag of every reviewer, joined with the scores', async () => {
    const s = await flaggedSession();
    counted.reads.length = 0;
    const { text, rows } = exportContent('csv', s.entries, await readFlaggedPairs(s.entries, s.results));
    assert.deepEqual(
      counted.reads.sort(),
      ['a', 'b'],
      "only the reviewed pairs are read, once each (c's verdict was cleared)",
    );
    assert.equal(rows, 4);
    const parsed = parse(text, { columns: true }) as Record<string, string>[];
    assert.deepEqual(
      parsed
        .map((r) => [
          r.pair,
          r.kind,
          r.verdict,
          r.sentence,
          r.reason,
          r.note,
          r.useReportOf,
          r.reviewer,
          r.rank,
          r.sentenceEvidence,
          r.sentenceText,
        ])
        .sort(),
      [
        ['a', 'adjudication', 'mismatched', '', 'wrong-study', '', 'b', 'ben', '1', '', ''],
        ['a', 'verdict', 'aligned', '', '', '', '', 'ben', '1', '', ''],
        ['a', 'verdict', 'mismatched', '', 'wrong-study', 'belongs to case9, "not" a', '', 'ana', '1', '', ''],
        ['b', 'flag', '', '1', 'laterality', '', '', 'ben', '2', '0.05', 'Left effusion, "small".'],
      ],
    );
  });

  it('writes the same rows as JSON', async () => {
    const s = await flaggedSession();
    const { text } = exportContent('json', s.entries, await readFlaggedPairs(s.entries, s.results));
    const json = JSON.parse(text) as {
      exportedAt: string;
      entries: { pair: string; kind: string; sentence: number | null; suspicion: number }[];
    };
    assert.ok(!Number.isNaN(Date.parse(json.exportedAt)));
    assert.deepEqual(json.entries.map((f) => [f.pair, f.kind, f.sentence, f.suspicion]).sort(), [
      ['a', 'adjudication', null, 0.9],
      ['a', 'verdict', null, 0.9],
      ['a', 'verdict', null, 0.9],
      ['b', 'flag', 1, 0.8],
    ]);
  });

  it('replaces the target whole and leaves no temporary file', async () => {
    const target = defaultExportPath(dir, 'csv');
    assert.equal(target, join(dir, 'radalign-review.csv'));
    await writeFile(target, 'old content that is longer than the new one '.repeat(20));
    await writeExport(target, 'pair\n');
    assert.equal(await readFile(target, 'utf8'), 'pair\n');
    assert.deepEqual(
      (await readdir(dir)).filter((f) => f.startsWith('radalign-review')),
      ['radalign-review.csv'],
    );
    assert.equal(isExportFormat('json'), true);
    assert.equal(isExportFormat('xlsx'), false);
  });
});
