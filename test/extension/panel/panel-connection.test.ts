// The review panel's host side against a fake webview and a real ReviewSession: what it sends,
// how it applies the webview's intents, and what it rejects.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScoreResults } from '../../../src/engine/results';
import { ResultsInMemory } from '../../../src/engine/store/results-file';
import { PanelConnection, type PanelConnectionDeps } from '../../../src/extension/panel/panel-connection';
import { Emitter } from '../../../src/extension/review/emitter';
import { ReviewSession } from '../../../src/extension/review/review-session';
import {
  checkHostToWebview,
  type HostToWebview,
  type PanelState,
  type PixelImage,
} from '../../../src/protocol/review-panel-protocol';
import { CountingResults } from '../../helpers/review-fixtures';
import { pairResult, scoreResults, sentenceResult } from '../../helpers/result-builders';

function results(): ScoreResults {
  const pair = (id: string, rank: number, images: string[]) =>
    pairResult({
      id,
      rank,
      images,
      reportText: 'Right effusion. No pneumothorax.',
      cosine: 0.1,
      suspicion: 1 - rank / 10,
      reportRank: 0,
      imageRank: 0,
      bestReports: [{ id: 'b', cosine: 0.4 }],
      sentences: [
        sentenceResult({
          text: 'Right effusion.',
          start: 0,
          evidence: 0.1,
          consistency: 0.4,
          heatmap: { kind: 'patch', imageIndex: 0, rows: 1, cols: 2, values: [0.1, 0.2], box: [0, 0, 8, 8] },
        }),
        sentenceResult({ text: 'No pneumothorax.', start: 16, evidence: 0.2, negated: true }),
      ],
    });
  return scoreResults({
    model: { id: 'm', name: 'Model M', identity: 'x', layout: 'radalign', heatmapKind: 'patch', embedDim: 8 },
    pairs: [pair('b', 2, ['b.dcm']), pair('a', 1, ['a.png', 'a-lateral.png'])],
  });
}

class FakeWebview {
  readonly sent: HostToWebview[] = [];
  private listener: ((m: unknown) => void) | undefined;
  readonly port = {
    post: (m: HostToWebview) => {
      // What the real webview does first: reject anything ill-formed.
      const checked = checkHostToWebview(m);
      assert.ok(checked.ok, checked.ok ? '' : checked.problem);
      this.sent.push(m);
    },
    onMessage: (l: (m: unknown) => void) => {
      this.listener = l;
      return { dispose: () => (this.listener = undefined) };
    },
  };
  send(m: unknown): void {
    this.listener?.(m);
  }
  states(): PanelState[] {
    return this.sent.flatMap((m) => (m.type === 'state' ? [m.state] : []));
  }
  lastState(): PanelState {
    const s = this.states();
    assert.ok(s.length, 'a state was sent');
    return s[s.length - 1]!;
  }
}

const settle = () => new Promise((r) => setTimeout(r, 10));
/** Polls until `check` holds (flag writes fsync to disk, which can take a while on a busy machine). */
async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await settle();
  }
}

