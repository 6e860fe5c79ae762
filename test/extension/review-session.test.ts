import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScoreResults } from '../../src/engine/results';
import { ReviewSession, type Selection } from '../../src/extension/review/review-session';

function results(): ScoreResults {
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
  return { model: { id: 'm' }, pairs: [pair('c', 3), pair('a', 1), pair('b', 2)], skipped: [], run: {} } as unknown as ScoreResults;
}

describe('review session', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'radalign-session-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('moves through pairs in rank order, stopping at the ends, and cycles sentences', () => {
    const s = new ReviewSession(dir, results());
    const seen: (Selection | undefined)[] = [];
    s.onDidChangeSelection((x) => seen.push(x));
    assert.equal(s.move(1)?.id, 'a');
    assert.equal(s.move(1)?.id, 'b');
    assert.equal(s.move(5)?.id, 'c');
    assert.equal(s.move(-1)?.id, 'b');
    s.cycleSentence(1);
    s.cycleSentence(1);
    s.cycleSentence(1);
    assert.deepEqual(s.selected, { pairId: 'b', sentence: 0 });
    s.cycleSentence(-1);
    assert.deepEqual(s.selected, { pairId: 'b', sentence: 1 });
    assert.equal(seen.length, 8);
    assert.throws(() => s.select('nope'), /no pair with id nope/);
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
    await s.unflag({ pairId: 'a', sentence: 1 }, 'ann');
    assert.deepEqual(s.flagsFor('a'), []);
    const reopened = new ReviewSession(dir, results());
    assert.deepEqual((await reopened.loadFlags()).map((f) => f.pair), ['b']);
    await assert.rejects(s.flag({ pairId: 'a', sentence: 7 }, 'other', '', 'ann'), /no sentence 7/);
  });

  it('new results keep the selection when its pair survives and clear it when not', () => {
    const s = new ReviewSession(dir, results());
    s.select('b', 1);
    const r = results();
    s.setResults(r);
    assert.deepEqual(s.selected, { pairId: 'b', sentence: 1 });
    r.pairs = r.pairs.filter((p) => p.id !== 'b');
    s.setResults(r);
    assert.equal(s.selected, undefined);
  });
});
