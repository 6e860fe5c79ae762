// DisposableValue and followSession: what the views use to follow the current review session.
import assert from 'node:assert/strict';
import { DisposableValue, followSession } from '../../src/extension/lifecycle';
import { Emitter } from '../../src/extension/review/emitter';

function tracked(name: string, log: string[]) {
  return { name, dispose: () => void log.push(`dispose ${name}`) };
}

describe('lifecycle', () => {
  it('DisposableValue disposes what it replaces, what it holds on dispose, and what it is given after', () => {
    const log: string[] = [];
    const value = new DisposableValue<{ name: string; dispose(): void }>();
    const a = tracked('a', log);
    value.value = a;
    value.value = a; // the same value again: kept
    assert.deepEqual(log, []);
    value.value = tracked('b', log);
    assert.deepEqual(log, ['dispose a']);
    value.value = undefined;
    assert.deepEqual(log, ['dispose a', 'dispose b']);
    value.value = tracked('c', log);
    value.dispose();
    assert.equal(value.value, undefined);
    value.value = tracked('late', log);
    assert.equal(value.value, undefined);
    assert.deepEqual(log, ['dispose a', 'dispose b', 'dispose c', 'dispose late']);
  });

  it('followSession attaches to the current session and each replacement, letting go of the one before', () => {
    const log: string[] = [];
    const changed = new Emitter<string | undefined>();
    const source = { current: 's1' as string | undefined, onDidChangeSession: changed.event };
    const following = followSession(source, (s) => {
      log.push(`attach ${s ?? 'none'}`);
      return s === undefined ? undefined : tracked(s, log);
    });
    changed.fire('s2');
    changed.fire(undefined);
    changed.fire('s3');
    following.dispose();
    changed.fire('s4'); // not followed any more
    assert.deepEqual(log, [
      'attach s1',
      'dispose s1',
      'attach s2',
      'dispose s2',
      'attach none',
      'attach s3',
      'dispose s3',
    ]);
  });
});
