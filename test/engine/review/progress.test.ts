// The review summary: totals over the results' pairs only, each reviewer's verdict counts, open
// disagreements vs adjudicated ones, progress through assigned shares, and its speed at 227,000 pairs.
import assert from 'node:assert/strict';
import { assignPairs } from '../../../src/engine/review/assignment';
import { agreement } from '../../../src/engine/review/agreement';
import { reviewSummary } from '../../../src/engine/review/progress';
import { ReviewIndex } from '../../../src/engine/review/review-index';
import type { ReviewEntry, Verdict } from '../../../src/engine/review/types';
import { adjudication as settled, flag as sentenceFlag, verdict } from '../../helpers/review-fixtures';

const at = '2026-11-30T10:00:00.000Z';
const adjudication = (pair: string, v: Verdict, reviewer = 'lead') => settled(pair, reviewer, v);
const flag = (pair: string, reviewer: string) => sentenceFlag(pair, 0, 'laterality', '', reviewer, 'Left effusion.');

describe('review summary', () => {
  const ranked = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8'];
  const entries: ReviewEntry[] = [
    verdict('p1', 'ann', 'mismatched'),
    verdict('p1', 'bob', 'mismatched'),
    verdict('p2', 'ann', 'aligned'),
    verdict('p2', 'bob', 'mismatched'), // open disagreement
    verdict('p3', 'ann', 'aligned'),
    verdict('p3', 'bob', 'unsure'),
    adjudication('p3', 'mismatched'), // settled
    verdict('p4', 'bob', 'aligned'),
    adjudication('p5', 'unsure', 'ann'), // adjudicated without verdicts: reviewed, ann's counts unchanged
    flag('p6', 'cleo'), // a sentence flag alone does not make a pair reviewed
    verdict('p7', 'ann', null), // ann's cleared verdict (a tombstone): still unreviewed
    verdict('old', 'ann', 'aligned'),
    verdict('old', 'bob', 'mismatched'), // not in the results
  ];

  it('counts only pairs in the results, per reviewer and overall, with open disagreements and adjudications apart', () => {
    const index = new ReviewIndex(entries);
    const s = reviewSummary(index, ranked);
    assert.equal(s.total, 8);
    assert.equal(s.reviewed, 5, 'p1–p5');
    assert.deepEqual(s.reviewers, {
      ann: { reviewed: 3, aligned: 2, mismatched: 1, unsure: 0 },
      bob: { reviewed: 4, aligned: 1, mismatched: 2, unsure: 1 },
      cleo: { reviewed: 0, aligned: 0, mismatched: 0, unsure: 0 },
    });
    assert.deepEqual(Object.keys(s.reviewers), ['ann', 'bob', 'cleo'], 'sorted');
    assert.deepEqual(s.disagreed, ['p2'], 'the settled p3 and the pair outside the results are not open');
    assert.deepEqual(s.adjudicated, ['p3', 'p5']);
    assert.deepEqual(s.outcomes, { aligned: 1, mismatched: 2, unsure: 1 }, 'p4 aligned; p1, p3 mismatched; p5 unsure');
    assert.deepEqual(
      s.agreement,
      agreement(index, (id) => ranked.includes(id)),
    );
    assert.equal(s.agreement.pairs, 3, 'p1, p2, p3 (not "old")');
  });

  it('lists disagreements in rank order, whatever the order of the file', () => {
    const index = new ReviewIndex([
      verdict('z', 'ann', 'aligned'),
      verdict('z', 'bob', 'unsure'),
      verdict('a', 'ann', 'aligned'),
      verdict('a', 'bob', 'mismatched'),
    ]);
    assert.deepEqual(reviewSummary(index, ['z', 'a']).disagreed, ['z', 'a']);
    assert.deepEqual(reviewSummary(index, ['a', 'z']).disagreed, ['a', 'z']);
  });

  it("with an assignment: each reviewer's assigned pairs in the results and how many need nothing more from them", () => {
    const a = assignPairs(ranked, ['ann', 'bob', 'dan'], 0.25, new Date(at));
    const s = reviewSummary(new ReviewIndex(entries), ranked, a);
    for (const name of ['ann', 'bob', 'dan']) {
      const share = a.shares[name];
      const done = share.filter((id) =>
        entries.some(
          (e) =>
            e.pair === id &&
            ((e.kind === 'verdict' && e.reviewer === name && e.verdict !== null) || e.kind === 'adjudication'),
        ),
      );
      assert.equal(s.reviewers[name].assigned, share.length, name);
      assert.equal(s.reviewers[name].assignedReviewed, done.length, name);
    }
    assert.deepEqual(s.reviewers.dan, {
      reviewed: 0,
      aligned: 0,
      mismatched: 0,
      unsure: 0,
      assigned: a.shares.dan.length,
      assignedReviewed: a.shares.dan.filter((id) => id === 'p3' || id === 'p5').length,
    });
    assert.equal(s.reviewers.cleo.assigned, undefined, 'not in the assignment');
    // A share naming pairs the results no longer hold counts only those still there.
    const stale = { ...a, shares: { ...a.shares, ann: [...a.shares.ann, 'old', 'gone'] } };
    assert.equal(reviewSummary(new ReviewIndex(entries), ranked, stale).reviewers.ann.assigned, a.shares.ann.length);
  });

  it('an empty review over no pairs', () => {
    assert.deepEqual(reviewSummary(new ReviewIndex([]), []), {
      total: 0,
      reviewed: 0,
      reviewers: {},
      agreement: { pairs: 0, alpha: null, kappa: [] },
      disagreed: [],
      adjudicated: [],
      outcomes: { aligned: 0, mismatched: 0, unsure: 0 },
    });
  });

  it('227,000 pairs, 3,000 reviewed by two reviewers, with an assignment: fast', () => {
    const ids = Array.from({ length: 227_000 }, (_, i) => `study-${i}/report`);
    const many: ReviewEntry[] = [];
    for (let i = 0; i < 3000; i++) {
      many.push(verdict(ids[i * 70], 'ann', i % 3 === 0 ? 'mismatched' : 'aligned'));
      many.push(verdict(ids[i * 70], 'bob', i % 5 === 0 ? 'mismatched' : 'aligned'));
    }
    const index = new ReviewIndex(many);
    const a = assignPairs(ids, ['ann', 'bob'], 0.1, new Date(at));
    let t0 = performance.now();
    const plain = reviewSummary(index, ids);
    const plainMs = performance.now() - t0;
    t0 = performance.now();
    const withShares = reviewSummary(index, ids, a);
    const sharesMs = performance.now() - t0;
    assert.equal(plain.total, 227_000);
    assert.equal(plain.reviewed, 3000);
    assert.equal(plain.agreement.pairs, 3000);
    assert.equal(withShares.reviewers.ann.assigned, a.shares.ann.length);
    assert.ok(
      plainMs < 500 && sharesMs < 1500,
      `${plainMs.toFixed(0)} ms, ${sharesMs.toFixed(0)} ms with an assignment`,
    );
    console.log(`      227,000 pairs: ${plainMs.toFixed(0)} ms; with an assignment ${sharesMs.toFixed(0)} ms`);
  });
});
