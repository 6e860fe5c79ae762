import * as assert from 'node:assert/strict';
import { ProgressText, formatDuration } from '../../src/extension/progress-text';

describe('extension progress text', () => {
  it('formats durations as m:ss or h:mm:ss', () => {
    assert.equal(formatDuration(0), '0:00');
    assert.equal(formatDuration(75), '1:15');
    assert.equal(formatDuration(3725), '1:02:05');
  });

  it('shows pairs done/total, a rate counted from the first scoring event, and an ETA', () => {
    let now = 1000;
    const text = new ProgressText(() => now);
    assert.equal(text.update({ phase: 'discovering', done: 0, total: 0 }).message, 'finding pairs…');
    now += 30_000; // model loading does not count towards the rate
    assert.deepEqual(text.update({ phase: 'scoring', done: 0, total: 40 }), { message: '0/40 pairs', increment: 0 });
    now += 5_000;
    assert.deepEqual(text.update({ phase: 'scoring', done: 10, total: 40 }), {
      message: '10/40 pairs · 2.0 pairs/s · ETA 0:15',
      increment: 25,
    });
    now += 5_000;
    assert.deepEqual(text.update({ phase: 'scoring', done: 20, total: 40 }), {
      message: '20/40 pairs · 2.0 pairs/s · ETA 0:10',
      increment: 25,
    });
    assert.equal(text.update({ phase: 'ranking', done: 40, total: 40 }).increment, 0);
    assert.deepEqual(text.update({ phase: 'done', done: 40, total: 40 }), { message: 'done', increment: 50 });
  });
});
