import assert from 'node:assert/strict';
import { assignPairs } from '../../../src/engine/review/assignment';
import { reviewSummary } from '../../../src/engine/review/progress';
import { ReviewIndex } from '../../../src/engine/review/review-index';
import { parseOverlap, parseReviewerList, sharesText } from '../../../src/extension/views/assign-input';
import { summaryMarkdown } from '../../../src/extension/views/summary-markdown';
import {
  adjudicationChoices,
  bestReportChoices,
  parseVerdictArgs,
  verdictsInWords,
} from '../../../src/extension/views/verdict-choices';
import { adjudication, pair, saved, verdict } from '../../helpers/review-fixtures';

describe('views: verdict, adjudication and assignment choices', () => {
  it('accepts the automation argument and tree elements, and explains bad ones', () => {
    assert.deepEqual(parseVerdictArgs(undefined), {});
    assert.deepEqual(parseVerdictArgs({ pairId: 'a', sentence: null }), { pairId: 'a' }, 'a tree element');
    assert.deepEqual(
      parseVerdictArgs({ pairId: 'a', verdict: 'mismatched', reason: null, note: 'n', useReportOf: 'b' }),
      { pairId: 'a', verdict: 'mismatched', reason: null, note: 'n', useReportOf: 'b' },
    );
    assert.deepEqual(parseVerdictArgs({ verdict: null, useReportOf: null }), { verdict: null, useReportOf: null });
    assert.match(
      (parseVerdictArgs({ verdict: 'fine' }) as { error: string }).error,
      /'verdict' must be one of aligned, mismatched, unsure/,
    );
    assert.match(
      (parseVerdictArgs({ reason: 'typo' }) as { error: string }).error,
      /'reason' must be one of wrong-study/,
    );
    assert.match((parseVerdictArgs({ useReportOf: 3 }) as { error: string }).error, /useReportOf/);
    assert.match((parseVerdictArgs('aligned') as { error: string }).error, /expected an object/);
  });

  it("offers the pair's best reports (other pairs of these results) as the one that belongs to the images, none first", () => {
    const index = saved([pair('a', 1, 'A.'), pair('b', 2, 'B.', [], { reportFile: 'reports/$(flag)b.txt' })]);
    const p = pair('a', 1, 'A.', [], {
      bestReports: [
        { id: 'a', cosine: 0.4 },
        { id: 'b', cosine: 0.31 },
        { id: 'gone', cosine: 0.2 },
      ],
    });
    const choices = bestReportChoices(p, (id) => index.entry(id), 'b');
    assert.deepEqual(
      choices.map((c) => c.pairId),
      [undefined, 'b'],
      'not its own report, not a pair the results lack',
    );
    assert.equal(choices[1].label, '#2 b');
    assert.equal(choices[1].description, 'fits these images 0.310 · current');
    assert.equal(choices[1].detail, 'reports/\\$(flag)b.txt', 'icons in dataset text are escaped');
    assert.equal(bestReportChoices(p, (id) => index.entry(id))[0].description, 'current');
  });

  it('lists the verdicts with who gave each for adjudication, and "Clear" first once adjudicated', () => {
    const review = new ReviewIndex([
      verdict('a', 'ann', 'aligned'),
      verdict('a', 'ben', 'mismatched', { reason: 'laterality' }),
    ]).get('a');
    const choices = adjudicationChoices(review);
    assert.deepEqual(
      choices.map((c) => [c.verdict, c.description]),
      [
        ['aligned', 'said by ann'],
        ['mismatched', 'said by ben'],
        ['unsure', 'said by nobody'],
      ],
    );
    assert.equal(verdictsInWords(review), 'ann: aligned · ben: mismatched (laterality)');
    const settled = new ReviewIndex([verdict('a', 'ann', 'aligned'), adjudication('a', 'cy', 'aligned')]).get('a');
    assert.deepEqual(
      adjudicationChoices(settled).map((c) => c.verdict),
      [null, 'aligned', 'mismatched', 'unsure'],
    );
    assert.match(adjudicationChoices(settled)[1].description!, /current adjudication/);
  });

  it('reads reviewer names and the share reviewed twice as typed, and words the shares', () => {
    assert.deepEqual(parseReviewerList(' ann, ben ;cy '), ['ann', 'ben', 'cy']);
    assert.deepEqual(parseReviewerList('  '), []);
    assert.deepEqual(
      parseReviewerList('ann,,ben'),
      ['ann', '', 'ben'],
      'an empty name is left for assignPairs to refuse',
    );
    assert.deepEqual(
      ['10%', '10 %', '0.1', '10', '.25', '0', '100%'].map(parseOverlap),
      [0.1, 0.1, 0.1, 0.1, 0.25, 0, 1],
    );
    assert.deepEqual(['', 'ten', '-5%', '150%', '1e-1'].map(parseOverlap), [
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    const a = assignPairs(['p1', 'p2', 'p3', 'p4', 'p5', 'p6'], ['ann', 'ben'], 0.5);
    assert.equal(sharesText(a), 'ann 5 · ben 4 pairs; 3 pairs reviewed twice');
  });

  it('writes the review summary as markdown, dataset text escaped', () => {
    const entries = [
      verdict('p1', 'ann', 'aligned'),
      verdict('p1', 'b|en', 'mismatched'),
      verdict('p2', 'ann', 'unsure'),
      verdict('p2', 'b|en', 'unsure'),
    ];
    const s = reviewSummary(new ReviewIndex(entries), ['p1', 'p2', 'p3']);
    const md = summaryMarkdown(s, { folder: '/data/set_1', reviewer: 'ann', at: new Date('2026-01-01T00:00:00Z') });
    assert.match(md, /^# Review summary: \/data\/set\\_1$/m);
    assert.match(md, /\*\*2 of 3\*\* pairs reviewed \(67 %\)/);
    assert.match(md, /^\| ann \| 2 \| 1 \| 0 \| 1 \| — \|$/m);
    assert.match(md, /^\| b\\\|en \| 2 \| 0 \| 1 \| 1 \| — \|$/m, 'a pipe in a name cannot break the table');
    assert.match(md, /^- Krippendorff's alpha \(nominal\): \*\*-?\d\.\d\d\*\*$/m);
    assert.match(md, /^\| ann – b\\\|en \| 2 \| -?\d\.\d\d \|$/m);
    assert.match(md, /^## Disagreed, not settled\n\n- p1$/m);
    const none = summaryMarkdown(reviewSummary(new ReviewIndex([]), ['p1']), { folder: '/d', reviewer: 'ann' });
    assert.match(none, /No verdicts yet\./);
    assert.match(none, /nothing to compare/);
  });
});
