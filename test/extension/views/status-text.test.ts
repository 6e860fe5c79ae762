import assert from 'node:assert/strict';
import { assignPairs } from '../../../src/engine/review/assignment';
import { reviewSummary } from '../../../src/engine/review/progress';
import { ReviewIndex } from '../../../src/engine/review/review-index';
import type { ReviewEntry } from '../../../src/engine/review';
import { progressText, statusText } from '../../../src/extension/views/status-text';
import { adjudication, flag, pair, saved, verdict } from '../../helpers/review-fixtures';

describe('views: status bar text', () => {
  const scored = saved([pair('a', 1, 'A.'), pair('b', 2, 'B.'), pair('c', 3, 'C.'), pair('d', 4, 'D.')]);
  const ids = ['a', 'b', 'c', 'd'];
  const summary = (entries: ReviewEntry[], assignment?: Parameters<typeof reviewSummary>[2]) =>
    reviewSummary(new ReviewIndex(entries), ids, assignment);

  it('counts reviewed pairs over all, open disagreements, and skipped files', () => {
    const entries = [
      verdict('a', 'ann', 'aligned'),
      verdict('a', 'ben', 'mismatched', { reason: 'laterality' }),
      verdict('b', 'ann', 'unsure'),
      verdict('c', 'ann', 'aligned'),
      verdict('c', 'ben', 'unsure'),
      adjudication('c', 'cy', 'aligned'),
      flag('d', 0, 'other'), // a sentence flag alone does not make a pair reviewed
      verdict('gone', 'ann', 'aligned'), // not in the results
    ];
    const s = statusText(
      '/data/set1',
      scored,
      1,
      { summary: summary(entries), reviewer: 'ann' },
      '/data/set1/.radalign/results.json',
    );
    assert.equal(s.text, '$(checklist) 3 / 4 reviewed · 1 disagreed · 1 skipped');
    assert.match(s.tooltip, /4 pairs scored in set1/);
    assert.match(s.tooltip, /^Reviewed: 3 of 4 \(1 aligned · 0 mismatched · 1 unsure\)$/m);
    assert.match(s.tooltip, /^▸ ann: 3 reviewed \(2 aligned · 0 mismatched · 1 unsure\)$/m);
    assert.match(s.tooltip, /^ {2}ben: 2 reviewed \(0 aligned · 1 mismatched · 1 unsure\)$/m);
    assert.match(
      s.tooltip,
      /^Agreement over 2 pairs judged by two or more: α -?\d\.\d\d · κ ann–ben -?\d\.\d\d \(2 pairs\)$/m,
    );
    assert.match(s.tooltip, /^Disagreed: 1 not settled · 1 adjudicated$/m);
    assert.match(s.tooltip, /1 files skipped/);
    assert.match(s.tooltip, /Tiny CLIP/);
  });

  it("shows my share's progress when the assignment names me, and agreement that cannot be told from chance as n/a", () => {
    const assignment = assignPairs(ids, ['ann', 'ben'], 0.5);
    const mine = assignment.shares.ann!;
    const entries = [verdict(mine[0]!, 'ann', 'aligned'), verdict(mine[0]!, 'ben', 'aligned')];
    const s = summary(entries, assignment);
    const text = statusText('/d', scored, 0, { summary: s, reviewer: 'ann' }, '/d/r.json');
    assert.equal(text.text, `$(checklist) 1 / 4 reviewed · mine 1 / ${mine.length}`);
    assert.match(text.tooltip, /α n\/a · κ ann–ben n\/a \(1 pair\)/);
    assert.equal(progressText(s, 'cy'), '1 / 4 reviewed', 'not named in the assignment: no share');
    assert.match(
      statusText('/d', scored, 0, { summary: s, reviewer: 'cy' }, '/d/r.json').tooltip,
      /You review as cy: no verdicts yet/,
    );
  });

  it('says "scored" before a review session exists, and writes large counts with separators', () => {
    assert.equal(
      statusText('/d', saved([pair('a', 1, 'A.')]), 0, undefined, '/d/r.json').text,
      '$(checklist) 1 scored',
    );
    const big = { count: 227_000, model: scored.model, entry: () => undefined };
    const bigIds = Array.from({ length: 227_000 }, (_, k) => `p${k}`);
    const s = reviewSummary(new ReviewIndex([verdict('p1', 'ann', 'aligned')]), bigIds);
    assert.equal(
      statusText('/d', big, 1_204, { summary: s, reviewer: 'ann' }, '/d/r.json').text,
      '$(checklist) 1 / 227,000 reviewed · 1,204 skipped',
    );
  });
});
