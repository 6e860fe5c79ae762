import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import {
  exportCsv,
  exportJson,
  exportRows,
  mergeEntries,
  parseReview,
  REVIEW_FORMAT,
  ReviewIndex,
  ReviewStore,
  serializeReview,
  type FlagEntry,
  type ReviewChange,
  type ReviewEntry,
  type VerdictEntry,
} from '../../../src/engine/review';
import { pairResult, sentenceResult } from '../../helpers/result-builders';

const base = { note: '', reviewer: 'ann', model: 'm1' };
const verdict = (pair: string, v: VerdictEntry['verdict'], over: Partial<VerdictEntry> = {}): ReviewChange => ({
  kind: 'verdict',
  ...base,
  pair,
  verdict: v,
  reason: null,
  ...over,
});
const sentenceFlag = (
  pair: string,
  sentence: number,
  text: string,
  reason: ReviewEntry['reason'],
): Omit<FlagEntry, 'at' | 'rev'> => ({ kind: 'flag', ...base, pair, sentence, sentenceText: text, reason });

describe('review file', () => {
  let root: string;
  beforeEach(async () => (root = await mkdtemp(join(tmpdir(), 'radalign-review-'))));
  afterEach(() => rm(root, { recursive: true, force: true }));
  const file = () => join(root, '.radalign', 'review.jsonl');
  const lines = async () => (await readFile(file(), 'utf8')).trimEnd().split('\n');
  const writeLines = async (...l: string[]) => {
    await mkdir(join(root, '.radalign'), { recursive: true });
    await writeFile(file(), l.join('\n') + '\n');
  };

  it('writes a format header, then one sorted line per entry, and reloads them in a new store', async () => {
    const s = new ReviewStore(root);
    await s.record(sentenceFlag('b', 2, 'Left effusion.', 'laterality'));
    await s.record(
      verdict('a', 'mismatched', { reason: 'wrong-study', note: 'belongs to "case 9", see, PACS\nline 2' }),
    );
    await s.record(verdict('b', 'aligned'));
    const l = await lines();
    assert.deepEqual(JSON.parse(l[0]), { format: REVIEW_FORMAT });
    assert.deepEqual(
      l.slice(1).map((x) => [JSON.parse(x).pair, JSON.parse(x).kind]),
      [
        ['a', 'verdict'],
        ['b', 'verdict'],
        ['b', 'flag'],
      ],
    );
    const loaded = await new ReviewStore(root).load();
    assert.deepEqual(loaded.problems, []);
    assert.equal(loaded.entries.length, 3);
    const a = loaded.entries[0] as VerdictEntry;
    assert.deepEqual(
      [a.verdict, a.reason, a.note],
      ['mismatched', 'wrong-study', 'belongs to "case 9", see, PACS\nline 2'],
    );
    assert.deepEqual(
      (await readdir(join(root, '.radalign'))).filter((f) => f.includes('.tmp-')),
      [],
      'no temporary files left',
    );
  });

  it("keeps two reviewers' verdicts on one pair side by side; the adjudication is one per pair", async () => {
    const s = new ReviewStore(root);
    await s.record(verdict('p', 'aligned', { reviewer: 'ann' }));
    await s.record(verdict('p', 'mismatched', { reviewer: 'ben', reason: 'laterality' }));
    await s.record(verdict('p', 'unsure', { reviewer: 'ann' })); // replaces ann's own verdict only
    await s.record({ kind: 'adjudication', ...base, reviewer: 'lead', pair: 'p', verdict: 'aligned', reason: null });
    await s.record({
      kind: 'adjudication',
      ...base,
      reviewer: 'chief',
      pair: 'p',
      verdict: 'mismatched',
      reason: 'other',
    });
    const index = new ReviewIndex((await new ReviewStore(root).load()).entries);
    const p = index.get('p')!;
    assert.deepEqual(
      p.verdicts.map((v) => [v.reviewer, v.verdict]),
      [
        ['ann', 'unsure'],
        ['ben', 'mismatched'],
      ],
    );
    assert.equal(p.disagreed, true);
    assert.deepEqual(
      [p.adjudication?.reviewer, p.outcome],
      ['chief', 'mismatched'],
      'the later adjudication replaces the earlier',
    );
  });

  it('a sentence flag is keyed by its text, so a flag recorded under another index replaces it, and stores offsets', async () => {
    const s = new ReviewStore(root);
    await s.record({ ...sentenceFlag('p', 1, 'Left effusion.', 'laterality'), start: 10, end: 24 });
    await s.record({ ...sentenceFlag('p', 3, 'Left effusion.', 'other'), start: 30, end: 44 }); // the report was re-split
    await s.record(sentenceFlag('p', 1, 'No pneumothorax.', 'finding-absent'));
    const flags = (await new ReviewStore(root).load()).entries.filter((e) => e.kind === 'flag');
    assert.deepEqual(
      flags.map((f) => [f.sentence, f.sentenceText, f.reason, f.start]),
      [
        [1, 'No pneumothorax.', 'finding-absent', undefined],
        [3, 'Left effusion.', 'other', 30],
      ],
    );
  });

  it("reads version-1 files: a pair flag becomes that reviewer's mismatched verdict, a sentence flag a flag; the next write is version 2", async () => {
    const v1 = (o: object) => JSON.stringify({ note: '', model: 'm0', at: '2026-01-01T00:00:00Z', rev: 1, ...o });
    await writeLines(
      v1({ pair: 'a', sentence: null, reason: 'wrong-study', reviewer: 'ann', note: 'other patient' }),
      v1({ pair: 'b', sentence: null, reason: null, reviewer: 'ann' }),
      v1({ pair: 'c', sentence: 2, sentenceText: 'Left effusion.', reason: 'laterality', reviewer: 'ben' }),
      v1({ pair: 'd', sentence: 0, reason: 'other', reviewer: '' }),
    );
    const s = new ReviewStore(root);
    const loaded = await s.load();
    assert.deepEqual(loaded.problems, []);
    assert.deepEqual(
      loaded.entries.map((e) =>
        e.kind === 'flag'
          ? [e.pair, e.kind, e.reviewer, e.sentence, e.sentenceText, e.reason]
          : [e.pair, e.kind, e.reviewer, e.verdict, e.reason, e.note],
      ),
      [
        ['a', 'verdict', 'ann', 'mismatched', 'wrong-study', 'other patient'],
        ['c', 'flag', 'ben', 2, 'Left effusion.', 'laterality'],
        ['d', 'flag', 'unknown', 0, undefined, 'other'],
      ],
    );
    assert.equal(
      s.find({ kind: 'verdict', pair: 'b', reviewer: 'ann' })?.rev,
      1,
      "b's unflag is kept as a cleared verdict",
    );
    await s.record(verdict('e', 'aligned'));
    const after = await lines();
    assert.deepEqual(JSON.parse(after[0]), { format: REVIEW_FORMAT });
    assert.ok(
      after.slice(1).every((l) => 'kind' in JSON.parse(l)),
      after.join('\n'),
    );
    assert.equal(after.length, 1 + 5, 'every old line kept, in the new format');
  });

  it('a file in a newer format is read as far as its lines allow and never written over', async () => {
    const newer = [
      '{"format":"radalign-review/3"}',
      JSON.stringify({
        pair: 'a',
        kind: 'verdict',
        reviewer: 'ann',
        verdict: 'aligned',
        reason: null,
        note: '',
        at: '2026-01-01T00:00:00Z',
        rev: 1,
        model: '',
      }),
    ];
    await writeLines(...newer);
    const s = new ReviewStore(root);
    const loaded = await s.load();
    assert.equal(loaded.entries.length, 1);
    assert.match(loaded.problems[0], /review\.jsonl:1: .*radalign-review\/3.*update radalign/);
    await assert.rejects(s.record(verdict('b', 'unsure')), /written by a newer radalign; nothing was written/);
    assert.deepEqual(await lines(), newer, 'the file is untouched');
  });

  it('refuses a change that cannot be stored, naming the field, and writes nothing', async () => {
    const s = new ReviewStore(root);
    await assert.rejects(
      s.record(verdict('a', 'aligned', { reason: 'laterality' })),
      /reason: only a mismatched verdict has one/,
    );
    await assert.rejects(s.record(verdict('a', 'aligned', { reviewer: '' })), /reviewer: expected a reviewer name/);
    await assert.rejects(
      s.record({ ...sentenceFlag('a', 0, 'x', 'other'), start: 5, end: 2 }),
      /end: expected end ≥ start/,
    );
    await assert.rejects(readFile(file()), /ENOENT/);
  });

  it('clearing keeps a tombstone so a merge with an older copy does not bring the verdict back', async () => {
    const s = new ReviewStore(root);
    await s.record(verdict('a', 'mismatched', { reason: 'other', at: '2026-01-01T00:00:00Z' }));
    const older = await readFile(file(), 'utf8');
    await s.record(verdict('a', null, { at: '2026-01-02T00:00:00Z' }));
    assert.deepEqual(s.current(), []);
    // Another window still holding the old verdict writes its copy back, plus a new one of its own.
    const other = parseReview(older).entries;
    const merged = [...other, { ...verdict('c', 'unsure'), at: '2026-01-03T00:00:00Z', rev: 1 } as ReviewEntry];
    await writeFile(file(), serializeReview(merged));
    assert.deepEqual(
      (await s.load()).entries.map((e) => e.pair),
      ['c'],
    );
  });

  it('two windows judging different pairs both keep their verdicts', async () => {
    const w1 = new ReviewStore(root);
    const w2 = new ReviewStore(root);
    await w1.load();
    await w2.load();
    await w1.record(verdict('p1', 'aligned'));
    await w2.record(sentenceFlag('p2', 0, 'x', 'finding-absent'));
    assert.deepEqual(
      (await lines()).slice(1).map((l) => JSON.parse(l).pair),
      ['p1', 'p2'],
    );
  });

  it('a git conflict in the file is resolved by keeping both sides, newest change per target', async () => {
    const e = (pair: string, v: VerdictEntry['verdict'], at: string) =>
      JSON.stringify({
        pair,
        kind: 'verdict',
        reviewer: 'ann',
        verdict: v,
        reason: null,
        note: '',
        at,
        rev: 1,
        model: '',
      });
    const header = JSON.stringify({ format: REVIEW_FORMAT });
    await writeLines(
      header,
      e('a', 'aligned', '2026-01-01T00:00:00Z'),
      '<<<<<<< HEAD',
      e('b', 'unsure', '2026-01-05T00:00:00Z'),
      '=======',
      e('b', 'aligned', '2026-01-04T00:00:00Z'),
      e('c', 'aligned', '2026-01-04T00:00:00Z'),
      '>>>>>>> origin/main',
    );
    const s = new ReviewStore(root);
    const r = await s.load();
    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      r.entries.map((x) => [x.pair, (x as VerdictEntry).verdict]),
      [
        ['a', 'aligned'],
        ['b', 'unsure'],
        ['c', 'aligned'],
      ],
    );
    await s.record(verdict('d', 'aligned'));
    assert.ok(!(await lines()).some((l) => l.startsWith('<<<<<<<')), 'markers are gone once rewritten');
  });

  it('an unreadable line is reported with its line number and field, and the old file is kept aside before rewriting', async () => {
    const good = JSON.stringify({
      pair: 'a',
      kind: 'verdict',
      reviewer: 'ann',
      verdict: 'aligned',
      reason: null,
      note: '',
      at: '2026-01-01T00:00:00Z',
      rev: 1,
      model: '',
    });
    await writeLines(
      JSON.stringify({ format: REVIEW_FORMAT }),
      good,
      '{"pair": "b", oops',
      good.replace('"aligned"', '"fine"'),
    );
    const s = new ReviewStore(root);
    const r = await s.load();
    assert.equal(r.entries.length, 1);
    assert.match(r.problems[0], /review\.jsonl:3: not valid JSON/);
    assert.match(r.problems[1], /review\.jsonl:4: verdict: expected one of aligned, mismatched, unsure or null/);
    await s.record(verdict('z', 'aligned'));
    const files = await readdir(join(root, '.radalign'));
    const aside = files.find((f) => f.startsWith('review.jsonl.unreadable-'));
    assert.ok(aside, files.join());
    assert.match(await readFile(join(root, '.radalign', aside!), 'utf8'), /oops/);
  });

  it('a change recorded after another wins even in the same millisecond, on disk and after a reload', async () => {
    const at = '2026-03-01T10:00:00.000Z';
    const s = new ReviewStore(root);
    await s.record({
      ...sentenceFlag('a', 1, 'Left effusion.', 'laterality'),
      note: 'a long note that a tie rule might prefer',
      at,
    });
    const unflag = await s.record({ ...sentenceFlag('a', 1, 'Left effusion.', null), at });
    assert.equal(unflag.rev, 2);
    assert.deepEqual(s.current(), []);
    assert.deepEqual((await new ReviewStore(root).load()).entries, []);
    await s.record({ ...sentenceFlag('a', 1, 'Left effusion.', 'other'), at });
    assert.deepEqual(
      (await new ReviewStore(root).load()).entries.map((e) => [e.reason, e.rev]),
      [['other', 3]],
    );
  });

  it('merges two copies changed apart (two branches) the same way whichever comes first', () => {
    const e = (over: Partial<VerdictEntry>): ReviewEntry => ({
      kind: 'verdict',
      ...base,
      pair: 'a',
      verdict: 'mismatched',
      reason: 'other',
      at: '2026-01-01T00:00:00Z',
      rev: 1,
      ...over,
    });
    const cases: [ReviewEntry, ReviewEntry, ReviewEntry][] = [
      // [x, y, the winner]: higher revision first, then later time, then the live entry, then the longer note, then the text.
      [e({ rev: 3 }), e({ rev: 2, at: '2026-02-01T00:00:00Z', verdict: null, reason: null }), e({ rev: 3 })],
      [
        e({ at: '2026-01-02T00:00:00Z', verdict: null, reason: null }),
        e({}),
        e({ at: '2026-01-02T00:00:00Z', verdict: null, reason: null }),
      ],
      [e({ verdict: null, reason: null }), e({ reason: 'laterality' }), e({ reason: 'laterality' })],
      [e({ note: 'x' }), e({ note: 'xy' }), e({ note: 'xy' })],
      [e({ model: 'b' }), e({ model: 'a' }), e({ model: 'b' })],
    ];
    for (const [x, y, winner] of cases) {
      assert.deepEqual(mergeEntries([x], [y]), [winner]);
      assert.deepEqual(mergeEntries([y], [x]), [winner]);
    }
    // Different reviewers are different targets: both kept.
    assert.equal(mergeEntries([e({ reviewer: 'al' })], [e({ reviewer: 'bo' })]).length, 2);
  });

  it('reads version-1 files written before revisions existed (rev 0) and keeps the newer time among them', async () => {
    const old = (reason: string | null, at: string) =>
      JSON.stringify({ ...base, pair: 'a', sentence: null, reason, at });
    await writeLines(old('other', '2026-01-01T00:00:00Z'), old(null, '2026-01-02T00:00:00Z'));
    const s = new ReviewStore(root);
    assert.deepEqual((await s.load()).entries, []);
    assert.equal(s.find({ kind: 'verdict', pair: 'a', reviewer: 'ann' })?.rev, 0);
    assert.equal((await s.record(verdict('a', 'mismatched', { reason: 'wrong-view' }))).rev, 1);
    assert.match((await lines())[1], /"rev":1/);
  });

  it('CSV cells that a spreadsheet would run as formulas get a leading quote; numbers and JSON stay as they are', () => {
    const id = '=HYPERLINK("http://x","y")';
    const pairs = [
      pairResult({
        id,
        images: ['@a.png'],
        reportFile: '+r.txt',
        reportText: '-3 cm nodule.',
        cosine: -0.25,
        suspicion: 0.5,
        rank: 2,
        sentences: [sentenceResult({ text: '-3 cm nodule.', start: 0, evidence: -0.1 })],
      }),
    ];
    const entries: ReviewEntry[] = [
      {
        kind: 'flag',
        ...base,
        pair: id,
        sentence: 0,
        sentenceText: '-3 cm nodule.',
        reason: 'other',
        note: '\t=1+1',
        reviewer: '-ann',
        at: '2026-01-01T00:00:00Z',
        rev: 1,
      },
    ];
    const rows = exportRows(entries, pairs);
    const csv = parse(exportCsv(rows), { columns: true }) as Record<string, string>[];
    assert.equal(csv[0].pair, `'=HYPERLINK("http://x","y")`);
    assert.equal(csv[0].images, "'@a.png");
    assert.equal(csv[0].report, "'+r.txt");
    assert.equal(csv[0].sentenceText, "'-3 cm nodule.");
    assert.equal(csv[0].note, "'\t=1+1");
    assert.equal(csv[0].reviewer, "'-ann");
    assert.equal(csv[0].pairCosine, '-0.25', 'numbers are ours, not neutralised');
    assert.equal(csv[0].sentenceEvidence, '-0.1');
    assert.equal(csv[0].reason, 'other');
    assert.equal(JSON.parse(exportJson(rows)).entries[0].pair, id, 'JSON is data, not a spreadsheet');
  });

  it('exports verdicts and flags joined with scores, the flag at the sentence its text is at now; CSV survives commas, quotes and newlines', () => {
    const pairs = [
      pairResult({
        id: 'a',
        images: ['a.png', 'a2.png'],
        reportFile: 'a.txt',
        reportText: 'Heart normal. Left effusion.',
        cosine: 0.1,
        suspicion: 0.9,
        rank: 1,
        sentences: [
          sentenceResult({ text: 'Heart normal.', start: 0, evidence: 0.2 }),
          sentenceResult({ text: 'Left effusion.', start: 14, evidence: 0.05 }),
        ],
      }),
    ];
    const at = '2026-01-01T00:00:00Z';
    const entries: ReviewEntry[] = [
      { kind: 'verdict', ...base, pair: 'a', verdict: 'mismatched', reason: 'laterality', note: '', at, rev: 1 },
      { kind: 'verdict', ...base, reviewer: 'ben', pair: 'a', verdict: null, reason: null, at, rev: 1 },
      {
        kind: 'flag',
        ...base,
        pair: 'a',
        sentence: 0,
        sentenceText: 'Left effusion.',
        reason: 'laterality',
        note: 'says "left", image, right\nsecond line',
        at,
        rev: 1,
      },
      { kind: 'flag', ...base, pair: 'a', sentence: 1, sentenceText: 'Gone sentence.', reason: 'other', at, rev: 1 },
    ];
    const rows = exportRows(entries, pairs);
    assert.equal(rows.length, 3, 'cleared verdicts are not exported');
    const csv = parse(exportCsv(rows), { columns: true }) as Record<string, string>[];
    assert.deepEqual(
      [csv[0].kind, csv[0].verdict, csv[0].reason, csv[0].reasonLabel],
      ['verdict', 'mismatched', 'laterality', 'laterality (left/right)'],
    );
    assert.equal(csv[1].note, 'says "left", image, right\nsecond line');
    assert.deepEqual(
      [csv[1].sentence, csv[1].sentenceText, csv[1].sentenceEvidence, csv[1].orphaned],
      ['1', 'Left effusion.', '0.05', 'false'],
      'the flag follows its text to sentence 1',
    );
    assert.deepEqual([csv[2].sentence, csv[2].orphaned], ['', 'true']);
    assert.equal(csv[0].images, 'a.png;a2.png');
    assert.equal(csv[0].suspicion, '0.9');
    const json = JSON.parse(exportJson(rows));
    assert.equal(json.format, 'radalign-review-export/3');
    assert.equal(json.entries[0].rank, 1);
  });
});
