// The review panel's host side against a fake webview and a real ReviewSession: what it sends,
// how it applies the webview's intents, and what it rejects.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScoreResults } from '../../src/engine/results';
import { ResultsInMemory } from '../../src/engine/store/results-file';
import { PanelConnection, type PanelConnectionDeps } from '../../src/extension/panel/panel-connection';
import { Emitter } from '../../src/extension/review/emitter';
import { ReviewSession } from '../../src/extension/review/review-session';
import { checkHostToWebview, type HostToWebview, type PanelState, type PixelImage } from '../../src/protocol/review-panel-protocol';
import { CountingResults } from './views-fixtures';

function results(): ScoreResults {
  const pair = (id: string, rank: number, images: string[]) => ({
    id,
    rank,
    images,
    report: `${id}.txt`,
    reportText: 'Right effusion. No pneumothorax.',
    score: 0.1,
    suspicion: 1 - rank / 10,
    reportRank: 0,
    imageRank: 0,
    bestReports: [{ id: 'b', score: 0.4 }],
    sentences: [
      { text: 'Right effusion.', section: 'findings', start: 0, end: 15, score: 0.1, imageScore: 0.1, consistency: 0.4, negated: false, uncertain: false, describesImage: true, heatmap: { kind: 'patch', imageIndex: 0, rows: 1, cols: 2, values: [0.1, 0.2], box: [0, 0, 8, 8] } },
      { text: 'No pneumothorax.', section: 'findings', start: 16, end: 32, score: 0.2, imageScore: 0.2, consistency: null, negated: true, uncertain: false, describesImage: true },
    ],
  });
  return { model: { id: 'm', name: 'Model M' }, pairs: [pair('b', 2, ['b.dcm']), pair('a', 1, ['a.png', 'a-lateral.png'])], skipped: [], run: {} } as unknown as ScoreResults;
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
  let sessions: { current: ReviewSession | undefined; onDidChangeSession: Emitter<ReviewSession | undefined>['event']; emitter: Emitter<ReviewSession | undefined> };

  function connect(extra: Partial<PanelConnectionDeps> = {}): PanelConnection {
    return new PanelConnection({
      sessions,
      port: webview.port,
      mode: 'follow',
      reviewer: () => 'dr-test',
      routeImage: async (p) => (p.endsWith('.png') ? 'uri' : 'pixels'),
      toWebviewUri: (p) => `https://webview.test${p}`,
      decodeImage: async (p): Promise<PixelImage> => {
        if (p.includes('missing')) throw new Error(`cannot read ${p}`);
        return { width: 1, height: 1, sourceWidth: 4, sourceHeight: 4, channels: 1, bits: 16, data: new Uint8Array(2), window: { center: 1, width: 2 }, invert: false, units: { scale: 1, offset: 0 } };
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
    session = new ReviewSession(dir, counted);
    await session.loadFlags();
    const emitter = new Emitter<ReviewSession | undefined>();
    sessions = { current: session, onDidChangeSession: emitter.event, emitter };
    webview = new FakeWebview();
    warnings = [];
    opened = [];
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('sends the selected pair with image sources, counts, key map and reasons', async () => {
    session.select('a', 1);
    connect();
    await settle();
    const s = webview.lastState();
    assert.equal(s.pair?.id, 'a');
    assert.equal(s.sentence, 1);
    assert.deepEqual([s.total, s.unreviewed, s.modelName], [2, 2, 'Model M']);
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
    assert.deepEqual([s.total, s.unreviewed], [2, 2]);
    assert.ok(warnings.some((w) => /pair a could not be read/.test(w)));
  });

  it('applies intents to the session: navigate, select sentence, flag with the reviewer, unflag', async () => {
    connect();
    webview.send({ type: 'navigate', to: 'next' });
    assert.equal(session.selected?.pairId, 'a', 'from no selection, next is the top-ranked pair');
    webview.send({ type: 'select-sentence', pairId: 'a', sentence: 1 });
    assert.deepEqual(session.selected, { pairId: 'a', sentence: 1 });
    webview.send({ type: 'flag', pairId: 'a', sentence: 1, reason: 'finding-absent', note: 'no PTX seen either way' });
    await waitFor(() => (webview.states().at(-1)?.pair?.flags.length ?? 0) > 0, 'the flag to reach the webview');
    const line = JSON.parse((await readFile(session.reviewFile, 'utf8')).trim());
    assert.deepEqual([line.pair, line.sentence, line.reason, line.note, line.reviewer], ['a', 1, 'finding-absent', 'no PTX seen either way', 'dr-test']);
    assert.deepEqual(webview.lastState().pair?.flags.map((f) => [f.sentence, f.reason]), [[1, 'finding-absent']]);
    assert.equal(webview.lastState().unreviewed, 1);
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
    assert.equal(session.flags.length, 0);
    assert.match(warnings[0]!, /ignored a message from the webview \(flag: flag reason\)/);
    assert.match(warnings[1]!, /message is not an object/);
    assert.ok(warnings.some((w) => w.startsWith('shown: no pair with id zzz')), 'a failed intent is shown to the user');
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
    const report = { pairId: 'a', sentences: 2, selectedSentence: 0, heatmapSentence: 0, heatmapDrawn: true, imageIndex: 0, imageLoaded: true, flagsShown: [], view: { colormap: 'turbo', opacity: 0.6, overlay: true } };
    webview.send({ type: 'rendered', report: { ...report, heatmapDrawn: false } });
    webview.send({ type: 'rendered', report });
    assert.deepEqual(await waiting, report);
    assert.deepEqual(c.lastRender, report);
  });
});
