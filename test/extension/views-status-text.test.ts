import assert from 'node:assert/strict';
import { statusText } from '../../src/extension/views/status-text';
import { flag, pair, saved } from './views-fixtures';

describe('views: status bar text', () => {
  const scored = saved([pair('a', 1, 'A.'), pair('b', 2, 'B.'), pair('c', 3, 'C.')]);

  it('counts scored pairs, pairs with any flag, and skipped files', () => {
    const flags = [flag('a', null, 'laterality'), flag('a', 0, 'other'), flag('b', 0, 'other'), flag('c', null, null), flag('gone', null, 'other')];
    const s = statusText('/data/set1', scored, 1, flags, '/data/set1/.radalign/results.json');
    assert.equal(s.text, '$(checklist) 3 scored · 2 flagged · 1 skipped');
    assert.match(s.tooltip, /3 pairs scored in set1, 2 flagged/);
    assert.match(s.tooltip, /1 files skipped/);
    assert.match(s.tooltip, /Tiny CLIP/);
  });

  it('leaves out what it does not know (no session yet) or what is zero (skips)', () => {
    const none = saved([pair('a', 1, 'A.')]);
    assert.equal(statusText('/d', none, 0, undefined, '/d/r.json').text, '$(checklist) 1 scored');
    assert.equal(statusText('/d', none, 0, [], '/d/r.json').text, '$(checklist) 1 scored · 0 flagged');
  });

  it('writes large counts with thousands separators', () => {
    const big = { count: 227_000, model: saved([]).model, entry: (id: string) => (id === 'p1' ? saved([pair('p1', 1, 'A.')]).entry(1) : undefined) };
    assert.equal(statusText('/d', big, 1_204, [flag('p1', null, 'other')], '/d/r.json').text, '$(checklist) 227,000 scored · 1 flagged · 1,204 skipped');
  });
});
