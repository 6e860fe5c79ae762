import assert from 'node:assert/strict';
import { filterMessage, isFiltering, NO_FILTER, pairRows, sentenceRows } from '../../src/extension/views/pair-rows';
import { flag, pair, sentence } from './views-fixtures';

describe('views: pair rows of the tree', () => {
  // Deliberately out of rank order.
  const pairs = [
    pair('case3', 3, 'Small left effusion. Heart normal.'),
    pair('case1', 1, 'Right lower lobe opacity.'),
    pair('case2', 2, 'No pneumothorax. Lines in place.'),
  ];

  it('lists pairs most suspicious first, with rank, suspicion and score', () => {
    const rows = pairRows(pairs, [], NO_FILTER);
    assert.deepEqual(rows.map((r) => r.label), ['#1 case1', '#2 case2', '#3 case3']);
    assert.equal(rows[0].description, 'suspicion 0.90 · score 0.250');
    assert.match(rows[0].tooltip, /report: case1\.txt/);
  });

  it('shows the pair flag, or how many sentences are flagged', () => {
    const rows = pairRows(pairs, [flag('case2', null, 'laterality', 'L/R'), flag('case3', 0, 'finding-absent'), flag('case3', 1, 'other'), flag('case1', null, null)], NO_FILTER);
    const by = new Map(rows.map((r) => [r.pair.id, r]));
    assert.match(by.get('case2')!.description, /⚑ laterality \(left\/right\)$/);
    assert.equal(by.get('case2')!.pairFlag?.reason, 'laterality');
    assert.match(by.get('case3')!.description, /⚑ 2 sentences$/);
    // A tombstone (reason null) is no flag.
    assert.equal(by.get('case1')!.flags.length, 0);
    assert.doesNotMatch(by.get('case1')!.description, /⚑/);
  });

  it('filters by id, report text, flag reason (id or label) and note, case-insensitively', () => {
    const flags = [flag('case2', null, 'laterality', 'sides swapped'), flag('case1', 0, 'wrong-view')];
    const ids = (text: string, flaggedOnly = false) => pairRows(pairs, flags, { text, flaggedOnly }).map((r) => r.pair.id);
    assert.deepEqual(ids('CASE3'), ['case3']);
    assert.deepEqual(ids('effusion'), ['case3']);
    assert.deepEqual(ids('left'), ['case2', 'case3'], '"left" is in case2\'s reason label and case3\'s text');
    assert.deepEqual(ids('SWAPPED'), ['case2']);
    assert.deepEqual(ids('wrong view'), ['case1']);
    assert.deepEqual(ids('  '), ['case1', 'case2', 'case3']);
    assert.deepEqual(ids('', true), ['case1', 'case2']);
    assert.deepEqual(ids('lobe', true), ['case1']);
    assert.deepEqual(ids('nothing like this'), []);
  });

  it('describes the active filter in the view message', () => {
    assert.equal(filterMessage(NO_FILTER, 3, 3), undefined);
    assert.equal(isFiltering({ text: ' ', flaggedOnly: false }), false);
    assert.equal(filterMessage({ text: ' effusion ', flaggedOnly: true }, 1, 40), 'Filter: “effusion” · flagged only — 1 of 40 pairs');
    assert.equal(filterMessage({ text: '', flaggedOnly: true }, 0, 40), 'Filter: flagged only — 0 of 40 pairs');
  });

  it('lists sentences with score, notes and flag', () => {
    const p = pair('x', 1, 'A.', [], {
      sentences: [sentence('No  effusion.', 0, 0.1234, { negated: true }), sentence('History: cough.', 14, 0.3, { describesImage: false, section: 'history' })],
    });
    const rows = sentenceRows(p, [flag('x', 1, 'other')]);
    assert.deepEqual(rows.map((r) => r.label), ['No effusion.', 'History: cough.']);
    assert.equal(rows[0].description, 'score 0.123 · negated');
    assert.equal(rows[1].description, 'score 0.300 · not about the image · ⚑ other');
    assert.equal(rows[1].flag?.reason, 'other');
  });
});
