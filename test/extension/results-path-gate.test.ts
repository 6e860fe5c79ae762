// Paths a results file names reach the host's decoder, the webview and the editor only through the
// dataset path gate: `../outside.png`, an absolute path and a symlink inside the folder that leads
// out are never decoded, routed or turned into a webview URI; the panel gets the reason instead.
// The results here are built in memory, past the schema, so the gate alone is what holds; the
// last test goes through a saved results.json, where a symlink passes the schema and only the
// gate stops it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SavedResults } from '../../src/engine/store/results-file';
import { datasetFile } from '../../src/extension/panel/dataset-files';
import { PanelConnection } from '../../src/extension/panel/panel-connection';
import { Emitter } from '../../src/extension/review/emitter';
import { ReviewSession } from '../../src/extension/review/review-session';
import { readSavedResults, resultsFileFor } from '../../src/extension/saved-results';
import { ReportIndex } from '../../src/extension/views/report-match';
import {
  checkHostToWebview,
  type HostToWebview,
  type ImageSource,
  type PixelImage,
} from '../../src/protocol/review-panel-protocol';
import { pair, results, saved as inMemory } from '../helpers/review-fixtures';

const PIXELS: PixelImage = {
  width: 1,
  height: 1,
  sourceWidth: 1,
  sourceHeight: 1,
  channels: 1,
  bits: 8,
  data: new Uint8Array(1),
  window: { center: 1, width: 2 },
  invert: false,
  units: { scale: 1, offset: 0 },
};
const settle = () => new Promise((r) => setTimeout(r, 20));

