import assert from 'node:assert/strict';
import { FLAG_REASONS } from '../../../src/engine/review';
import { parseFlagArgs, reasonChoices, targetTitle } from '../../../src/extension/views/flag-choices';
import { flag } from '../../helpers/review-fixtures';

describe('views: flag choices and arguments', () => {
  it('offers every reason, and Unflag first only when flagged', () => {
    const fresh = reasonChoices(undefined);
    assert.deepEqual(
      fresh.map((c) => c.reason),
      [...FLAG_REASONS],
    );
    assert.equal(fresh[1].label, 'laterality (left/right)');
    const flagged = reasonChoices(flag('a', null, 'laterality'));
    assert.equal(flagged[0].reason, null);
    assert.match(flagged[0].description!, /laterality/);
    assert.equal(flagged.find((c) => c.reason === 'laterality')?.description, 'laterality · current');
  });

  it('accepts the automation argument and tree elements, and explains bad ones', () => {
    assert.deepEqual(parseFlagArgs(undefined), {});
    assert.deepEqual(parseFlagArgs({ reason: 'other', note: 'n', pairId: 'a', sentence: 2 }), {
      reason: 'other',
      note: 'n',
      pairId: 'a',
      sentence: 2,
    });
    assert.deepEqual(parseFlagArgs({ reason: null }), { reason: null });
    assert.deepEqual(parseFlagArgs({ pairId: 'a', sentence: null }), { pairId: 'a', sentence: null });
    assert.match(
      (parseFlagArgs({ reason: 'typo' }) as { error: string }).error,
      /one of wrong-study, .*null to unflag/,
    );
    assert.match((parseFlagArgs({ sentence: -1 }) as { error: string }).error, /sentence index/);
    assert.match((parseFlagArgs('laterality') as { error: string }).error, /expected an object/);
    assert.match((parseFlagArgs({ note: 3 }) as { error: string }).error, /note/);
  });

  it('titles the picker with the target', () => {
    assert.equal(targetTitle('case1', null), 'Flag pair case1');
    assert.equal(targetTitle('case1', 0, 'Small  left\neffusion.'), 'Flag sentence 1 of case1: “Small left effusion.”');
    assert.match(targetTitle('c', 1, 'x'.repeat(100)), /x{57}…”$/);
  });
});
