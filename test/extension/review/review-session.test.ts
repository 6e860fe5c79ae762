import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSavedResults, ResultsInMemory, type SavedResults } from '../../../src/engine/store/results-file';
import { PAIR_CACHE_SIZE, PairCache } from '../../../src/extension/review/pair-cache';
import { ReviewSession, type Selection } from '../../../src/extension/review/review-session';
import { syntheticId, writeSyntheticStore } from '../../helpers/synthetic-store';
import { CountingResults } from '../../helpers/review-fixtures';
import { pairResult, scoreResults, sentenceResult } from '../../helpers/result-builders';

/**
 * Pairs a, b, c… (`n` of them, rank order a = 1), each with report "A. B." unless `reports` gives
 * a pair other sentences (its report is them joined by spaces); `without` is left out.
 */
function results(without?: string, reports: Record<string, string[]> = {}, n = 3): SavedResults {
  const pair = (id: string, rank: number) => {
    const texts = reports[id] ?? ['A.', 'B.'];
    let at = 0;
    const sentences = texts.map((text, k) => {
      const start = at;
      at += text.length + 1;
      return sentenceResult({ text, start, evidence: 0.1 * (k + 1), negated: k === 1 });
    });
    return pairResult({
      id,
      rank,
      reportText: texts.join(' '),
      cosine: 0.1,
      suspicion: 1 - rank / 10,
      reportRank: 0,
      imageRank: 0,
      sentences,
    });
  };
  const ids = Array.from({ length: n }, (_, k) => String.fromCharCode(97 + k));
  // Deliberately not in rank order.
  const pairs = [...ids.slice(2), ...ids.slice(0, 2)]
    .map((id) => pair(id, ids.indexOf(id) + 1))
    .filter((p) => p.id !== without);
  const model = {
    id: 'm',
    name: 'Model M',
    identity: 'x',
    layout: 'radalign',
    heatmapKind: 'patch' as const,
    embedDim: 8,
  };
  return new ResultsInMemory(scoreResults({ model, pairs }));
}

const settle = () => new Promise((r) => setTimeout(r, 10));

