import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { exportCsv, exportJson, exportRows, mergeEntries, parseReview, ReviewStore, serializeReview, type ReviewEntry } from '../../src/engine/review';
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
    const left = (await readdir(join(root, '.radalign'))).filter((f) => f.includes('.tmp-'));
    assert.deepEqual(left, [], 'no temporary files left');
  });

  it('unflagging keeps a tombstone so a merge with an older copy does not resurrect the flag', async () => {
    const s = new ReviewStore(root);
    await s.record({ ...base, pair: 'a', sentence: null, reason: 'other', at: '2026-01-01T00:00:00Z' });
    const older = await readFile(join(root, '.radalign', 'review.jsonl'), 'utf8');
    await s.record({ ...base, pair: 'a', sentence: null, reason: null, at: '2026-01-02T00:00:00Z' });
    assert.deepEqual(s.current(), []);
    // Another window still holding the old flag writes its copy back, plus a new flag of its own.
    const other = parseReview(older).entries;
    const merged = [...other, { ...base, pair: 'c', sentence: null, reason: 'other' as const, at: '2026-01-03T00:00:00Z', rev: 1 }];
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

  it('an unflag recorded after a flag wins even in the same millisecond, on disk and after a reload', async () => {
    const at = '2026-03-01T10:00:00.000Z';
    const s = new ReviewStore(root);
    await s.record({ ...base, pair: 'a', sentence: 1, reason: 'laterality', note: 'a long note that a tie rule might prefer', at });
    const unflag = await s.record({ ...base, pair: 'a', sentence: 1, reason: null, at });
    assert.equal(unflag.rev, 2);
    assert.deepEqual(s.current(), []);
    const fresh = new ReviewStore(root);
    assert.deepEqual((await fresh.load()).entries, []);
    // And the other way round: a flag after an unflag in the same millisecond wins too.
    await s.record({ ...base, pair: 'a', sentence: 1, reason: 'other', at });
    assert.deepEqual((await new ReviewStore(root).load()).entries.map((e) => [e.reason, e.rev]), [['other', 3]]);
  });

  it('merges two copies changed apart (two branches) the same way whichever comes first', () => {
    const e = (over: Partial<ReviewEntry>): ReviewEntry => ({ ...base, pair: 'a', sentence: null, reason: 'other', at: '2026-01-01T00:00:00Z', rev: 1, ...over });
    const cases: [ReviewEntry, ReviewEntry, ReviewEntry][] = [
      // [x, y, the winner]: higher revision first, then later time, then the flag, then the longer note, then the text.
      [e({ rev: 3, at: '2026-01-01T00:00:00Z' }), e({ rev: 2, at: '2026-02-01T00:00:00Z', reason: null }), e({ rev: 3, at: '2026-01-01T00:00:00Z' })],
      [e({ at: '2026-01-02T00:00:00Z', reason: null }), e({ at: '2026-01-01T00:00:00Z' }), e({ at: '2026-01-02T00:00:00Z', reason: null })],
      [e({ reason: null }), e({ reason: 'laterality' }), e({ reason: 'laterality' })],
      [e({ note: 'x' }), e({ note: 'xy' }), e({ note: 'xy' })],
      [e({ reviewer: 'bo' }), e({ reviewer: 'al' }), e({ reviewer: 'bo' })],
    ];
    for (const [x, y, winner] of cases) {
      assert.deepEqual(mergeEntries([x], [y]), [winner]);
      assert.deepEqual(mergeEntries([y], [x]), [winner]);
    }
  });

  it('reads files written before revisions existed (rev 0) and keeps the newer time among them', async () => {
    await mkdir(join(root, '.radalign'));
    const old = (reason: ReviewEntry['reason'], at: string) => JSON.stringify({ ...base, pair: 'a', sentence: null, reason, at });
    await writeFile(join(root, '.radalign', 'review.jsonl'), `${old('other', '2026-01-01T00:00:00Z')}\n${old(null, '2026-01-02T00:00:00Z')}\n`);
    const s = new ReviewStore(root);
    assert.deepEqual((await s.load()).entries, []);
    assert.equal(s.get('a', null)?.rev, 0);
    assert.equal((await s.record({ ...base, pair: 'a', sentence: null, reason: 'wrong-view' })).rev, 1);
    assert.match((await lines())[0], /"rev":1/);
  });

  it('CSV cells that a spreadsheet would run as formulas get a leading quote; numbers and JSON stay as they are', () => {
    const pairs = [{ id: '=HYPERLINK("http://x","y")', images: ['@a.png'], report: '+r.txt', score: -0.25, suspicion: 0.5, rank: 2, sentences: [{ text: '-3 cm nodule.', score: -0.1 }] }] as unknown as PairResult[];
    const flags: ReviewEntry[] = [{ ...base, pair: '=HYPERLINK("http://x","y")', sentence: 0, reason: 'other', note: '\t=1+1', reviewer: '-ann', at: '2026-01-01T00:00:00Z', rev: 1 }];
    const rows = exportRows(flags, pairs);
    const csv = parse(exportCsv(rows), { columns: true }) as Record<string, string>[];
    assert.equal(csv[0].pair, `'=HYPERLINK("http://x","y")`);
    assert.equal(csv[0].images, "'@a.png");
    assert.equal(csv[0].report, "'+r.txt");
    assert.equal(csv[0].sentenceText, "'-3 cm nodule.");
    assert.equal(csv[0].note, "'\t=1+1");
    assert.equal(csv[0].reviewer, "'-ann");
    assert.equal(csv[0].pairScore, '-0.25', 'numbers are ours, not neutralised');
    assert.equal(csv[0].sentenceScore, '-0.1');
    assert.equal(csv[0].reason, 'other');
    assert.equal(JSON.parse(exportJson(rows)).flags[0].pair, '=HYPERLINK("http://x","y")', 'JSON is data, not a spreadsheet');
  });

  it('exports CSV and JSON joined with scores; CSV survives commas, quotes and newlines', () => {
    const pairs = [
      { id: 'a', images: ['a.png', 'a2.png'], report: 'a.txt', score: 0.1, suspicion: 0.9, rank: 1, sentences: [{ text: 'Left effusion.', score: 0.05 }] },
    ] as unknown as PairResult[];
    const flags: ReviewEntry[] = [
      { ...base, pair: 'a', sentence: 0, reason: 'laterality', note: 'says "left", image, right\nsecond line', at: '2026-01-01T00:00:00Z', rev: 1 },
      { ...base, pair: 'a', sentence: null, reason: null, at: '2026-01-01T00:00:00Z', rev: 1 },
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
