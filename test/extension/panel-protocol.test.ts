// The review panel's message protocol: every message is validated on arrival, on both sides.
import assert from 'node:assert/strict';
import {
  PendingRequests,
  checkHostToWebview,
  checkWebviewToHost,
  readPersistedState,
  type HostRequests,
  type PanelState,
  type RenderReport,
} from '../../src/protocol/review-panel-protocol';
import { DEFAULT_KEYMAP } from '../../src/extension/panel/keymap';

const report: RenderReport = {
  pairId: 'a',
  sentences: 2,
  selectedSentence: 1,
  heatmapSentence: 1,
  heatmapDrawn: true,
  imageIndex: 0,
  imageLoaded: true,
  flagsShown: [{ sentence: null, reason: 'laterality' }],
  view: { colormap: 'hot', opacity: 0.5, overlay: true },
};

function state(): PanelState {
  return {
    mode: 'follow',
    sentence: 0,
    total: 3,
    unreviewed: 2,
    modelName: 'm',
    keymap: [...DEFAULT_KEYMAP],
    reasons: [{ id: 'other', label: 'other' }],
    pair: {
      id: 'a',
      reportName: 'a.txt',
      reportText: 'No effusion.',
      images: [{ name: 'a.png', source: { kind: 'uri', uri: 'https://file+.vscode-resource/a.png' } }, { name: 'a.dcm', source: { kind: 'pixels' } }],
      score: 0.2,
      suspicion: 0.5,
      rank: 1,
      reportRank: 0,
      imageRank: 0.5,
      bestReports: [{ id: 'b', score: 0.3 }],
      sentences: [
        {
          text: 'No effusion.',
          section: 'findings',
          start: 0,
          end: 12,
          score: 0.1,
          imageScore: 0.1,
          consistency: null,
          negated: true,
          uncertain: false,
          describesImage: true,
          heatmap: { kind: 'patch', imageIndex: 0, rows: 2, cols: 2, values: [0, 1, 2, 3], box: [0, 0, 10, 10] },
        },
      ],
      flags: [{ sentence: 0, reason: 'finding-absent', note: '', reviewer: 'r', at: '2024-01-01T00:00:00Z' }],
    },
  };
}

describe('review panel protocol', () => {
  it('accepts well-formed host messages, including a full state and replies', () => {
    assert.equal(checkHostToWebview({ type: 'state', state: state() }).ok, true);
    assert.equal(checkHostToWebview({ type: 'state', state: { ...state(), pair: null, notice: 'nothing' } }).ok, true);
    assert.equal(checkHostToWebview({ type: 'reply', requestId: 3, ok: false, error: 'no' }).ok, true);
    assert.equal(checkHostToWebview({ type: 'request', requestId: 1, method: 'simulate-input', params: { steps: [{ key: 's' }, { text: 'x' }] } }).ok, true);
  });

  it('rejects ill-formed host messages, saying what is wrong', () => {
    const bad = (m: unknown, problem: RegExp) => {
      const r = checkHostToWebview(m);
      assert.equal(r.ok, false, JSON.stringify(m));
      if (!r.ok) assert.match(r.problem, problem);
    };
    bad(null, /not an object/);
    bad({ type: 'explode' }, /unknown message type "explode"/);
    bad({ type: 'state', state: { ...state(), mode: 'sideways' } }, /state mode/);
    const s = state();
    s.pair!.sentences[0]!.heatmap!.values = [1, 2, 3]; // rows*cols is 4
    bad({ type: 'state', state: s }, /pair sentences/);
    const c = state();
    (c.pair!.sentences[0] as { consistency: unknown }).consistency = 'high';
    bad({ type: 'state', state: c }, /pair sentences/);
    const f = state();
    (f.pair!.flags[0] as { reason: string }).reason = 'boring';
    bad({ type: 'state', state: f }, /pair flags/);
    bad({ type: 'request', requestId: 1, method: 'format-disk', params: {} }, /unknown request method/);
    bad({ type: 'request', requestId: 1, method: 'simulate-input', params: { steps: [{ keys: 1 }] } }, /bad params/);
    bad({ type: 'reply', requestId: -1, ok: true, result: 1 }, /requestId/);
    bad({ type: 'toString' }, /unknown message type/); // not fooled by inherited properties
  });

  it('accepts webview intents and rejects malformed ones', () => {
    const good = [
      { type: 'ready' },
      { type: 'select-sentence', pairId: 'a', sentence: null },
      { type: 'navigate', to: 'next-unreviewed' },
      { type: 'flag', pairId: 'a', sentence: 2, reason: 'wrong-view', note: '' },
      { type: 'unflag', pairId: 'a', sentence: null },
      { type: 'open-other', pairId: 'b' },
      { type: 'rendered', report },
      { type: 'request', requestId: 9, method: 'load-image', params: { pairId: 'a', index: 0 } },
    ];
    for (const m of good) assert.equal(checkWebviewToHost(m).ok, true, JSON.stringify(m));
    const bad = [
      { type: 'flag', pairId: 'a', sentence: 0, reason: 'dislike', note: '' },
      { type: 'flag', pairId: 'a', sentence: -1, reason: 'other', note: '' },
      { type: 'flag', pairId: 'a', sentence: 0, reason: 'other' },
      { type: 'navigate', to: 'sideways' },
      { type: 'select-sentence', pairId: 3, sentence: 0 },
      { type: 'rendered', report: { ...report, view: { colormap: 'rainbow', opacity: 1, overlay: true } } },
      { type: 'request', requestId: 9, method: 'load-image', params: { pairId: 'a', index: 1.5 } },
      { type: 'state', state: state() }, // a host message, not a webview one
    ];
    for (const m of bad) assert.equal(checkWebviewToHost(m).ok, false, JSON.stringify(m));
  });

  it('matches replies to requests, checks their results, and times out', async () => {
    const sent: unknown[] = [];
    const pending = new PendingRequests<HostRequests>((m) => sent.push(m), 50);
    const inspected = pending.request('inspect', {});
    const malformed = pending.request('inspect', {});
    const failed = pending.request('simulate-input', { steps: [] });
    const lost = pending.request('inspect', {});
    assert.deepEqual(sent.map((m) => (m as { requestId: number }).requestId), [1, 2, 3, 4]);
    assert.equal(pending.receive({ type: 'reply', requestId: 1, ok: true, result: report }), true);
    assert.equal(pending.receive({ type: 'reply', requestId: 2, ok: true, result: { pairId: 7 } }), true);
    assert.equal(pending.receive({ type: 'reply', requestId: 3, ok: false, error: 'boom' }), true);
    assert.equal(pending.receive({ type: 'reply', requestId: 99, ok: true, result: report }), false);
    assert.deepEqual(await inspected, report);
    await assert.rejects(malformed, /inspect: ill-formed result \(report pairId\)/);
    await assert.rejects(failed, /simulate-input: boom/);
    await assert.rejects(lost, /no reply within 50 ms/);
  });

  it('reads saved webview state leniently', () => {
    assert.deepEqual(readPersistedState(undefined), { mode: 'follow', pairId: null, sentence: null, view: { colormap: 'turbo', opacity: 0.6, overlay: true } });
    assert.deepEqual(readPersistedState({ mode: 'pinned', pairId: 'x', sentence: 2, view: { colormap: 'grey', opacity: 7, overlay: false } }), {
      mode: 'pinned',
      pairId: 'x',
      sentence: 2,
      view: { colormap: 'grey', opacity: 1, overlay: false },
    });
    assert.equal(readPersistedState({ view: { colormap: 'jet' } }).view.colormap, 'turbo');
  });
});