describe('review session', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'radalign-session-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('moves through pairs in rank order, stopping at the ends, and cycles sentences', async () => {
    const s = new ReviewSession(dir, results());
    const seen: (Selection | undefined)[] = [];
    s.onDidChangeSelection((x) => seen.push(x));
    assert.equal(s.move(1)?.id, 'a');
    assert.equal(s.move(1)?.id, 'b');
    assert.equal(s.move(5)?.id, 'c');
    assert.equal(s.move(-1)?.id, 'b');
    await s.cycleSentence(1);
    await s.cycleSentence(1);
    await s.cycleSentence(1);
    assert.deepEqual(s.selected, { pairId: 'b', sentence: 0 });
    await s.cycleSentence(-1);
    assert.deepEqual(s.selected, { pairId: 'b', sentence: 1 });
    assert.equal(seen.length, 8);
    assert.throws(() => s.select('nope'), /no pair with id nope/);
    assert.deepEqual(s.ids(), ['a', 'b', 'c']);
    assert.deepEqual([s.count, s.entry(2)?.id, s.entry('c')?.rank], [3, 'b', 3]);
  });

  it('flags land in the review file with the model id, sentence text and offsets; a pair target is my verdict "mismatched"', async () => {
    const s = new ReviewSession(dir, results(), { reviewer: 'ann' });
    await s.load();
    let fired = 0;
    s.onDidChangeReview(() => fired++);
    await s.flag({ pairId: 'a', sentence: 1 }, 'laterality', 'other side');
    await s.flag({ pairId: 'b', sentence: null }, 'wrong-study', 'not this patient');
    assert.equal(fired, 2);
    const lines = (await readFile(s.reviewFile, 'utf8'))
      .split('\n')
      .filter((l) => l.startsWith('{"'))
      .map((l) => JSON.parse(l));
    const flagLine = lines.find((l) => l.kind === 'flag');
    assert.deepEqual(
      [
        flagLine.pair,
        flagLine.sentence,
        flagLine.sentenceText,
        flagLine.start,
        flagLine.end,
        flagLine.reason,
        flagLine.model,
        flagLine.reviewer,
      ],
      ['a', 1, 'B.', 3, 5, 'laterality', 'm', 'ann'],
    );
    assert.deepEqual(
      [s.review.outcome('b'), s.review.verdictOf('b', 'ann')?.reason, s.review.verdictOf('b', 'ann')?.note],
      ['mismatched', 'wrong-study', 'not this patient'],
    );
    assert.equal(s.review.outcome('a'), 'unreviewed', 'a sentence flag is no verdict');
    assert.equal(s.moveToAwaitingMyVerdict(1)?.id, 'a');
    assert.equal(s.moveToAwaitingMyVerdict(1)?.id, 'c', 'skips b, which has my verdict');
    await s.unflag({ pairId: 'a', sentence: 1 });
    assert.deepEqual(s.flagsFor('a'), []);
    await s.unflag({ pairId: 'b', sentence: null });
    assert.equal(s.review.verdictOf('b', 'ann'), undefined, 'a pair unflag clears my verdict');
    assert.equal(fired, 4);
    await s.unflag({ pairId: 'c', sentence: null });
    assert.equal(fired, 4, 'nothing to clear: nothing written');
    const reopened = new ReviewSession(dir, results());
    assert.deepEqual(await reopened.load(), []);
    await assert.rejects(s.flag({ pairId: 'a', sentence: 7 }, 'other', ''), /no sentence 7/);
    await assert.rejects(s.flag({ pairId: 'zz', sentence: null }, 'other', ''), /no pair with id zz/);
  });

  it("keeps two reviewers' verdicts side by side in one folder; another writer's change shows after load, the cached progress with it", async () => {
    const ann = new ReviewSession(dir, results(), { reviewer: 'ann' });
    const ben = new ReviewSession(dir, results(), { reviewer: 'ben' });
    await Promise.all([ann.load(), ben.load()]);
    await ann.verdict('a', 'aligned', { note: 'fine' });
    await ann.verdict('b', 'unsure');
    const before = ann.progress();
    assert.equal(ann.progress(), before, 'computed once until something changes');
    assert.deepEqual([before.reviewed, before.disagreed], [2, []]);

    await ben.load();
    await ben.verdict('a', 'mismatched', { reason: 'laterality', note: 'L/R', useReportOf: 'c' });
    assert.equal(ann.progress(), before, "ann's session does not know yet");
    let seen: unknown;
    ann.onDidChangeReview((index) => (seen = index));
    await ann.load();
    assert.equal(seen, ann.review);
    const after = ann.progress();
    assert.notEqual(after, before);
    assert.deepEqual([after.reviewed, after.disagreed, Object.keys(after.reviewers)], [2, ['a'], ['ann', 'ben']]);
    assert.deepEqual(
      after.agreement.kappa.map((k) => [k.a, k.b, k.pairs]),
      [['ann', 'ben', 1]],
    );
    const a = ann.review.get('a')!;
    assert.deepEqual(
      a.verdicts.map((v) => [v.reviewer, v.verdict, v.reason, v.useReportOf]),
      [
        ['ann', 'aligned', null, undefined],
        ['ben', 'mismatched', 'laterality', 'c'],
      ],
    );

    await ann.adjudicate('a', 'mismatched', { reason: 'laterality', useReportOf: 'c' });
    assert.deepEqual(
      [ann.review.outcome('a'), ann.progress().disagreed, ann.progress().adjudicated],
      ['mismatched', [], ['a']],
    );
    assert.equal(ann.review.verdictOf('a', 'ann')?.verdict, 'aligned', 'adjudicating leaves my own verdict as it was');

    await assert.rejects(
      ann.verdict('a', 'aligned', { reason: 'other' }),
      /reason is given with a mismatched verdict only/,
    );
    await assert.rejects(ann.verdict('a', 'mismatched', { useReportOf: 'a' }), /'useReportOf' must name another pair/);
    await assert.rejects(
      ann.verdict('a', 'mismatched', { useReportOf: 'nope' }),
      /'useReportOf' must name another pair/,
    );
    await assert.rejects(ann.verdict('zz', 'aligned'), /no pair with id zz/);
  });

  it('anchors flags by their text after the report changes: followed when the sentence moved, orphaned (never moved) when it is gone', async () => {
    const s = new ReviewSession(dir, results(), { reviewer: 'ann' });
    await s.load();
    await s.flag({ pairId: 'a', sentence: 1 }, 'laterality', '');
    const edited = (sentences: string[]) => results(undefined, { a: sentences });
    s.setResults(edited(['Intro.', 'A.', 'B.']));
    let pair = (await s.pairDetails('a'))!;
    assert.deepEqual(
      s.anchoredFlags(pair).anchored.map((x) => [x.sentence, x.flag.sentenceText]),
      [[2, 'B.']],
    );
    assert.deepEqual(s.anchoredFlags(pair).orphaned, []);

    s.setResults(edited(['A.', 'C.']));
    pair = (await s.pairDetails('a'))!;
    assert.deepEqual(s.anchoredFlags(pair).anchored, [], 'not drawn on another sentence');
    assert.deepEqual(
      s.anchoredFlags(pair).orphaned.map((f) => f.sentenceText),
      ['B.'],
    );
    await s.unflag({ pairId: 'a', sentence: 1 });
    assert.equal(s.flagsFor('a').length, 1, "unflagging sentence 2 ('C.') leaves the orphan alone");

    // The sentence grew around the flagged text: the flag follows it; flagging it again replaces it.
    s.setResults(edited(['A.', 'See B. again.']));
    pair = (await s.pairDetails('a'))!;
    assert.deepEqual(
      s.anchoredFlags(pair).anchored.map((x) => x.sentence),
      [1],
    );
    await s.flag({ pairId: 'a', sentence: 1 }, 'other', 'edited');
    assert.deepEqual(
      s.flagsFor('a').map((f) => [f.sentenceText, f.reason]),
      [['See B. again.', 'other']],
      'one flag of mine per sentence',
    );

    const ben = new ReviewSession(dir, results(undefined, { a: ['A.', 'See B. again.'] }), { reviewer: 'ben' });
    await ben.load();
    await assert.rejects(ben.removeFlag(ben.flagsFor('a')[0]!), /is ann's; only they can remove it/);
    await ben.flag({ pairId: 'a', sentence: 1 }, 'laterality', '');
    await ben.unflag({ pairId: 'a', sentence: 0 });
    await s.load();
    assert.deepEqual(
      s.flagsFor('a').map((f) => f.reviewer),
      ['ann', 'ben'],
      'one flag each on the same sentence',
    );
    await s.unflag({ pairId: 'a', sentence: 1 });
    assert.deepEqual(
      s.flagsFor('a').map((f) => f.reviewer),
      ['ben'],
      "unflagging removes mine, not ben's",
    );
  });

  it('walks my share of the assignment for "next awaiting my verdict", skipping pairs with my verdict or an adjudication', async () => {
    const six = results(undefined, {}, 6);
    const ann = new ReviewSession(dir, six, { reviewer: 'ann' });
    await ann.load();
    const { assignment, path } = await ann.assign(['ann', 'ben'], 0);
    assert.equal(path, join(dir, '.radalign', 'assignment.json'));
    const mine = assignment.shares.ann!;
    assert.deepEqual(
      mine.map((id) => ann.entry(id)!.rank),
      [1, 3, 5],
    );
    await ann.verdict(mine[1]!, 'aligned');
    const order: (string | undefined)[] = [];
    for (let k = 0; k < 3; k++) order.push(ann.moveToAwaitingMyVerdict(1)?.id);
    assert.deepEqual(order, [mine[0], mine[2], undefined], "rank 3 has my verdict; ranks 2, 4, 6 are ben's");
    assert.equal(ann.moveToAwaitingMyVerdict(-1)?.id, mine[0]);
    await ann.adjudicate(mine[2]!, 'unsure');
    ann.select(undefined);
    assert.equal(ann.moveToAwaitingMyVerdict(1)?.id, mine[0]);
    assert.equal(ann.moveToAwaitingMyVerdict(1), undefined, 'the adjudicated pair awaits nobody');
    assert.deepEqual([ann.isMine(mine[0]!), ann.isMine(assignment.shares.ben![0]!)], [true, false]);

    // Another session reads the assignment; a reviewer it does not name walks every pair.
    const ben = new ReviewSession(dir, six, { reviewer: 'ben' });
    await ben.load();
    assert.deepEqual(ben.myShare(), assignment.shares.ben);
    assert.equal(ben.progress().reviewers.ben?.assigned, 3);
    ben.setReviewer('cy');
    assert.equal(ben.myShare(), undefined);
    assert.equal(ben.moveToAwaitingMyVerdict(1)?.rank, 1);
    assert.equal(ben.moveToAwaitingMyVerdict(1)?.rank, 2);

    // A damaged assignment is reported, and the one read before kept.
    await writeFile(path, '{"format":"radalign-assignment/1","reviewers":[]}');
    await ann.load();
    assert.match(ann.problems.join('\n'), /assignment\.json/);
    assert.deepEqual(ann.myShare(), mine);
  });

  it('new results keep the selection when its pair survives and clear it when not', () => {
    const s = new ReviewSession(dir, results());
    s.select('b', 1);
    s.setResults(results());
    assert.deepEqual(s.selected, { pairId: 'b', sentence: 1 });
    s.setResults(results('b'));
    assert.equal(s.selected, undefined);
  });

  it('drops a selected sentence the pair does not have, once the pair has been read', async () => {
    const s = new ReviewSession(dir, results());
    s.select('a', 9);
    assert.deepEqual(s.selected, { pairId: 'a', sentence: 9 }, 'not read yet: taken as given');
    await settle();
    assert.deepEqual(s.selected, { pairId: 'a', sentence: null });
    s.select('a', 5);
    assert.deepEqual(s.selected, { pairId: 'a', sentence: null }, 'read already: clamped at once');
  });
});

