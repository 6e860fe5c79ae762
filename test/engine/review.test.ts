import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { exportCsv, exportJson, exportRows, parseReview, ReviewStore, serializeReview, type ReviewEntry } from '../../src/engine/review';
import type { PairResult } from '../../src/engine/results';

const base = { note: '', reviewer: 'ann', model: 'm1' };

describe('review file', () => {
  let root: string;
  beforeEach(async () => (root = await mkdtemp(join(tmpdir(), 'radalign-review-'))));
  afterEach(() => rm(root, { recursive: true, force: true }));
  const lines = async () => (await readFile(join(root, '.radalign', 'review.jsonl'), 'utf8')).trimEnd().split('\n');

  it('writes one sorted line per flag and reloads it in a new store', async () => {
    const s = new ReviewStore(root);
    await s.record({ ...base, pair: 'b', sentence: 2, reason: 'laterality', sentenceText: 'Left effusion.' });
    await s.record({ ...base, pair: 'a', sentence: null, reason: 'wrong-study', note: 'belongs to "case 9", see, PACS\nline 2' });
    const l = await lines();
    assert.equal(l.length, 2);
    assert.equal(JSON.parse(l[0]).pair, 'a');
    const fresh = new ReviewStore(root);
    const loaded = await fresh.load();
    assert.deepEqual(loaded.problems, []);
    assert.deepEqual(loaded.entries.map((e) => [e.pair, e.sentence, e.reason]), [['a', null, 'wrong-study'], ['b', 2, 'laterality']]);
    assert.equal(loaded.entries[0].note, 'belongs to "case 9", see, PACS\nline 2');
    assert.deepEqual((await readdir(join(root, '.radalign'))).sort(), ['review.jsonl'], 'no temporary files left');
  });

  it('unflagging keeps a tombstone so a merge with an older copy does not resurrect the flag', async () => {
    const s = new ReviewStore(root);
    await s.record({ ...base, pair: 'a', sentence: null, reason: 'other', at: '2026-01-01T00:00:00Z' });
    const older = await readFile(join(root, '.radalign', 'review.jsonl'), 'utf8');
    await s.record({ ...base, pair: 'a', sentence: null, reason: null, at: '2026-01-02T00:00:00Z' });
    assert.deepEqual(s.current(), []);
    // Another window still holding the old flag writes its copy back, plus a new flag of its own.
    const other = parseReview(older).entries;
    const merged = [...other, { ...base, pair: 'c', sentence: null, reason: 'other' as const, at: '2026-01-03T00:00:00Z' }];
    await writeFile(join(root, '.radalign', 'review.jsonl'), serializeReview(merged));
    const reloaded = await s.load();
    assert.deepEqual(reloaded.entries.map((e) => e.pair), ['c']);
  });

  it('two windows flagging different pairs both keep their flags', async () => {
    const w1 = new ReviewStore(root);
    const w2 = new ReviewStore(root);
    await w1.load();
    await w2.load();
    await w1.record({ ...base, pair: 'p1', sentence: null, reason: 'wrong-view' });
    await w2.record({ ...base, pair: 'p2', sentence: 0, reason: 'finding-absent' });
    assert.deepEqual((await lines()).map((l) => JSON.parse(l).pair), ['p1', 'p2']);
  });

  it('a git conflict in the file is resolved by keeping both sides, newest change per target', async () => {
    await mkdir(join(root, '.radalign'));
    const e = (pair: string, reason: ReviewEntry['reason'], at: string) => JSON.stringify({ ...base, pair, sentence: null, reason, at });
    await writeFile(
      join(root, '.radalign', 'review.jsonl'),
      [e('a', 'other', '2026-01-01T00:00:00Z'), '<<<<<<< HEAD', e('b', 'laterality', '2026-01-05T00:00:00Z'), '=======', e('b', 'wrong-study', '2026-01-04T00:00:00Z'), e('c', 'other', '2026-01-04T00:00:00Z'), '>>>>>>> origin/main', ''].join('\n'),
    );
    const s = new ReviewStore(root);
    const r = await s.load();
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.entries.map((x) => [x.pair, x.reason]), [['a', 'other'], ['b', 'laterality'], ['c', 'other']]);
    await s.record({ ...base, pair: 'd', sentence: null, reason: 'other' });
    assert.ok(!(await lines()).some((l) => l.startsWith('<<<<<<<')), 'markers are gone once rewritten');
  });

  it('an unreadable line is reported with its line number and the old file is kept aside before rewriting', async () => {
    await mkdir(join(root, '.radalign'));
    const good = JSON.stringify({ ...base, pair: 'a', sentence: null, reason: 'other', at: '2026-01-01T00:00:00Z' });
    await writeFile(join(root, '.radalign', 'review.jsonl'), `${good}\n{"pair": "b", oops\n`);
    const s = new ReviewStore(root);
    const r = await s.load();
    assert.equal(r.entries.length, 1);
    assert.match(r.problems[0], /review\.jsonl:2: not valid JSON/);
    await s.record({ ...base, pair: 'z', sentence: null, reason: 'other' });
    const files = await readdir(join(root, '.radalign'));
    const aside = files.find((f) => f.startsWith('review.jsonl.unreadable-'));
    assert.ok(aside, files.join());
    assert.match(await readFile(join(root, '.radalign', aside!), 'utf8'), /oops/);
  });

  it('exports CSV and JSON joined with scores; CSV survives commas, quotes and newlines', () => {
    const pairs = [
      { id: 'a', images: ['a.png', 'a2.png'], report: 'a.txt', score: 0.1, suspicion: 0.9, rank: 1, sentences: [{ text: 'Left effusion.', score: 0.05 }] },
    ] as unknown as PairResult[];
    const flags: ReviewEntry[] = [
      { ...base, pair: 'a', sentence: 0, reason: 'laterality', note: 'says "left", image, right\nsecond line', at: '2026-01-01T00:00:00Z' },
      { ...base, pair: 'a', sentence: null, reason: null, at: '2026-01-01T00:00:00Z' },
    ];
    const rows = exportRows(flags, pairs);
    assert.equal(rows.length, 1, 'unflagged targets are not exported');
    const csv = parse(exportCsv(rows), { columns: true }) as Record<string, string>[];
    assert.equal(csv[0].note, 'says "left", image, right\nsecond line');
    assert.equal(csv[0].sentenceText, 'Left effusion.');
    assert.equal(csv[0].images, 'a.png;a2.png');
    assert.equal(csv[0].suspicion, '0.9');
    assert.equal(csv[0].reasonLabel, 'laterality (left/right)');
    assert.equal(JSON.parse(exportJson(rows)).flags[0].rank, 1);
  });
});
