import assert from 'node:assert/strict';
import { anchorFlags } from '../../../src/engine/review/anchor';
import { ReviewIndex } from '../../../src/engine/review/review-index';
import type { FlagEntry, ReviewEntry } from '../../../src/engine/review';
import { awaitsVerdict } from '../../../src/extension/review/my-share';
import {
  filterMessage,
  isFiltering,
  matchCount,
  matchingRanks,
  matchPosition,
  NO_FILTER,
  pairRow,
  pairRows,
  reviewFilterFrom,
  sentenceRows,
  showMoreLabel,
  type PairFilter,
  type PairReviews,
} from '../../../src/extension/views/pair-rows';
import { adjudication, CountingResults, flag, pair, saved, sentence, verdict } from '../../helpers/review-fixtures';

/** The review as the session offers it, for reviewer `me` with an optional share. */
function reviewsOf(entries: ReviewEntry[], me = 'ann', share?: string[]): PairReviews {
  const review = new ReviewIndex(entries);
  return {
    review,
    myShare: () => share,
    awaitsMyVerdict: (id) => (!share || share.includes(id)) && awaitsVerdict(review, me, id),
  };
}

describe('views: pair rows of the tree', () => {
  // Deliberately out of rank order.
  const index = saved([
    pair('case3', 3, 'Small left effusion. Heart normal.', [], { reportFile: 'reports/left-side.txt' }),
    pair('case1', 1, 'Right lower lobe opacity.'),
    pair('case2', 2, 'No pneumothorax. Lines in place.', [], { images: ['img/case2-PA.png', 'img/case2-LAT.png'] }),
    pair('case4', 4, 'Clear lungs.'),
  ]);
  const ids = (entries: ReviewEntry[], filter: Partial<PairFilter>, me = 'ann', share?: string[]) => {
    const r = reviewsOf(entries, me, share);
    return pairRows(index, r, matchingRanks(index, r, { ...NO_FILTER, ...filter }), 200).map((row) => row.entry.id);
  };
  const rowOf = (entries: ReviewEntry[], id: string) => pairRow(index.entry(id)!, new ReviewIndex(entries).get(id));

  it('lists pairs most suspicious first, with rank, suspicion and score, from the index alone', () => {
    const counted = new CountingResults(index);
    const r = reviewsOf([]);
    const listed = pairRows(counted, r, matchingRanks(counted, r, NO_FILTER), 200);
    assert.deepEqual(
      listed.map((row) => row.label),
      ['#1 case1', '#2 case2', '#3 case3', '#4 case4'],
    );
    assert.equal(listed[0].description, 'suspicion 0.90 · score 0.250');
    assert.equal(listed[0].outcome, 'unreviewed');
    assert.match(listed[0].tooltip, /report: case1\.txt/);
    assert.deepEqual(counted.reads, [], 'no pair record is read');
  });

  it('adds why it ranks there to the tooltip once the record is read', async () => {
    const entry = index.entry('case2')!;
    assert.doesNotMatch(pairRow(entry, undefined).tooltip, /fitting/);
    const tooltip = pairRow(entry, undefined, await index.pair('case2')).tooltip;
    assert.match(
      tooltip,
      /suspicion 0\.800 \(reports fitting the image better: 50%, images fitting the report better: 25%\)/,
    );
    assert.match(tooltip, /^2 sentences$/m);
  });

  it("shows each pair's standing: agreed verdicts, each reviewer's verdict where they disagree, adjudications marked, sentence flags", () => {
    const entries = [
      verdict('case1', 'ann', 'aligned'),
      verdict('case1', 'ben', 'mismatched', { reason: 'laterality', note: 'L/R' }),
      verdict('case2', 'ann', 'mismatched', { reason: 'wrong-study', useReportOf: 'case4' }),
      verdict('case2', 'ben', 'mismatched'),
      verdict('case3', 'ann', 'unsure'),
      verdict('case3', 'ben', 'aligned'),
      adjudication('case3', 'cy', 'aligned', { note: 'checked the PA' }),
      flag('case4', 0, 'finding-absent', '', 'ann', 'Clear lungs.'),
      flag('case4', 0, 'other', '', 'ben', 'Clear lungs.'),
      verdict('case4', 'ann', null), // a cleared verdict is none
    ];
    const one = rowOf(entries, 'case1');
    assert.equal(one.description, 'suspicion 0.90 · score 0.250 · ≠ ann: aligned · ben: mismatched');
    assert.deepEqual([one.outcome, one.disagreed, one.adjudicated], ['disagreed', true, false]);
    assert.match(one.tooltip, /^ben: mismatched: laterality \(left\/right\) — L\/R$/m);
    const two = rowOf(entries, 'case2');
    assert.match(
      two.description,
      /· ✗ mismatched: wrong study \/ patient \(ann, ben\)$/,
      'agreed; the first verdict decides the wording',
    );
    assert.match(two.tooltip, /^ann: mismatched: wrong study \/ patient — report of case4 belongs here$/m);
    const three = rowOf(entries, 'case3');
    assert.match(three.description, /· ⚖ aligned \(adjudicated\) · ann: unsure · ben: aligned$/);
    assert.deepEqual([three.outcome, three.disagreed, three.adjudicated], ['aligned', true, true]);
    assert.match(three.tooltip, /^⚖ adjudicated by cy: aligned — checked the PA$/m);
    const four = rowOf(entries, 'case4');
    assert.match(four.description, /· ⚑ 1 sentence$/, 'two reviewers, one sentence');
    assert.equal(four.outcome, 'unreviewed');
    assert.match(four.tooltip, /^⚑ sentence 1 “Clear lungs\.”: finding absent in image \(ann\)$/m);
  });

  it('filters by review state: awaiting my verdict (in my share), mismatched, unsure, disagreed (settled too), flagged', () => {
    const entries = [
      verdict('case1', 'ann', 'aligned'),
      verdict('case1', 'ben', 'mismatched'),
      verdict('case2', 'ben', 'unsure'),
      verdict('case3', 'ann', 'unsure'),
      verdict('case3', 'ben', 'aligned'),
      adjudication('case3', 'cy', 'mismatched'),
      flag('case4', 0, 'other', '', 'ben', 'Clear lungs.'),
      verdict('elsewhere', 'ann', 'mismatched'), // not in the results
    ];
    assert.deepEqual(
      ids(entries, { show: 'awaiting-my-verdict' }),
      ['case2', 'case4'],
      "case3 is adjudicated; case2 has only ben's verdict",
    );
    assert.deepEqual(ids(entries, { show: 'awaiting-my-verdict' }, 'ben'), ['case4']);
    assert.deepEqual(
      ids(entries, { show: 'awaiting-my-verdict' }, 'ann', ['case4', 'case1']),
      ['case4'],
      'my share only',
    );
    assert.deepEqual(
      ids(entries, { show: 'awaiting-my-verdict' }, 'dan', ['case2', 'case1', 'gone']),
      ['case1', 'case2'],
      'rank order, unknown ids left out',
    );
    assert.deepEqual(ids(entries, { show: 'mismatched' }), ['case3'], 'by the standing: the adjudication');
    assert.deepEqual(ids(entries, { show: 'unsure' }), ['case2']);
    assert.deepEqual(ids(entries, { show: 'disagreed' }), ['case1', 'case3']);
    assert.deepEqual(
      ids(entries, { show: 'flagged' }),
      ['case1', 'case3', 'case4'],
      'a mismatched verdict by anyone, or a flagged sentence',
    );
    assert.deepEqual(ids(entries, { show: 'disagreed', text: 'CASE3' }), ['case3']);
  });

  it('filters by id, report and image path, reviewer, verdict, reason (id or label) and note, case-insensitively', () => {
    const entries = [
      verdict('case2', 'ana', 'mismatched', { reason: 'laterality', note: 'sides swapped' }),
      flag('case1', 0, 'wrong-view', '', 'bo', 'Right lower lobe opacity.'),
    ];
    const by = (text: string, show: PairFilter['show'] = 'all') => ids(entries, { text, show });
    assert.deepEqual(by('CASE3'), ['case3']);
    assert.deepEqual(by('left-side'), ['case3'], 'report path');
    assert.deepEqual(by('lat.png'), ['case2'], 'image path');
    assert.deepEqual(by('effusion'), [], 'report text is not searched: it is not in the index');
    assert.deepEqual(by('left'), ['case2', 'case3'], '"left" is in case2\'s reason label and case3\'s report path');
    assert.deepEqual(by('SWAPPED'), ['case2']);
    assert.deepEqual(by('wrong view'), ['case1']);
    assert.deepEqual(by('bo'), ['case1'], 'reviewer');
    assert.deepEqual(by('mismatched'), ['case2'], 'verdict');
    assert.deepEqual(by('  '), ['case1', 'case2', 'case3', 'case4']);
    assert.deepEqual(by('', 'flagged'), ['case1', 'case2']);
    assert.deepEqual(by('case1', 'flagged'), ['case1']);
    assert.deepEqual(by('nothing like this'), []);
  });

  it('pages: the first `limit` matches, and where a pair stands among them', () => {
    const r = reviewsOf([]);
    assert.deepEqual(
      pairRows(index, r, matchingRanks(index, r, NO_FILTER), 2).map((row) => row.entry.id),
      ['case1', 'case2'],
    );
    const all = matchingRanks(index, r, NO_FILTER);
    assert.equal(all, 'all', 'no filter: no list of 227,000 ranks either');
    assert.equal(matchCount(all, index), 4);
    assert.deepEqual([matchPosition(all, 3, index), matchPosition(all, 5, index)], [2, -1]);
    assert.deepEqual(matchingRanks(index, r, { text: 'case', show: 'all' }), [1, 2, 3, 4]);
    const two = matchingRanks(index, r, { text: 'e3', show: 'all' });
    assert.deepEqual([matchPosition(two, 3, index), matchPosition(two, 1, index)], [0, -1]);
  });

  it('describes the active filter in the view message, and the "show more" row', () => {
    assert.equal(filterMessage(NO_FILTER, 3, 3), undefined);
    assert.equal(isFiltering({ text: ' ', show: 'all' }), false);
    assert.equal(
      filterMessage({ text: ' effusion ', show: 'flagged' }, 1, 40),
      'Filter: “effusion” · flagged — 1 of 40 pairs',
    );
    assert.equal(
      filterMessage({ text: '', show: 'awaiting-my-verdict' }, 0, 227_000),
      'Filter: awaiting my verdict — 0 of 227,000 pairs',
    );
    assert.equal(reviewFilterFrom('awaiting-my-verdict'), 'awaiting-my-verdict');
    assert.equal(
      reviewFilterFrom('unreviewed'),
      'awaiting-my-verdict',
      'the older spelling of a keybinding still works',
    );
    assert.equal(reviewFilterFrom('nope'), undefined);
    assert.equal(showMoreLabel(200, 227_000), 'Show 200 more… (200 of 227,000 shown)');
    assert.equal(showMoreLabel(400, 450), 'Show 50 more… (400 of 450 shown)');
  });

  it('lists sentences with score, notes and the flags anchored on them, with who flagged', () => {
    const p = pair('x', 1, 'A.', [], {
      sentences: [
        sentence('No  effusion.', 0, 0.1234, { negated: true }),
        sentence('History: cough.', 14, 0.3, { describesImage: false, section: 'history' }),
      ],
    });
    const flags = [
      flag('x', 0, 'other', 'see lateral', 'ann', 'History: cough.'),
      flag('x', 1, 'laterality', '', 'ben', 'History: cough.'),
      flag('x', 1, 'other', '', 'cy', 'Gone sentence.'),
    ] as FlagEntry[];
    const anchored = anchorFlags(flags, p.sentences);
    assert.equal(anchored.orphaned.length, 1, 'a flag whose sentence is gone is orphaned');
    const listed = sentenceRows(p, anchored);
    assert.deepEqual(
      listed.map((r) => r.label),
      ['No effusion.', 'History: cough.'],
    );
    assert.equal(
      listed[0].description,
      'score 0.123 · negated',
      "ann's flag recorded index 0 but follows its text to sentence 2",
    );
    assert.equal(
      listed[1].description,
      'score 0.300 · not about the image · ⚑ other (ann) · ⚑ laterality (left/right) (ben)',
    );
    assert.deepEqual(
      listed[1].flags.map((f) => f.reviewer),
      ['ann', 'ben'],
    );
    assert.match(listed[1].tooltip, /^ann: see lateral$/m);
  });
});