describe('results paths: the dataset path gate', () => {
  let base: string;
  let folder: string;
  let outside: string;

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'radalign-gate-'));
    folder = join(base, 'data');
    outside = join(base, 'outside.png');
    mkdirSync(folder);
    writeFileSync(outside, 'secret pixels');
    writeFileSync(join(folder, 'inside.png'), 'png');
    writeFileSync(join(folder, 'inside.dcm'), 'dicom');
    symlinkSync(outside, join(folder, 'link.png'));
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  /** A panel on one pair whose images are `images`, with every host-side file access recorded. */
  function panelOn(images: string[], scored?: SavedResults) {
    const calls = { decoded: [] as string[], routed: [] as string[], uris: [] as string[] };
    const sent: HostToWebview[] = [];
    const warnings: string[] = [];
    let listener: ((m: unknown) => void) | undefined;
    const session = new ReviewSession(folder, scored ?? inMemory([pair('p', 1, 'Left effusion.', [0.1], { images })]));
    session.select('p');
    const emitter = new Emitter<ReviewSession | undefined>();
    new PanelConnection({
      sessions: { current: session, onDidChangeSession: emitter.event },
      port: {
        post: (m) => {
          const checked = checkHostToWebview(m);
          assert.ok(checked.ok, checked.ok ? '' : checked.problem);
          sent.push(m);
        },
        onMessage: (l) => ((listener = l), { dispose: () => (listener = undefined) }),
      },
      mode: 'follow',
      advanceAfterVerdict: () => false,
      routeImage: async (p) => (calls.routed.push(p), p.endsWith('.png') ? 'uri' : 'pixels'),
      toWebviewUri: (p) => (calls.uris.push(p), `https://webview.test${p}`),
      decodeImage: async (p) => (calls.decoded.push(p), PIXELS),
      openOther: () => {},
      log: { warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
      showError: (m) => warnings.push(m),
    });
    const sources = (): ImageSource[] => {
      const states = sent.flatMap((m) => (m.type === 'state' ? [m.state] : []));
      return states.at(-1)?.pair?.images.map((i) => i.source) ?? [];
    };
    const loadImage = async (index: number) => {
      const requestId = 100 + index;
      listener?.({ type: 'request', requestId, method: 'load-image', params: { pairId: 'p', index } });
      for (let i = 0; i < 100; i++) {
        const reply = sent.find((m) => m.type === 'reply' && m.requestId === requestId);
        if (reply && reply.type === 'reply') return reply;
        await settle();
      }
      throw new Error(`no reply to load-image ${index}`);
    };
    /** Waits for the first state that shows the pair (the host reads it and gates its images first). */
    const stated = async () => {
      for (let i = 0; i < 250; i++) {
        if (sent.some((m) => m.type === 'state' && m.state.pair)) return;
        await settle();
      }
      throw new Error('no state with the pair was sent');
    };
    return { calls, sources, loadImage, warnings, sent, stated };
  }

  const touched = (calls: { decoded: string[]; routed: string[]; uris: string[] }) => [
    ...calls.decoded,
    ...calls.routed,
    ...calls.uris,
  ];

  it('an image path `../outside.png`, an absolute path and a symlink leading out: not decoded, reason shown', async () => {
    const panel = panelOn(['../outside.png', outside, 'link.png', 'inside.png', 'inside.dcm']);
    await panel.stated();
    const [up, abs, link, png, dcm] = panel.sources();
    assert.deepEqual(up, { kind: 'unavailable', reason: '"../outside.png" points outside the dataset folder' });
    assert.deepEqual(abs, {
      kind: 'unavailable',
      reason: `"${outside}" is an absolute path outside the dataset folder`,
    });
    assert.equal(link?.kind, 'unavailable');
    assert.match((link as { reason: string }).reason, /^"link\.png" is a symlink pointing outside the dataset folder/);
    assert.deepEqual(png, { kind: 'uri', uri: `https://webview.test${join(folder, 'inside.png')}` });
    assert.deepEqual(dcm, { kind: 'pixels' });

    // The webview may still ask for any index: the host gates again and answers with the reason.
    for (const [index, reason] of [
      [0, /points outside the dataset folder/],
      [1, /absolute path outside the dataset folder/],
      [2, /symlink pointing outside/],
    ] as const) {
      const reply = await panel.loadImage(index);
      assert.ok(!reply.ok && reason.test(reply.error), JSON.stringify(reply));
    }
    const ok = await panel.loadImage(4);
    assert.ok(ok.ok);
    assert.deepEqual(panel.calls.decoded, [join(folder, 'inside.dcm')], 'only the file inside was decoded');
    assert.ok(
      !touched(panel.calls).some((p) => p === outside || p.includes('outside') || p.endsWith('link.png')),
      JSON.stringify(panel.calls),
    );
    assert.ok(
      panel.warnings.some((w) => /image not shown: .*symlink pointing outside/.test(w)),
      'the refusal is logged',
    );
  });

  it('a link swapped in after the panel showed the image is refused on the next request', async () => {
    const panel = panelOn(['inside.dcm']);
    await panel.stated();
    assert.deepEqual(panel.sources(), [{ kind: 'pixels' }]);
    rmSync(join(folder, 'inside.dcm'));
    symlinkSync(outside, join(folder, 'inside.dcm'));
    const reply = await panel.loadImage(0);
    assert.ok(!reply.ok && /symlink pointing outside/.test(reply.error), JSON.stringify(reply));
    assert.deepEqual(panel.calls.decoded, []);
  });

  it('a saved results.json naming a symlink passes the schema, and still is not decoded', async () => {
    const scored = results([pair('p', 1, 'Left effusion.', [0.1], { images: ['link.png'] })]);
    mkdirSync(join(folder, '.radalign'));
    writeFileSync(resultsFileFor(folder), JSON.stringify(scored));
    const saved = await readSavedResults(folder);
    assert.equal(saved.status, 'loaded', JSON.stringify(saved));
    if (saved.status !== 'loaded') return;
    try {
      const panel = panelOn([], saved.saved.results);
      await panel.stated();
      assert.equal(panel.sources()[0]?.kind, 'unavailable');
      const reply = await panel.loadImage(0);
      assert.ok(!reply.ok && /symlink pointing outside/.test(reply.error));
      assert.deepEqual(touched(panel.calls), []);
    } finally {
      await saved.saved.release();
    }
  });

  it('datasetFile: relative or absolute inside the folder passes; outside, links out and missing files do not', async () => {
    assert.deepEqual(await datasetFile(folder, 'inside.png'), { ok: true, path: join(folder, 'inside.png') });
    assert.deepEqual(await datasetFile(folder, join(folder, 'inside.png')), {
      ok: true,
      path: join(folder, 'inside.png'),
    });
    for (const value of ['../outside.png', outside, 'link.png', 'missing.png', 'sub/../../outside.png']) {
      const gated = await datasetFile(folder, value);
      assert.ok(!gated.ok, value);
    }
    const gone = await datasetFile(join(base, 'no-such-folder'), 'x.png');
    assert.ok(!gone.ok && /dataset folder not found/.test(gone.reason));
  });

  it("the protocol carries a refused image's reason; an 'unavailable' image without one is ill-formed", async () => {
    const panel = panelOn(['link.png']);
    await panel.stated();
    const state = structuredClone([...panel.sent].reverse().find((m) => m.type === 'state')!) as Extract<
      HostToWebview,
      { type: 'state' }
    >;
    assert.ok(checkHostToWebview(state).ok);
    delete (state.state.pair!.images[0]!.source as { reason?: string }).reason;
    assert.deepEqual(checkHostToWebview(state), {
      ok: false,
      problem: 'state message: state.pair.images[0].source.reason: missing',
    });
  });

  it('the report index matches only report files inside the folder, never manifest rows or paths out', () => {
    // Index entries as a damaged or hostile results file could hold them (the schema refuses the first two).
    const pairs = [
      { id: 'up', reportFile: '../../home/me/notes.txt', reportRow: null },
      { id: 'abs', reportFile: '/etc/hosts', reportRow: null },
      { id: 'row', reportFile: null, reportRow: 'table.csv#row 3' },
      { id: 'ok', reportFile: 'studies/ok.txt', reportRow: null },
    ];
    const index = new ReportIndex('/data/set', pairs, 'linux');
    assert.equal(index.pairIdFor('/home/me/notes.txt'), undefined);
    assert.equal(index.pairIdFor('/etc/hosts'), undefined);
    assert.equal(index.pairIdFor('/data/set/table.csv#row 3'), undefined);
    assert.equal(index.pairIdFor('/data/set/studies/ok.txt'), 'ok');
  });
});
