// The review panel's message protocol: every message is validated on arrival, on both sides.
import assert from 'node:assert/strict';
import { readPersistedState } from '../../src/protocol/panel-persisted-state';
import { PendingRequests } from '../../src/protocol/request-reply';
import {
  HOST_METHODS,
  checkHostToWebview,
  checkWebviewToHost,
  type Inspection,
  type PanelState,
  type RenderReport,
} from '../../src/protocol/review-panel-protocol';
import { defaultKeymap } from '../../src/extension/panel/keymap';

const report: RenderReport = {
  pairId: 'a',
  sentences: 2,
  selectedSentence: 1,
  heatmapSentence: 1,
  heatmapDrawn: true,
  imageIndex: 0,
  imageLoaded: true,
  reportShown: 'No effusion.',
  flagsShown: [{ sentence: 0, reason: 'laterality', reviewer: 'dr-a', text: '⚑ sentence 1 laterality dr-a' }],
  orphanedFlagsShown: [{ text: 'Left effusion.', reason: 'other', reviewer: 'dr-b' }],
  verdictsShown: [
    { reviewer: 'dr-a', verdict: 'aligned', mine: true, text: 'dr-a you aligned' },
    { reviewer: 'dr-b', verdict: 'mismatched', mine: false, text: 'dr-b mismatched' },
  ],
  adjudicationShown: null,
  disagreedShown: true,
  settleShown: ['aligned', 'mismatched', 'unsure'],
  progressShown: 'reviewed 1 / 3 · mine 1 · disagreed 1 · as dr-a',
  view: { colormap: 'hot', opacity: 0.5, overlay: true },
};

function state(): PanelState {
  return {
    mode: 'follow',
    sentence: 0,
    total: 3,
    reviewer: 'dr-a',
    progress: { reviewed: 1, total: 3, mine: 1, share: { reviewed: 1, assigned: 2 }, disagreed: 1 },
    modelName: 'm',
    keymap: [...defaultKeymap()],
    reasons: [{ id: 'other', label: 'other' }],
    verdicts: [{ id: 'aligned', label: 'aligned (checked, fine)' }],
    pair: {
      id: 'a',
      reportFile: 'a.txt',
      reportRow: null,
      reportText: 'No effusion.',
      images: [
        { name: 'a.png', source: { kind: 'uri', uri: 'https://file+.vscode-resource/a.png' } },
        { name: 'a.dcm', source: { kind: 'pixels' } },
      ],
      cosine: 0.2,
      suspicion: 0.5,
      rank: 1,
      reportRank: 0,
      imageRank: 0.5,
      bestReports: [{ id: 'b', cosine: 0.3 }],
      sentences: [
        {
          text: 'No effusion.',
          section: 'findings',
          start: 0,
          end: 12,
          evidence: 0.1,
          imageCosine: 0.1,
          consistency: null,
          negated: true,
          uncertain: false,
          describesImage: true,
          heatmap: { kind: 'patch', imageIndex: 0, rows: 2, cols: 2, values: [0, 1, 2, 3], box: [0, 0, 10, 10] },
        },
      ],
      verdicts: [
        { reviewer: 'dr-a', verdict: 'aligned', reason: null, note: '', at: '2024-01-01T00:00:00Z', mine: true },
        {
          reviewer: 'dr-b',
          verdict: 'mismatched',
          reason: 'laterality',
          note: 'left?',
          at: '2024-01-01T00:00:00Z',
          useReportOf: 'b',
          mine: false,
        },
      ],
      adjudication: { reviewer: 'dr-c', verdict: 'mismatched', reason: null, note: '', at: '2024-01-02T00:00:00Z' },
      outcome: 'mismatched',
      disagreed: true,
      flags: [
        { sentence: 0, reason: 'finding-absent', note: '', reviewer: 'r', at: '2024-01-01T00:00:00Z', mine: false },
      ],
      orphanedFlags: [
        {
          text: 'Left effusion.',
          sentence: 3,
          reason: 'other',
          note: '',
          reviewer: 'dr-a',
          at: '2024-01-01T00:00:00Z',
          mine: true,
        },
      ],
    },
  };
}