describe('review panel connection (host side)', () => {
  let dir: string;
  let session: ReviewSession;
  let counted: CountingResults;
  let webview: FakeWebview;
  let warnings: string[];
  let opened: string[];
  let advance: boolean;
  let sessions: {
    current: ReviewSession | undefined;
    onDidChangeSession: Emitter<ReviewSession | undefined>['event'];
    emitter: Emitter<ReviewSession | undefined>;
  };

  function connect(extra: Partial<PanelConnectionDeps> = {}): PanelConnection {
    return new PanelConnection({
      sessions,
      port: webview.port,
      mode: 'follow',
      advanceAfterVerdict: () => advance,
      routeImage: async (p) => (p.endsWith('.png') ? 'uri' : 'pixels'),
      toWebviewUri: (p) => `https://webview.test${p}`,
      decodeImage: async (p): Promise<PixelImage> => {
        if (p.includes('missing')) throw new Error(`cannot read ${p}`);
        return {
          width: 1,
          height: 1,
          sourceWidth: 4,
          sourceHeight: 4,
          channels: 1,
          bits: 16,
          data: new Uint8Array(2),
          window: { center: 1, width: 2 },
          invert: false,
          units: { scale: 1, offset: 0 },
        };
      },
      openOther: (id) => opened.push(id),
      log: { warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
      showError: (m) => warnings.push(`shown: ${m}`),
      ...extra,
    });
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'radalign-panel-'));
    // The panel opens only images that pass the dataset path gate: they must exist in the folder.
    for (const image of ['a.png', 'a-lateral.png', 'b.dcm']) await writeFile(join(dir, image), '');
    counted = new CountingResults(new ResultsInMemory(results()));
    session = new ReviewSession(dir, counted, { reviewer: 'dr-test' });
    await session.load();
    const emitter = new Emitter<ReviewSession | undefined>();
    sessions = { current: session, onDidChangeSession: emitter.event, emitter };
    webview = new FakeWebview();
    warnings = [];
    opened = [];
    advance = true;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('sends the selected pair with image sources, counts, key map and reasons', async () => {
    session.select('a', 1);
    connect();
    await settle();
    const s = webview.lastState();
    assert.equal(s.pair?.id, 'a');
    assert.equal(s.sentence, 1);
    assert.deepEqual(
      [s.total, s.progress, s.modelName, s.reviewer],
      [2, { reviewed: 0, total: 2, mine: 0, share: null, disagreed: 0 }, 'Model M', 'dr-test'],
    );
    assert.deepEqual(s.pair?.images, [
      { name: 'a.png', source: { kind: 'uri', uri: `https://webview.test${join(dir, 'a.png')}` } },
      { name: 'a-lateral.png', source: { kind: 'uri', uri: `https://webview.test${join(dir, 'a-lateral.png')}` } },
    ]);
    assert.equal(s.pair?.sentences[0]?.heatmap?.cols, 2);
    assert.equal(s.reasons.length, 6);
    assert.ok(s.keymap.some((b) => b.keys.includes('j')));
  });

  it('reads only the pair it shows, once; says so when that pair cannot be read', async () => {
    session.select('b');
    connect();
    await waitFor(() => webview.states().some((s) => s.pair?.id === 'b'), 'the first state');
    session.select('b', 0);
    await waitFor(() => webview.states().some((s) => s.sentence === 0), 'the state with the sentence');
    assert.equal(webview.lastState().pair?.id, 'b');
    assert.deepEqual(counted.reads, ['b'], 'the other pair is not read; the second state came from the cache');

    counted.pair = async (id) => {
      throw new Error(`results.x.pairs.jsonl at byte 7: record of ${id} cut short`);
    };
    session.select('a');
    await waitFor(() => webview.lastState().notice !== undefined, 'the state with the notice');
    const s = webview.lastState();
    assert.equal(s.pair, null);
    assert.match(s.notice!, /^Pair a could not be read: .*record of a cut short/);
    assert.deepEqual([s.total, s.progress.total], [2, 2]);
    assert.ok(warnings.some((w) => /pair a could not be read/.test(w)));
  });

  it('applies intents to the session: navigate, select sentence, flag as the session’s reviewer, unflag', async () => {
    connect();
    webview.send({ type: 'navigate', to: 'next' });
    assert.equal(session.selected?.pairId, 'a', 'from no selection, next is the top-ranked pair');
    webview.send({ type: 'select-sentence', pairId: 'a', sentence: 1 });
    assert.deepEqual(session.selected, { pairId: 'a', sentence: 1 });
    webview.send({ type: 'flag', pairId: 'a', sentence: 1, reason: 'finding-absent', note: 'no PTX seen either way' });
    await waitFor(() => (webview.states().at(-1)?.pair?.flags.length ?? 0) > 0, 'the flag to reach the webview');
    const line = JSON.parse((await readFile(session.reviewFile, 'utf8')).trim().split('\n').at(-1)!);
    assert.deepEqual(
      [line.kind, line.pair, line.sentence, line.sentenceText, line.reason, line.note, line.reviewer],
      ['flag', 'a', 1, 'No pneumothorax.', 'finding-absent', 'no PTX seen either way', 'dr-test'],
    );
    assert.deepEqual(
      webview.lastState().pair?.flags.map((f) => [f.sentence, f.reason]),
      [[1, 'finding-absent']],
    );
    assert.equal(webview.lastState().progress.reviewed, 0, 'a sentence flag does not make the pair reviewed');
    webview.send({ type: 'unflag', pairId: 'a', sentence: 1 });
    await waitFor(() => webview.states().at(-1)?.pair?.flags.length === 0, 'the unflag to reach the webview');
    webview.send({ type: 'navigate', to: 'next-unreviewed' });
    assert.equal(session.selected?.pairId, 'b');
  });

  it('follows selection changes made elsewhere, one state per burst', async () => {
    connect();
    await settle();
    const before = webview.states().length;
    session.select('b');
    session.select('b', 0);
    await settle();
    assert.equal(webview.states().length, before + 1);
    assert.equal(webview.lastState().pair?.id, 'b');
    assert.equal(webview.lastState().sentence, 0);
  });

  it('ignores a sentence selection for a pair the panel no longer shows', async () => {
    session.select('a');
    connect();
    webview.send({ type: 'select-sentence', pairId: 'b', sentence: 0 });
    assert.deepEqual(session.selected, { pairId: 'a', sentence: null });
  });

  it('answers load-image with decoded pixels, or an error reply', async () => {
    session.select('b');
    connect();
    webview.send({ type: 'request', requestId: 4, method: 'load-image', params: { pairId: 'b', index: 0 } });
    webview.send({ type: 'request', requestId: 5, method: 'load-image', params: { pairId: 'b', index: 3 } });
    await waitFor(() => webview.sent.filter((m) => m.type === 'reply').length === 2, 'both replies');
    const replies = webview.sent.filter((m) => m.type === 'reply');
    const ok = replies.find((m) => m.requestId === 4);
    assert.ok(ok && ok.ok && (ok.result as PixelImage).sourceWidth === 4);
    const bad = replies.find((m) => m.requestId === 5);
    assert.ok(bad && !bad.ok && /no image 3 for pair b/.test(bad.error));
    assert.deepEqual(webview.lastState().pair?.images[0]?.source, { kind: 'pixels' });
  });

  it('rejects and logs ill-formed messages without touching the session', async () => {
    session.select('a');
    connect();
    webview.send({ type: 'flag', pairId: 'a', sentence: 0, reason: 'vibes', note: '' });
    webview.send('hello');
    webview.send({ type: 'unflag', pairId: 'zzz', sentence: null });
    await settle();
    assert.equal(session.entries.length, 0);
    assert.match(
      warnings[0]!,
      /ignored a message from the webview \(flag message: reason: expected one of .*, got "vibes"\)/,
    );
    assert.match(warnings[1]!, /message is not an object/);
    assert.ok(
      warnings.some((w) => w.startsWith('shown: no pair with id zzz')),
      'a failed intent is shown to the user',
    );
  });

  it('keeps a pinned panel on its pair with its own sentence; navigation leaves it alone', async () => {
    session.select('a');
    connect({ mode: 'pinned', pinnedPairId: 'b' });
    webview.send({ type: 'select-sentence', pairId: 'b', sentence: 1 });
    webview.send({ type: 'navigate', to: 'next' });
    await settle();
    assert.deepEqual(session.selected, { pairId: 'a', sentence: null });
    assert.equal(webview.lastState().pair?.id, 'b');
    assert.equal(webview.lastState().sentence, 1);
    assert.equal(webview.lastState().mode, 'pinned');
    webview.send({ type: 'open-other', pairId: 'a' });
    assert.deepEqual(opened, ['a']);
  });

  it('restores the saved selection once a session arrives, and tells when nothing is scored', async () => {
    sessions.current = undefined;
    const c = connect({ restoreSelection: { pairId: 'b', sentence: 1 } });
    await settle();
    assert.equal(webview.lastState().pair, null);
    assert.match(webview.lastState().notice!, /Nothing scored yet/);
    sessions.current = session;
    sessions.emitter.fire(session);
    await settle();
    assert.deepEqual(session.selected, { pairId: 'b', sentence: 1 });
    assert.equal(webview.lastState().pair?.id, 'b');
    assert.equal(c.pairId, 'b');
  });

  it('records render reports and resolves waiters', async () => {
    const c = connect();
    const waiting = c.waitForRender((r) => r.heatmapDrawn, 1000);
    const report = {
      pairId: 'a',
      sentences: 2,
      selectedSentence: 0,
      heatmapSentence: 0,
      heatmapDrawn: true,
      imageIndex: 0,
      imageLoaded: true,
      reportShown: 'Right effusion. No pneumothorax.',
      flagsShown: [],
      orphanedFlagsShown: [],
      verdictsShown: [{ reviewer: 'dr-test', verdict: 'aligned', mine: true, text: 'dr-test you aligned' }],
      adjudicationShown: null,
      disagreedShown: false,
      settleShown: [],
      progressShown: 'reviewed 1 / 2',
      view: { colormap: 'turbo', opacity: 0.6, overlay: true },
    };
    webview.send({ type: 'rendered', report: { ...report, heatmapDrawn: false } });
    webview.send({ type: 'rendered', report });
    assert.deepEqual(await waiting, report);
    assert.deepEqual(c.lastRender, report);
  });

  it('records my verdict from a key (advance: on to the next pair awaiting mine), and not when the setting is off', async () => {
    session.select('a');
    connect();
    advance = false;
    webview.send({ type: 'verdict', pairId: 'a', verdict: 'unsure', advance: true });
    await waitFor(() => session.review.verdictOf('a', 'dr-test')?.verdict === 'unsure', 'the verdict on a');
    await settle();
    assert.equal(session.selected?.pairId, 'a', 'radalign.advanceAfterVerdict off: stays');

    advance = true;
    webview.send({ type: 'verdict', pairId: 'a', verdict: 'aligned', advance: true });
    await waitFor(() => session.selected?.pairId === 'b', 'the move to the next unreviewed pair');
    assert.equal(session.review.verdictOf('a', 'dr-test')?.verdict, 'aligned');
    const line = JSON.parse((await readFile(session.reviewFile, 'utf8')).trim().split('\n').at(-1)!);
    assert.deepEqual([line.kind, line.pair, line.verdict, line.reviewer], ['verdict', 'a', 'aligned', 'dr-test']);
    await waitFor(() => webview.lastState().pair?.id === 'b', 'the state of b');
    assert.deepEqual(webview.lastState().progress, { reviewed: 1, total: 2, mine: 1, share: null, disagreed: 0 });
  });

  it('does not advance after a verdict with a reason (1–6 without a sentence), a clearing, or from a pinned panel', async () => {
    session.select('a');
    connect();
    webview.send({
      type: 'verdict',
      pairId: 'a',
      verdict: 'mismatched',
      reason: 'wrong-study',
      note: ' other patient ',
    });
    await waitFor(() => session.review.verdictOf('a', 'dr-test') !== undefined, 'the verdict');
    assert.equal(session.selected?.pairId, 'a');
    const mine = session.review.verdictOf('a', 'dr-test')!;
    assert.deepEqual([mine.verdict, mine.reason, mine.note], ['mismatched', 'wrong-study', 'other patient']);

    // `x` again (no reason, no note): mine are kept while the verdict stays mismatched...
    webview.send({ type: 'verdict', pairId: 'a', verdict: 'mismatched', advance: true });
    await waitFor(() => session.selected?.pairId === 'b', 'the advance');
    const again = session.review.verdictOf('a', 'dr-test')!;
    assert.deepEqual([again.reason, again.note], ['wrong-study', 'other patient']);
    // ...and dropped when it changes.
    webview.send({ type: 'verdict', pairId: 'a', verdict: 'aligned' });
    await waitFor(() => session.review.verdictOf('a', 'dr-test')?.verdict === 'aligned', 'the aligned verdict');
    assert.deepEqual(
      [session.review.verdictOf('a', 'dr-test')!.reason, session.review.verdictOf('a', 'dr-test')!.note],
      [null, ''],
    );

    session.select('a');
    webview.send({ type: 'verdict', pairId: 'a', verdict: null, advance: true });
    await waitFor(() => session.review.verdictOf('a', 'dr-test') === undefined, 'the cleared verdict');
    assert.equal(session.selected?.pairId, 'a');

    // A comparison panel pinned to the selected pair: its verdict does not move the selection on.
    const pinnedView = new FakeWebview();
    connect({ mode: 'pinned', pinnedPairId: 'a', port: pinnedView.port });
    pinnedView.send({ type: 'verdict', pairId: 'a', verdict: 'aligned', advance: true });
    await waitFor(
      () => session.review.verdictOf('a', 'dr-test')?.verdict === 'aligned',
      'the verdict from the pinned panel',
    );
    await settle();
    assert.equal(session.selected?.pairId, 'a', 'a comparison panel does not move the selection');
  });

  it('shows another reviewer’s verdict, settles the disagreement, and removes my orphaned flag', async () => {
    session.select('a');
    connect();
    session.setReviewer('dr-other');
    await session.verdict('a', 'mismatched', { reason: 'laterality' });
    session.setReviewer('dr-test');
    webview.send({ type: 'verdict', pairId: 'a', verdict: 'aligned' });
    await waitFor(() => webview.lastState().pair?.verdicts.length === 2, 'both verdicts');
    let s = webview.lastState();
    assert.deepEqual(
      s.pair?.verdicts.map((v) => [v.reviewer, v.verdict, v.mine]),
      [
        ['dr-other', 'mismatched', false],
        ['dr-test', 'aligned', true],
      ],
    );
    assert.deepEqual([s.pair?.disagreed, s.pair?.outcome, s.progress.disagreed], [true, 'disagreed', 1]);

    webview.send({ type: 'adjudicate', pairId: 'a', verdict: 'mismatched', reason: 'laterality' });
    await waitFor(() => webview.lastState().pair?.adjudication !== null, 'the adjudication');
    s = webview.lastState();
    assert.deepEqual(
      [
        s.pair?.adjudication?.verdict,
        s.pair?.adjudication?.reason,
        s.pair?.adjudication?.reviewer,
        s.pair?.outcome,
        s.progress.disagreed,
      ],
      ['mismatched', 'laterality', 'dr-test', 'mismatched', 0],
    );
    webview.send({ type: 'adjudicate', pairId: 'a', verdict: null });
    await waitFor(() => webview.lastState().pair?.adjudication === null, 'the adjudication removed');

    // A flag of mine whose sentence the rescored report no longer has.
    await session.flag({ pairId: 'a', sentence: 0 }, 'laterality', '');
    const edited = results();
    const a = edited.pairs.find((p) => p.id === 'a')!;
    a.reportText = 'Left effusion. No pneumothorax.';
    a.sentences[0] = { ...a.sentences[0]!, text: 'Left effusion.', end: 14 };
    session.setResults(new ResultsInMemory(edited));
    await waitFor(() => webview.lastState().pair?.orphanedFlags.length === 1, 'the orphaned flag');
    assert.deepEqual(
      webview.lastState().pair?.orphanedFlags.map((f) => [f.text, f.mine]),
      [['Right effusion.', true]],
    );
    webview.send({ type: 'remove-orphaned-flag', pairId: 'a', text: 'Left effusion.', sentence: 0 }); // no such flag: nothing happens
    await settle();
    assert.equal(session.review.get('a')?.flags.length, 1);
    webview.send({ type: 'remove-orphaned-flag', pairId: 'a', text: 'Right effusion.', sentence: 0 });
    await waitFor(() => webview.lastState().pair?.orphanedFlags.length === 0, 'the orphaned flag removed');
    assert.equal(session.review.get('a')?.flags.length ?? 0, 0);
  });

  it('rejects malformed verdicts and adjudications without touching the session', async () => {
    session.select('a');
    connect();
    webview.send({ type: 'verdict', pairId: 'a', verdict: 'maybe', advance: true });
    webview.send({ type: 'verdict', pairId: 'a', verdict: 'aligned', reason: 'laterality' });
    webview.send({ type: 'adjudicate', pairId: 'a', verdict: 'disagreed' });
    webview.send({ type: 'verdict', pairId: 'zzz', verdict: 'aligned' });
    await settle();
    assert.equal(session.entries.length, 0);
    assert.equal(session.selected?.pairId, 'a');
    assert.match(
      warnings[0]!,
      /ignored a message from the webview \(verdict message: verdict: expected one of .*, got "maybe"\)/,
    );
    assert.match(warnings[1]!, /verdict message: reason: only a mismatched verdict has one/);
    assert.match(warnings[2]!, /adjudicate message: verdict: expected one of .*, got "disagreed"/);
    assert.ok(
      warnings.some((w) => w.startsWith('shown: no pair with id zzz')),
      'a failed intent is shown to the user',
    );
  });
});
