import assert from 'node:assert/strict';
import { statusText } from '../../src/extension/views/status-text';
import { flag, pair, results } from './views-fixtures';

describe('views: status bar text', () => {
  const scored = results([pair('a', 1, 'A.'), pair('b', 2, 'B.'), pair('c', 3, 'C.')], [{ path: '/data/x.png', reason: 'not an image' }]);

  it('counts scored pairs, pairs with any flag, and skipped files', () => {
    const flags = [flag('a', null, 'laterality'), flag('a', 0, 'other'), flag('b', 0, 'other'), flag('c', null, null), flag('gone', null, 'other')];
    const s = statusText('/data/set1', scored, flags, '/data/set1/.radalign/results.json');
    assert.equal(s.text, '$(checklist) 3 scored · 2 flagged · 1 skipped');
    assert.match(s.tooltip, /3 pairs scored in set1, 2 flagged/);
    assert.match(s.tooltip, /1 files skipped/);
    assert.match(s.tooltip, /Tiny CLIP/);
  });

  it('leaves out what it does not know (no session yet) or what is zero (skips)', () => {
    const none = results([pair('a', 1, 'A.')]);
    assert.equal(statusText('/d', none, undefined, '/d/r.json').text, '$(checklist) 1 scored');
    assert.equal(statusText('/d', none, [], '/d/r.json').text, '$(checklist) 1 scored · 0 flagged');
  });
});
