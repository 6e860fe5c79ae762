import assert from 'node:assert/strict';
import type { ReviewEntry } from '../../src/engine/review';
import { filterMessage, isFiltering, matchCount, matchingRanks, matchPosition, NO_FILTER, pairRow, pairRows, sentenceRows, showMoreLabel, type PairFilter, type PairFlags } from '../../src/extension/views/pair-rows';
import { CountingResults, flag, pair, saved, sentence } from './views-fixtures';

/** The flags as the session offers them: current ones, grouped by pair. */
function flagsOf(entries: ReviewEntry[]): PairFlags {
  const current = entries.filter((f) => f.reason !== null);
  const ids = [...new Set(current.map((f) => f.pair))];
  return { flagsFor: (id) => current.filter((f) => f.pair === id), flaggedPairIds: () => ids };
}

describe('views: pair rows of the tree', () => {
  // Deliberately out of rank order.
  const index = saved([
    pair('case3', 3, 'Small left effusion. Heart normal.', [], { report: 'reports/left-side.txt' }),
    pair('case1', 1, 'Right lower lobe opacity.'),
    pair('case2', 2, 'No pneumothorax. Lines in place.', [], { images: ['img/case2-PA.png', 'img/case2-LAT.png'] }),
  ]);
  const rows = (flags: ReviewEntry[], filter: PairFilter, limit = 200) => {
    const f = flagsOf(flags);
    return pairRows(index, f, matchingRanks(index, f, filter), limit);
  };

  it('lists pairs most suspicious first, with rank, suspicion and score, from the index alone', () => {
    const counted = new CountingResults(index);
    const listed = pairRows(counted, flagsOf([]), matchingRanks(counted, flagsOf([]), NO_FILTER), 200);
    assert.deepEqual(listed.map((r) => r.label), ['#1 case1', '#2 case2', '#3 case3']);
    assert.equal(listed[0].description, 'suspicion 0.90 · score 0.250');
    assert.match(listed[0].tooltip, /report: case1\.txt/);
    assert.deepEqual(counted.reads, [], 'no pair record is read');
  });

  it('adds why it ranks there to the tooltip once the record is read', async () => {
    const entry = index.entry('case2')!;
    assert.doesNotMatch(pairRow(entry, []).tooltip, /fitting/);
    const tooltip = pairRow(entry, [], await index.pair('case2')).tooltip;
    assert.match(tooltip, /suspicion 0\.800 \(reports fitting the image better: 50%, images fitting the report better: 25%\)/);
    assert.match(tooltip, /^2 sentences$/m);
  });

  it('shows the pair flag, or how many sentences are flagged', () => {
    const listed = rows([flag('case2', null, 'laterality', 'L/R'), flag('case3', 0, 'finding-absent'), flag('case3', 1, 'other'), flag('case1', null, null)], NO_FILTER);
    const by = new Map(listed.map((r) => [r.entry.id, r]));
    assert.match(by.get('case2')!.description, /⚑ laterality \(left\/right\)$/);
    assert.equal(by.get('case2')!.pairFlag?.reason, 'laterality');
    assert.match(by.get('case3')!.description, /⚑ 2 sentences$/);
    // A tombstone (reason null) is no flag.
    assert.equal(by.get('case1')!.flags.length, 0);
    assert.doesNotMatch(by.get('case1')!.description, /⚑/);
  });

  it('filters by id, report and image path, flag reason (id or label) and note, case-insensitively', () => {
    const flags = [flag('case2', null, 'laterality', 'sides swapped'), flag('case1', 0, 'wrong-view')];
    const ids = (text: string, flaggedOnly = false) => rows(flags, { text, flaggedOnly }).map((r) => r.entry.id);
    assert.deepEqual(ids('CASE3'), ['case3']);
    assert.deepEqual(ids('left-side'), ['case3'], 'report path');
    assert.deepEqual(ids('lat.png'), ['case2'], 'image path');
    assert.deepEqual(ids('effusion'), [], 'report text is not searched: it is not in the index');
    assert.deepEqual(ids('left'), ['case2', 'case3'], '"left" is in case2\'s reason label and case3\'s report path');
    assert.deepEqual(ids('SWAPPED'), ['case2']);
    assert.deepEqual(ids('wrong view'), ['case1']);
    assert.deepEqual(ids('  '), ['case1', 'case2', 'case3']);
    assert.deepEqual(ids('', true), ['case1', 'case2']);
    assert.deepEqual(ids('case1', true), ['case1']);
    assert.deepEqual(ids('nothing like this'), []);
  });

  it('pages: the first `limit` matches, and where a pair stands among them', () => {
    const f = flagsOf([]);
    assert.deepEqual(rows([], NO_FILTER, 2).map((r) => r.entry.id), ['case1', 'case2']);
    const all = matchingRanks(index, f, NO_FILTER);
    assert.equal(all, 'all', 'no filter: no list of 227,000 ranks either');
    assert.equal(matchCount(all, index), 3);
    assert.deepEqual([matchPosition(all, 3, index), matchPosition(all, 4, index)], [2, -1]);
    const some = matchingRanks(index, f, { text: 'case', flaggedOnly: false });
    assert.deepEqual(some, [1, 2, 3]);
    const two = matchingRanks(index, f, { text: 'e3', flaggedOnly: false });
    assert.deepEqual([matchPosition(two, 3, index), matchPosition(two, 1, index)], [0, -1]);
  });

  it('describes the active filter in the view message, and the "show more" row', () => {
    assert.equal(filterMessage(NO_FILTER, 3, 3), undefined);
    assert.equal(isFiltering({ text: ' ', flaggedOnly: false }), false);
    assert.equal(filterMessage({ text: ' effusion ', flaggedOnly: true }, 1, 40), 'Filter: “effusion” · flagged only — 1 of 40 pairs');
    assert.equal(filterMessage({ text: '', flaggedOnly: true }, 0, 227_000), 'Filter: flagged only — 0 of 227,000 pairs');
    assert.equal(showMoreLabel(200, 227_000), 'Show 200 more… (200 of 227,000 shown)');
    assert.equal(showMoreLabel(400, 450), 'Show 50 more… (400 of 450 shown)');
  });

  it('lists sentences with score, notes and flag', () => {
    const p = pair('x', 1, 'A.', [], {
      sentences: [sentence('No  effusion.', 0, 0.1234, { negated: true }), sentence('History: cough.', 14, 0.3, { describesImage: false, section: 'history' })],
    });
    const listed = sentenceRows(p, [flag('x', 1, 'other')]);
    assert.deepEqual(listed.map((r) => r.label), ['No effusion.', 'History: cough.']);
    assert.equal(listed[0].description, 'score 0.123 · negated');
    assert.equal(listed[1].description, 'score 0.300 · not about the image · ⚑ other');
    assert.equal(listed[1].flag?.reason, 'other');
  });
});
