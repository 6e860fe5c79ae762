import assert from 'node:assert/strict';
import {
  gradesFor,
  sampleRanks,
  SentenceGrades,
  fractionBar,
  sentenceStyle,
} from '../../../src/extension/views/sentence-grades';
import { CountingResults, pair, saved, sentence } from '../../helpers/review-fixtures';

describe('views: sentence tint grades', () => {
  it("grades a score by its place among the dataset's image-describing sentences", () => {
    const scores = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
    const p = pair('a', 1, 'x', [], {
      sentences: [
        ...scores.map((s, i) => sentence(`s${i}.`, i * 4, s)),
        sentence('History.', 99, -5, { describesImage: false }),
      ],
    });
    const g = new SentenceGrades([p]);
    assert.equal(g.percentile(0.1), 0);
    assert.equal(g.percentile(0.55), 0.5);
    assert.deepEqual(
      scores.map((s) => g.grade(s)),
      [0, 0, 1, 1, 2, 2, 3, 3, 4, 4],
    );
    // The context sentence's -5 did not count: 0.1 is still the lowest.
    assert.equal(g.grade(-5), 0);
    assert.equal(g.grade(99), 4);
    assert.equal(new SentenceGrades([]).grade(0.3), 2, 'no data: untinted middle');
  });

  it('reads every pair of a small dataset, and a sample spread over the ranking of a large one, once per results', async () => {
    assert.deepEqual(sampleRanks(4, 10), [1, 2, 3, 4]);
    assert.deepEqual(sampleRanks(1000, 4), [1, 251, 501, 751]);
    // 40 pairs whose one sentence scores its rank / 100: a sample of 10 still puts 0.2 in the lowest fifth and 0.38 in the top one.
    const pairs = Array.from({ length: 40 }, (_, k) =>
      pair(`p${k + 1}`, k + 1, 'x', [], { sentences: [sentence('s.', 0, (k + 1) / 100)] }),
    );
    const counted = new CountingResults(saved(pairs));
    const grades = await gradesFor(counted, 10);
    assert.equal(counted.reads.length, 10);
    assert.deepEqual(counted.reads.slice(0, 3), ['p1', 'p5', 'p9']);
    assert.deepEqual([grades.grade(0.02), grades.grade(0.39)], [0, 4]);
    assert.equal(await gradesFor(counted, 10), grades, 'kept for these results');
    assert.equal(counted.reads.length, 10);
  });

  it('styles negated and non-image sentences apart from findings', () => {
    assert.equal(sentenceStyle(sentence('Effusion.', 0, 0)), 'finding');
    assert.equal(sentenceStyle(sentence('No effusion.', 0, 0, { negated: true })), 'negated');
    assert.equal(sentenceStyle(sentence('Cough.', 0, 0, { negated: true, describesImage: false })), 'context');
  });

  it('draws a ten-cell bar', () => {
    assert.equal(fractionBar(0), '▱▱▱▱▱▱▱▱▱▱');
    assert.equal(fractionBar(0.34), '▰▰▰▱▱▱▱▱▱▱');
    assert.equal(fractionBar(2), '▰▰▰▰▰▰▰▰▰▰');
  });
});
