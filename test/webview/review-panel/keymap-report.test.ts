// Keyboard dispatch against the host's key map, and the report's runs, tints and caveats.
import assert from 'node:assert/strict';
import { defaultKeymap } from '../../../src/extension/panel/keymap';
import { actionForKey, keyLabel, visibleBindings } from '../../../webview/review-panel/keymap-dispatch';
import { reportRuns, sentenceCaveat, sentenceTints } from '../../../webview/review-panel/report-layout';

describe('webview keymap dispatch', () => {
  it('maps keys to actions, including reasons 1–6 in FLAG_REASONS order', () => {
    const act = (key: string) => actionForKey(defaultKeymap(), { key }, 'follow');
    assert.deepEqual(act('j'), { type: 'next-pair' });
    assert.deepEqual(act('ArrowLeft'), { type: 'previous-pair' });
    assert.deepEqual(act('S'), { type: 'previous-sentence' });
    assert.deepEqual(act('s'), { type: 'next-sentence' });
    assert.deepEqual(act('1'), { type: 'flag', reason: 'wrong-study' });
    assert.deepEqual(act('6'), { type: 'flag', reason: 'other' });
    assert.deepEqual(act('u'), { type: 'unflag' });
    assert.deepEqual(act('n'), { type: 'next-unreviewed' });
    assert.equal(act('q'), undefined);
    assert.equal(act('A'), undefined, 'Shift+a is not a');
  });

  it('gives each verdict one key: a aligned, x mismatched, ? unsure; they work in pinned panels too', () => {
    for (const mode of ['follow', 'pinned'] as const) {
      const act = (key: string) => actionForKey(defaultKeymap(), { key }, mode);
      assert.deepEqual(act('a'), { type: 'verdict', verdict: 'aligned' });
      assert.deepEqual(act('x'), { type: 'verdict', verdict: 'mismatched' });
      assert.deepEqual(act('?'), { type: 'verdict', verdict: 'unsure' });
    }
    const verdictBindings = defaultKeymap().filter((b) => b.action.type === 'verdict');
    assert.deepEqual(
      verdictBindings.map((b) => b.keys),
      [['a'], ['x'], ['?']],
    );
    assert.equal(keyLabel('?'), '?', 'a shifted symbol is written as typed');
    assert.ok(
      visibleBindings(defaultKeymap(), 'pinned').some((b) => b.action.type === 'verdict'),
      'the legend of a pinned panel shows them',
    );
  });

  it('leaves chords to VS Code and pair navigation out of pinned panels', () => {
    assert.equal(actionForKey(defaultKeymap(), { key: 'j', ctrlKey: true }, 'follow'), undefined);
    assert.equal(actionForKey(defaultKeymap(), { key: 'j' }, 'pinned'), undefined);
    assert.deepEqual(actionForKey(defaultKeymap(), { key: 'h' }, 'pinned'), { type: 'toggle-overlay' });
    assert.ok(
      visibleBindings(defaultKeymap(), 'pinned').every(
        (b) => !['next-pair', 'previous-pair', 'next-unreviewed'].includes(b.action.type),
      ),
    );
  });

  it('has no key bound twice, and writes keys readably', () => {
    const keys = defaultKeymap().flatMap((b) => b.keys);
    assert.equal(new Set(keys).size, keys.length);
    assert.equal(keyLabel('ArrowDown'), '↓');
    assert.equal(keyLabel('S'), 'Shift+s');
    assert.equal(keyLabel('0'), '0');
  });
});

describe('webview report layout', () => {
  it('cuts the report into plain and sentence runs that rebuild it exactly', () => {
    const text = 'FINDINGS: A b. C d.\nIMPRESSION: E.';
    const sentences = [
      { start: 10, end: 14 },
      { start: 15, end: 19 },
      { start: 32, end: 34 },
    ];
    const runs = reportRuns(text, sentences);
    assert.equal(runs.map((r) => r.text).join(''), text);
    assert.deepEqual(
      runs.filter((r) => r.sentence !== null).map((r) => [r.sentence, r.text]),
      [
        [0, 'A b.'],
        [1, 'C d.'],
        [2, 'E.'],
      ],
    );
    // Out-of-range or overlapping offsets are clipped, never duplicated.
    const odd = reportRuns('abcdef', [
      { start: 2, end: 4 },
      { start: 3, end: 99 },
    ]);
    assert.equal(odd.map((r) => r.text).join(''), 'abcdef');
  });

  it('tints by evidence relative within the report, among sentences about the image', () => {
    const tints = sentenceTints([
      { evidence: 0.3, describesImage: true },
      { evidence: 0.1, describesImage: true },
      { evidence: 0.2, describesImage: true },
      { evidence: -5, describesImage: false },
    ]);
    assert.deepEqual(
      tints.slice(0, 3).map((t) => Math.round(t * 100) / 100),
      [0, 1, 0.5],
    );
    assert.equal(tints[3], 1, 'clamped');
    assert.deepEqual(sentenceTints([{ evidence: 0.2, describesImage: true }]), [0]);
  });

  it('explains why low scores on negated or non-image sentences are not mismatches', () => {
    assert.match(
      sentenceCaveat({ negated: true, describesImage: true, section: 'findings' })!,
      /not by itself a mismatch/,
    );
    assert.match(
      sentenceCaveat({ negated: false, describesImage: false, section: 'history' })!,
      /history.*not a mismatch/,
    );
    assert.equal(sentenceCaveat({ negated: false, describesImage: true, section: 'findings' }), undefined);
  });
});
