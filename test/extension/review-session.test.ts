import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScoreResults } from '../../src/engine/results';
import { openSavedResults, ResultsInMemory, type SavedResults } from '../../src/engine/store/results-file';
import { PAIR_CACHE_SIZE, PairCache } from '../../src/extension/review/pair-cache';
import { ReviewSession, type Selection } from '../../src/extension/review/review-session';
import { syntheticId, writeSyntheticStore } from './synthetic-store';
import { CountingResults } from './views-fixtures';

function results(without?: string): SavedResults {
  const pair = (id: string, rank: number) => ({
    id,
    rank,
    images: [`${id}.png`],
    report: `${id}.txt`,
    reportText: 'A. B.',
    score: 0.1,
    suspicion: 1 - rank / 10,
    reportRank: 0,
    imageRank: 0,
    bestReports: [],
    sentences: [
      { text: 'A.', section: 'findings', start: 0, end: 2, score: 0.1, negated: false, uncertain: false, describesImage: true },
      { text: 'B.', section: 'findings', start: 3, end: 5, score: 0.2, negated: true, uncertain: false, describesImage: true },
    ],
  });
  // Deliberately not in rank order.
  const pairs = [pair('c', 3), pair('a', 1), pair('b', 2)].filter((p) => p.id !== without);
  return new ResultsInMemory({ model: { id: 'm' }, pairs, skipped: [], run: {} } as unknown as ScoreResults);
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

  it('flags land in the review file with the model id and sentence text; unreviewed navigation skips them', async () => {
    const s = new ReviewSession(dir, results());
    await s.loadFlags();
    let fired = 0;
    s.onDidChangeFlags(() => fired++);
    await s.flag({ pairId: 'a', sentence: 1 }, 'laterality', 'other side', 'ann');
    await s.flag({ pairId: 'b', sentence: null }, 'wrong-study', '', 'ann');
    assert.equal(fired, 2);
    const line = JSON.parse((await readFile(s.reviewFile, 'utf8')).split('\n')[0]);
    assert.deepEqual([line.pair, line.sentence, line.sentenceText, line.reason, line.model, line.reviewer], ['a', 1, 'B.', 'laterality', 'm', 'ann']);
    assert.equal(s.moveToUnreviewed(1)?.id, 'c');
    assert.equal(s.flaggedPairCount(), 2);
    await s.unflag({ pairId: 'a', sentence: 1 }, 'ann');
    assert.deepEqual(s.flagsFor('a'), []);
    assert.deepEqual([...s.flaggedPairIds()], ['b']);
    const reopened = new ReviewSession(dir, results());
    assert.deepEqual((await reopened.loadFlags()).map((f) => f.pair), ['b']);
    await assert.rejects(s.flag({ pairId: 'a', sentence: 7 }, 'other', '', 'ann'), /no sentence 7/);
    await assert.rejects(s.flag({ pairId: 'zz', sentence: null }, 'other', '', 'ann'), /no pair with id zz/);
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
    await s.loadFlags();
    assert.equal(s.count, N);
    assert.equal(s.move(1)?.id, syntheticId(1, N));
    assert.equal(s.move(N)?.rank, N);
    s.select(syntheticId(2500, N));
    assert.equal(s.move(-1)?.rank, 2499);
    await s.flag({ pairId: syntheticId(2500, N), sentence: null }, 'other', '', 'ann');
    assert.equal(s.moveToUnreviewed(1)?.rank, 2501, 'skips the flagged pair');
    assert.deepEqual(counted.reads, [], 'moving and a pair flag read no pair');

    const deep = await s.pairDetails(syntheticId(2999, N));
    assert.equal(deep?.rank, 2999);
    assert.equal(deep?.sentences[0]?.heatmap?.values.length, 4);
    await s.pairDetails(syntheticId(2999, N));
    await s.flag({ pairId: syntheticId(2999, N), sentence: 1 }, 'laterality', '', 'ann');
    assert.deepEqual(counted.reads, [syntheticId(2999, N)], 'one read, then the cache');
    assert.equal(s.flaggedPairCount(), 2);
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
    await Promise.all([assert.rejects(cache.get('x'), /cannot read x/), assert.rejects(cache.get('x'), /cannot read x/)]);
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