describe('review panel protocol', () => {
  it('accepts well-formed host messages, including a full state and replies', () => {
    const full = checkHostToWebview({ type: 'state', state: state() });
    assert.deepEqual(full, { ok: true, message: { type: 'state', state: state() } }, 'every field comes through');
    assert.equal(checkHostToWebview({ type: 'state', state: { ...state(), pair: null, notice: 'nothing' } }).ok, true);
    const plain = state();
    Object.assign(plain.pair!, {
      verdicts: [],
      adjudication: null,
      outcome: 'unreviewed',
      disagreed: false,
      orphanedFlags: [],
    });
    Object.assign(plain.pair!.flags[0]!, { sentence: 0 });
    plain.progress.share = null;
    plain.pair!.orphanedFlags = [{ ...state().pair!.orphanedFlags[0]!, text: null }];
    assert.equal(
      checkHostToWebview({ type: 'state', state: plain }).ok,
      true,
      'no verdicts, no share, an orphan without recorded text',
    );
    assert.equal(checkHostToWebview({ type: 'reply', requestId: 3, ok: false, error: 'no' }).ok, true);
    assert.equal(
      checkHostToWebview({
        type: 'request',
        requestId: 1,
        method: 'simulate-input',
        params: { steps: [{ key: 's' }, { text: 'x' }, { click: '.settle-button' }] },
      }).ok,
      true,
    );
  });

  it('rejects ill-formed host messages, saying what is wrong', () => {
    const bad = (m: unknown, problem: RegExp) => {
      const r = checkHostToWebview(m);
      assert.equal(r.ok, false, JSON.stringify(m));
      if (!r.ok) assert.match(r.problem, problem);
    };
    bad(null, /not an object/);
    bad({ type: 'explode' }, /unknown message type "explode"/);
    bad(
      { type: 'state', state: { ...state(), mode: 'sideways' } },
      /^state message: state\.mode: expected "follow" \| "pinned", got "sideways"$/,
    );
    const s = state();
    s.pair!.sentences[0]!.heatmap!.values = [1, 2, 3]; // rows*cols is 4
    bad(
      { type: 'state', state: s },
      /state\.pair\.sentences\[0\]\.heatmap\.values: expected rows × cols = 4 values, got 3/,
    );
    const c = state();
    (c.pair!.sentences[0] as { consistency: unknown }).consistency = 'high';
    bad({ type: 'state', state: c }, /state\.pair\.sentences\[0\]\.consistency: expected a number, got "high"/);
    const f = state();
    (f.pair!.flags[0] as { reason: string }).reason = 'boring';
    bad({ type: 'state', state: f }, /state\.pair\.flags\[0\]\.reason: expected one of .*, got "boring"/);
    // Verdicts, adjudication, outcome, flags and progress of the team-review model.
    const mutate = (change: (s: PanelState) => void): PanelState => {
      const x = state();
      change(x);
      return x;
    };
    const set = (obj: object, key: string, value: unknown) => ((obj as Record<string, unknown>)[key] = value);
    bad(
      { type: 'state', state: mutate((x) => set(x.pair!.verdicts[0]!, 'verdict', 'maybe')) },
      /pair\.verdicts\[0\]\.verdict: expected one of/,
    );
    bad(
      { type: 'state', state: mutate((x) => set(x.pair!.verdicts[0]!, 'reason', 'laterality')) },
      /pair\.verdicts\[0\]\.reason: only a mismatched verdict has one/,
    ); // a reason on an aligned verdict
    bad(
      { type: 'state', state: mutate((x) => set(x.pair!.verdicts[1]!, 'mine', 'no')) },
      /pair\.verdicts\[1\]\.mine: expected true or false/,
    );
    bad(
      { type: 'state', state: mutate((x) => set(x.pair!.verdicts[1]!, 'useReportOf', 7)) },
      /pair\.verdicts\[1\]\.useReportOf: expected text, got 7/,
    );
    bad(
      { type: 'state', state: mutate((x) => set(x.pair!, 'verdicts', undefined)) },
      /pair\.verdicts: expected an array/,
    );
    bad(
      { type: 'state', state: mutate((x) => set(x.pair!.adjudication!, 'verdict', null)) },
      /pair\.adjudication\.verdict: expected one of .*, got null/,
    );
    bad(
      { type: 'state', state: mutate((x) => set(x.pair!, 'adjudication', undefined)) },
      /pair\.adjudication: expected/,
    );
    bad(
      { type: 'state', state: mutate((x) => set(x.pair!, 'outcome', 'settled')) },
      /pair\.outcome: expected .*, got "settled"/,
    );
    bad(
      { type: 'state', state: mutate((x) => set(x.pair!, 'disagreed', 1)) },
      /pair\.disagreed: expected true or false, got 1/,
    );
    bad(
      { type: 'state', state: mutate((x) => set(x.pair!.flags[0]!, 'sentence', null)) },
      /pair\.flags\[0\]\.sentence: expected a number, got null/,
    ); // flags are on sentences now
    bad(
      { type: 'state', state: mutate((x) => set(x.pair!.flags[0]!, 'mine', undefined)) },
      /pair\.flags\[0\]\.mine: expected true or false/,
    );
    bad(
      { type: 'state', state: mutate((x) => set(x.pair!.orphanedFlags[0]!, 'text', 3)) },
      /pair\.orphanedFlags\[0\]\.text: expected text, got 3/,
    );
    bad(
      { type: 'state', state: mutate((x) => set(x.pair!, 'orphanedFlags', undefined)) },
      /pair\.orphanedFlags: expected an array/,
    );
    // The report: a file or a manifest row, exactly one.
    bad(
      { type: 'state', state: mutate((x) => set(x.pair!, 'reportRow', 'table.csv#row 3')) },
      /state\.pair\.reportFile: expected a reportFile or a reportRow, got both/,
    );
    bad(
      { type: 'state', state: mutate((x) => set(x.pair!, 'reportFile', null)) },
      /state\.pair\.reportFile: expected a reportFile or a reportRow, got neither/,
    );
    bad(
      { type: 'state', state: mutate((x) => set(x.pair!, 'reportFile', '../a.txt')) },
      /state\.pair\.reportFile: "\.\.\/a\.txt" has a "\.\." segment/,
    );
    assert.equal(
      checkHostToWebview({
        type: 'state',
        state: mutate((x) => Object.assign(x.pair!, { reportFile: null, reportRow: 'table.csv#row 3' })),
      }).ok,
      true,
      'a manifest row instead of a file',
    );
    bad({ type: 'state', state: mutate((x) => set(x, 'reviewer', undefined)) }, /state\.reviewer: expected text/);
    bad(
      { type: 'state', state: mutate((x) => set(x.progress, 'reviewed', 4)) },
      /state\.progress\.reviewed: expected reviewed ≤ total/,
    ); // more than total
    bad(
      { type: 'state', state: mutate((x) => set(x.progress, 'share', { reviewed: 3, assigned: 2 })) },
      /state\.progress\.share\.reviewed: expected reviewed ≤ assigned/,
    );
    bad(
      { type: 'state', state: mutate((x) => set(x.progress, 'disagreed', -1)) },
      /state\.progress\.disagreed: expected 0 or more, got -1/,
    );
    bad({ type: 'state', state: mutate((x) => set(x, 'progress', undefined)) }, /state\.progress: expected/);
    bad(
      {
        type: 'state',
        state: mutate(
          (x) => (x.keymap = [{ keys: ['a'], label: 'a', action: { type: 'verdict', verdict: 'great' as 'aligned' } }]),
        ),
      },
      /state\.keymap\[0\]\.action\.verdict: expected one of .*, got "great"/,
    );
    bad({ type: 'request', requestId: 1, method: 'format-disk', params: {} }, /^unknown request method "format-disk"$/);
    bad(
      { type: 'request', requestId: 1, method: 'simulate-input', params: { steps: [{ keys: 1 }] } },
      /^request simulate-input: params\.steps\[0\]: expected a step/,
    );
    bad(
      { type: 'request', requestId: 1, method: 'simulate-input', params: { steps: [{ click: 1 }] } },
      /^request simulate-input: params\.steps\[0\]: expected a step/,
    );
    bad(
      { type: 'reply', requestId: -1, ok: true, result: 1 },
      /^reply message: requestId: expected 0 or more, got -1$/,
    );
    bad({ type: 'toString' }, /^unknown message type "toString"$/); // not fooled by inherited properties
  });

  it('accepts webview intents and rejects malformed ones', () => {
    const good = [
      { type: 'ready' },
      { type: 'select-sentence', pairId: 'a', sentence: null },
      { type: 'navigate', to: 'next-unreviewed' },
      { type: 'flag', pairId: 'a', sentence: 2, reason: 'wrong-view', note: '' },
      { type: 'unflag', pairId: 'a', sentence: null },
      { type: 'verdict', pairId: 'a', verdict: 'aligned', advance: true },
      { type: 'verdict', pairId: 'a', verdict: 'mismatched', reason: 'laterality', note: 'L/R', useReportOf: 'b' },
      { type: 'verdict', pairId: 'a', verdict: 'unsure', reason: null, note: '' },
      { type: 'verdict', pairId: 'a', verdict: null },
      { type: 'adjudicate', pairId: 'a', verdict: 'mismatched', reason: 'wrong-study', useReportOf: 'b' },
      { type: 'adjudicate', pairId: 'a', verdict: null },
      { type: 'remove-orphaned-flag', pairId: 'a', text: 'Left effusion.', sentence: 3 },
      { type: 'remove-orphaned-flag', pairId: 'a', text: null, sentence: 0 },
      { type: 'open-other', pairId: 'b' },
      { type: 'rendered', report },
      { type: 'request', requestId: 9, method: 'load-image', params: { pairId: 'a', index: 0 } },
    ];
    for (const m of good) assert.equal(checkWebviewToHost(m).ok, true, JSON.stringify(m));
    const rejected: [unknown, RegExp][] = [
      [
        { type: 'verdict', pairId: 'a', verdict: 'maybe' },
        /^verdict message: verdict: expected one of .*, got "maybe"$/,
      ],
      [{ type: 'verdict', pairId: 'a' }, /^verdict message: verdict: missing$/],
      [{ type: 'verdict', pairId: 7, verdict: 'aligned' }, /^verdict message: pairId: expected text, got 7$/],
      [
        { type: 'verdict', pairId: 'a', verdict: 'aligned', reason: 'laterality' },
        /reason: only a mismatched verdict has one/,
      ],
      [
        { type: 'verdict', pairId: 'a', verdict: 'mismatched', reason: 'vibes' },
        /verdict message: reason: expected one of/,
      ],
      [{ type: 'verdict', pairId: 'a', verdict: 'mismatched', note: 3 }, /verdict message: note: expected text, got 3/],
      [
        { type: 'verdict', pairId: 'a', verdict: 'aligned', useReportOf: 'b' },
        /useReportOf: only a mismatched verdict has one/,
      ],
      [{ type: 'verdict', pairId: 'a', verdict: 'mismatched', useReportOf: 2 }, /useReportOf: expected text, got 2/],
      [
        { type: 'verdict', pairId: 'a', verdict: 'aligned', advance: 'yes' },
        /verdict message: advance: expected true or false/,
      ],
      [{ type: 'adjudicate', pairId: 'a', verdict: 'disagreed' }, /adjudicate message: verdict: expected one of/],
      [
        { type: 'adjudicate', pairId: 'a', verdict: null, reason: 'other' },
        /reason: only a mismatched verdict has one/,
      ],
      [
        { type: 'adjudicate', pairId: 'a', verdict: 'unsure', note: null },
        /adjudicate message: note: expected text, got null/,
      ],
      [{ type: 'adjudicate', verdict: 'unsure' }, /adjudicate message: pairId: missing/],
      [
        { type: 'remove-orphaned-flag', pairId: 'a', text: 1, sentence: 0 },
        /remove-orphaned-flag message: text: expected text/,
      ],
      [
        { type: 'remove-orphaned-flag', pairId: 'a', text: 'x', sentence: -1 },
        /remove-orphaned-flag message: sentence: expected 0 or more/,
      ],
      [
        {
          type: 'rendered',
          report: { ...report, verdictsShown: [{ reviewer: 'dr-a', verdict: 'fine', mine: true, text: 'dr-a fine' }] },
        },
        /^rendered message: report\.verdictsShown\[0\]\.verdict: expected one of .*, got "fine"$/,
      ],
      [
        {
          type: 'rendered',
          report: { ...report, verdictsShown: [{ reviewer: 'dr-a', verdict: 'aligned', text: 'dr-a aligned' }] },
        },
        /^rendered message: report\.verdictsShown\[0\]\.mine: missing$/,
      ],
      [
        {
          type: 'rendered',
          report: { ...report, flagsShown: [{ sentence: 0, reason: 'other', text: '⚑ sentence 1' }] },
        },
        /^rendered message: report\.flagsShown\[0\]\.reviewer: missing$/,
      ],
      [
        {
          type: 'rendered',
          report: { ...report, orphanedFlagsShown: [{ text: null, reason: 'other', reviewer: 'x' }] },
        },
        /report\.orphanedFlagsShown\[0\]\.text: expected text, got null/,
      ],
      [
        { type: 'rendered', report: { ...report, adjudicationShown: 'disagreed' } },
        /report\.adjudicationShown: expected/,
      ],
      [{ type: 'rendered', report: { ...report, disagreedShown: undefined } }, /report\.disagreedShown: expected true/],
      [
        { type: 'rendered', report: { ...report, settleShown: ['later'] } },
        /report\.settleShown\[0\]: expected one of/,
      ],
      [{ type: 'rendered', report: { ...report, progressShown: 3 } }, /report\.progressShown: expected text, got 3/],
      [{ type: 'rendered', report: { ...report, reportShown: undefined } }, /report\.reportShown: expected text/],
    ];
    for (const [m, problem] of rejected) {
      const r = checkWebviewToHost(m);
      assert.equal(r.ok, false, JSON.stringify(m));
      if (!r.ok) assert.match(r.problem, problem, JSON.stringify(m));
    }
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

  it('matches replies to requests, checks their results, times out, and fails what is open on close', async () => {
    const sent: unknown[] = [];
    const pending = new PendingRequests((m) => sent.push(m), { methods: HOST_METHODS, timeoutMs: 50 });
    const inspection: Inspection = { ...report, heatmapPixels: 120, viewerPixels: 4000 };
    const inspected = pending.request('inspect', {});
    const malformed = pending.request('inspect', {});
    const failed = pending.request('simulate-input', { steps: [] });
    const lost = pending.request('inspect', {});
    assert.deepEqual(
      sent.map((m) => (m as { requestId: number }).requestId),
      [1, 2, 3, 4],
    );
    assert.equal(pending.receive({ type: 'reply', requestId: 1, ok: true, result: inspection }), true);
    assert.equal(
      pending.receive({ type: 'reply', requestId: 2, ok: true, result: { ...inspection, pairId: 7 } }),
      true,
    );
    assert.equal(pending.receive({ type: 'reply', requestId: 3, ok: false, error: 'boom' }), true);
    assert.equal(pending.receive({ type: 'reply', requestId: 99, ok: true, result: report }), false);
    assert.deepEqual(await inspected, inspection);
    await assert.rejects(malformed, /^Error: inspect: ill-formed result \(pairId: expected text, got 7\)$/);
    await assert.rejects(failed, /^Error: boom$/, 'the answering side’s message, as it said it');
    await assert.rejects(lost, /inspect: no reply within 50 ms/);
    const closed = pending.request('inspect', {});
    assert.equal(pending.size, 1);
    pending.rejectAll('the panel was closed');
    await assert.rejects(closed, /^Error: the panel was closed$/);
    assert.equal(pending.size, 0);
  });

  it('reads saved webview state leniently', () => {
    assert.deepEqual(readPersistedState(undefined), {
      mode: 'follow',
      pairId: null,
      sentence: null,
      view: { colormap: 'turbo', opacity: 0.6, overlay: true },
    });
    assert.deepEqual(
      readPersistedState({
        mode: 'pinned',
        pairId: 'x',
        sentence: 2,
        view: { colormap: 'grey', opacity: 7, overlay: false },
      }),
      {
        mode: 'pinned',
        pairId: 'x',
        sentence: 2,
        view: { colormap: 'grey', opacity: 1, overlay: false },
      },
    );
    assert.equal(readPersistedState({ view: { colormap: 'jet' } }).view.colormap, 'turbo');
  });
});