describe('review session over a store of 3,000 pairs', () => {
  let dir: string;
  let stored: SavedResults;
  const N = 3000;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'radalign-session-store-'));
    await writeSyntheticStore(dir, N);
  });
  beforeEach(async () => {
    const opened = await openSavedResults(dir);
    assert.ok(opened?.ok, JSON.stringify(opened));
    stored = opened.results;
  });
  afterEach(() => stored.close());
  after(() => rm(dir, { recursive: true, force: true }));

  it('navigates and flags from the index, reading only the pairs it is asked for', async () => {
    const counted = new CountingResults(stored);
    const s = new ReviewSession(dir, counted);
    await s.load();
    assert.equal(s.count, N);
    assert.equal(s.move(1)?.id, syntheticId(1, N));
    assert.equal(s.move(N)?.rank, N);
    s.select(syntheticId(2500, N));
    assert.equal(s.move(-1)?.rank, 2499);
    await s.flag({ pairId: syntheticId(2500, N), sentence: null }, 'other', '');
    await s.verdict(syntheticId(2501, N), 'aligned');
    assert.equal(s.moveToAwaitingMyVerdict(1)?.rank, 2502, 'skips the pairs with my verdict');
    assert.equal(s.progress().reviewed, 2);
    assert.deepEqual(counted.reads, [], 'moving, verdicts, a pair flag and the progress read no pair');

    const deep = await s.pairDetails(syntheticId(2999, N));
    assert.equal(deep?.rank, 2999);
    assert.equal(deep?.sentences[0]?.heatmap?.values.length, 4);
    await s.pairDetails(syntheticId(2999, N));
    await s.flag({ pairId: syntheticId(2999, N), sentence: 1 }, 'laterality', '');
    assert.deepEqual(counted.reads, [syntheticId(2999, N)], 'one read, then the cache');
    assert.equal(s.flagsFor(syntheticId(2999, N)).length, 1);
  });

  it('keeps at most PAIR_CACHE_SIZE records, least recently used out first', async () => {
    const counted = new CountingResults(stored);
    const s = new ReviewSession(dir, counted);
    for (let rank = 1; rank <= PAIR_CACHE_SIZE + 10; rank++) await s.pairDetails(syntheticId(rank, N));
    assert.equal(counted.reads.length, PAIR_CACHE_SIZE + 10);
    assert.equal(s.cachedDetails(syntheticId(1, N)), undefined, 'the oldest fell out');
    assert.equal(s.cachedDetails(syntheticId(PAIR_CACHE_SIZE + 10, N))?.rank, PAIR_CACHE_SIZE + 10);
    await s.pairDetails(syntheticId(1, N));
    assert.equal(counted.reads.length, PAIR_CACHE_SIZE + 11, 'read again');
  });
});

describe('pair cache', () => {
  it('shares one read between concurrent asks and forgets a failed read', async () => {
    let reads = 0;
    let fail = true;
    const cache = new PairCache(async (id) => {
      reads++;
      if (fail) throw new Error(`cannot read ${id}`);
      return { id } as never;
    }, 2);
    await Promise.all([
      assert.rejects(cache.get('x'), /cannot read x/),
      assert.rejects(cache.get('x'), /cannot read x/),
    ]);
    assert.equal(reads, 1);
    assert.equal(cache.size, 0);
    fail = false;
    assert.equal((await cache.get('x'))?.id, 'x');
    await cache.get('y');
    await cache.get('x'); // x is now the most recent
    await cache.get('z');
    assert.deepEqual([cache.peek('x')?.id, cache.peek('y'), cache.peek('z')?.id], ['x', undefined, 'z']);
    assert.equal(reads, 4);
  });
});
