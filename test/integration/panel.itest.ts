// The review panel in a real extension host: the webview's script runs, renders the selected
// pair with a heatmap, turns keystrokes into flags and verdicts that reach the review file (and
// moves on to the next pair awaiting mine), shows another reviewer's verdict and settles the
// disagreement with a click, follows the session, shows host-decoded DICOM pixels, and comes back
// after being hidden or restored. What it asserts is what the page shows: the text of the report
// pane and of the flag and verdict rows read from the webview's DOM, and the heatmap layer's pixels.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { mochaLog, screenshot, until } from './itest-helpers';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { TransferSyntaxes, buildDicom } from '../helpers/dicom-writer';
import type { RadalignApi } from '../../src/extension/extension';
import { PANEL_TEST_HOOK_COMMAND } from '../../src/extension/panel/register-panel';
import type { ReviewPanelController } from '../../src/extension/panel/review-panel-controller';
import type { PairResult } from '../../src/engine/results';
import { FLAG_REASON_LABELS, type FlagEntry } from '../../src/engine/review/types';
import type { ReviewSession } from '../../src/extension/review/review-session';
import type { ScorePairsOutcome } from '../../src/extension/score-pairs-command';
import type { RenderReport } from '../../src/protocol/review-panel-protocol';

const EXTENSION_ID = 'radalign.radalign';
const log = (line: string): void => mochaLog(`      ${line}`);

describe('review panel (webview) in a real extension host', () => {
  let api: RadalignApi;
  let controller: ReviewPanelController;
  let session: ReviewSession;
  const panel = () => {
    const main = controller.mainPanel;
    assert.ok(main, 'the review panel is open');
    return main;
  };
  const render = (accept: (r: RenderReport) => boolean) => panel().connection.waitForRender(accept);
  /** The full record of the pair ranked `rank`. */
  const ranked = async (rank: number): Promise<PairResult> => (await session.pairDetails(session.entry(rank)!.id))!;
  /** The review file's lines (its header line included). */
  const reviewLines = () =>
    readFileSync(session.reviewFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  /** The laterality flag made with keys below. */
  const lateralityFlag = (): FlagEntry =>
    [...session.review.pairs()].flatMap((r) => r.flags).find((f) => f.reason === 'laterality')!;

  before(async () => {
    const ext = vscode.extensions.getExtension<RadalignApi>(EXTENSION_ID);
    assert.ok(ext);
    api = await ext.activate();
    const outcome = await vscode.commands.executeCommand<ScorePairsOutcome>('radalign.scorePairs');
    assert.equal(outcome.status, 'done', JSON.stringify(outcome));
    session = await until('the review session', () => api.sessions.current);
    controller = await vscode.commands.executeCommand<ReviewPanelController>(PANEL_TEST_HOOK_COMMAND);
    assert.ok(controller, 'the test hook returns the panel controller');
  });

  after(() => controller?.mainPanel?.panel.dispose());

  it('"Open review" opens the panel on the top-ranked pair; its script renders the report and the image', async () => {
    session.select(undefined);
    await vscode.commands.executeCommand('radalign.openReview');
    const top = await ranked(1);
    assert.equal(session.selected?.pairId, top.id, 'nothing was selected, so the most suspicious pair is');
    const r = await render((x) => x.pairId === top.id && x.imageLoaded);
    assert.equal(r.sentences, top.sentences.length);
    assert.equal(r.selectedSentence, null);
    assert.ok(top.reportText.trim(), 'the fixture report has text');
    assert.equal(r.reportShown, top.reportText, 'the report pane shows the report as written');
    assert.equal(panel().panel.viewType, 'radalign.review');
  });

  it('selects a sentence with the keyboard and draws its heatmap over the image', async () => {
    const top = await ranked(1);
    const first = top.sentences.findIndex((s) => s.heatmap);
    assert.ok(first >= 0, 'the fixture model computes heatmaps');
    const steps = Array.from({ length: first + 1 }, () => ({ key: 's' }));
    await panel().connection.request('simulate-input', { steps });
    const r = await render((x) => x.selectedSentence === first && x.heatmapDrawn);
    assert.equal(r.heatmapSentence, first);
    assert.deepEqual(session.selected, { pairId: top.id, sentence: first }, 'the selection lives in the session');
    // The heatmap layer's own pixels: coloured where the map lies, none once the overlay is off.
    const drawn = await panel().connection.request('inspect', {});
    assert.ok(drawn.heatmapPixels > 0, `heatmap pixels drawn: ${drawn.heatmapPixels} of ${drawn.viewerPixels}`);
    assert.ok(drawn.heatmapPixels < drawn.viewerPixels, 'over the image, not the whole viewer');
    await panel().connection.request('simulate-input', { steps: [{ key: 'h' }] });
    const hidden = await panel().connection.request('inspect', {});
    assert.deepEqual([hidden.view.overlay, hidden.heatmapDrawn, hidden.heatmapPixels], [false, false, 0]);
    await panel().connection.request('simulate-input', { steps: [{ key: 'h' }] });
    assert.ok((await panel().connection.request('inspect', {})).heatmapPixels > 0, 'drawn again');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar').then(undefined, () => undefined);
    await panel().connection.request('inspect', {}); // one round trip: the webview has laid out the wider view
    const png = await screenshot('review-panel');
    if (png) log(`[screenshot] ${png}`);
  });

  it('a flag made with keys in the webview (2, a note, Enter) lands in .radalign/review.jsonl and is shown', async () => {
    const { pairId, sentence } = session.selected!;
    await panel().connection.request('simulate-input', {
      steps: [{ key: '2' }, { text: 'says left, image shows right' }, { key: 'Enter' }],
    });
    await render((x) => x.flagsShown.some((f) => f.sentence === sentence && f.reason === 'laterality'));
    const entry = reviewLines().find((e) => e.kind === 'flag' && e.pair === pairId && e.sentence === sentence);
    assert.ok(entry, `a line for ${pairId} sentence ${sentence} in ${session.reviewFile}`);
    assert.equal(entry.reason, 'laterality');
    assert.equal(entry.note, 'says left, image shows right');
    assert.equal(entry.reviewer, session.reviewer);
    assert.equal(
      entry.sentenceText,
      (await ranked(1)).sentences[sentence!]!.text,
      'the flag keeps its sentence’s text',
    );
    const r = await render((x) => x.flagsShown.some((f) => f.sentence === sentence));
    const row = r.flagsShown.find((f) => f.sentence === sentence);
    assert.ok(row, 'the flag is listed');
    const { text, ...listed } = row;
    assert.deepEqual(listed, { sentence, reason: 'laterality', reviewer: session.reviewer });
    // The row as the page shows it: which sentence, why, the note, and who.
    for (const part of [
      `sentence ${sentence! + 1}`,
      FLAG_REASON_LABELS.laterality,
      '“says left, image shows right”',
      session.reviewer,
    ])
      assert.ok(text.includes(part), `the flag row shows ${JSON.stringify(part)}: ${JSON.stringify(text)}`);
  });

  it('pressing a records my verdict "aligned" and moves on to the next pair awaiting my verdict', async () => {
    // A pair nobody has judged or flagged (other suites share this workspace).
    const from = session.ids().find((id, i) => i >= 2 && session.awaitsMyVerdict(id) && !session.review.get(id));
    assert.ok(from, 'a pair that awaits my verdict');
    const rank = session.entry(from)!.rank;
    const expected = session.ids().find((id, i) => i + 1 > rank && session.awaitsMyVerdict(id));
    assert.ok(expected, 'a later pair awaits my verdict too');
    session.select(from);
    await render((x) => x.pairId === from && x.verdictsShown.length === 0);
    const before = reviewLines().length;
    await panel().connection.request('simulate-input', { steps: [{ key: 'a' }] });
    await render((x) => x.pairId === expected);
    assert.equal(session.selected?.pairId, expected, 'radalign.advanceAfterVerdict is on by default');
    const written = reviewLines().slice(before);
    assert.deepEqual(
      written.map((e) => [e.kind, e.pair, e.verdict, e.reviewer]),
      [['verdict', from, 'aligned', session.reviewer]],
      'one verdict line, on disk before the panel moved on',
    );
    session.select(from);
    const r = await render((x) => x.pairId === from && x.verdictsShown.length > 0);
    assert.deepEqual(
      r.verdictsShown.map(({ reviewer, verdict, mine }) => ({ reviewer, verdict, mine })),
      [{ reviewer: session.reviewer, verdict: 'aligned', mine: true }],
    );
    const mine = r.verdictsShown[0]!.text;
    for (const part of [session.reviewer, 'you', 'aligned'])
      assert.ok(mine.includes(part), `my verdict's row shows ${JSON.stringify(part)}: ${JSON.stringify(mine)}`);
    assert.match(r.progressShown, /reviewed \d+ \/ \d+/);
  });

  it('shows another reviewer’s verdict beside mine, marks the disagreement, and settles it with a click', async () => {
    const pairId = session.selected!.pairId;
    const me = session.reviewer;
    const other = me === 'dr-second' ? 'dr-third' : 'dr-second';
    session.setReviewer(other);
    try {
      await session.verdict(pairId, 'mismatched', { reason: 'laterality', note: 'left/right swapped' });
    } finally {
      session.setReviewer(me);
    }
    let r = await render((x) => x.pairId === pairId && x.verdictsShown.length === 2);
    assert.deepEqual(
      [...r.verdictsShown]
        .sort((a, b) => Number(b.mine) - Number(a.mine))
        .map(({ reviewer, verdict, mine }) => ({ reviewer, verdict, mine })),
      [
        { reviewer: me, verdict: 'aligned', mine: true },
        { reviewer: other, verdict: 'mismatched', mine: false },
      ],
    );
    const theirs = r.verdictsShown.find((x) => !x.mine)!.text;
    for (const part of [other, 'mismatched', FLAG_REASON_LABELS.laterality, '“left/right swapped”'])
      assert.ok(theirs.includes(part), `their verdict's row shows ${JSON.stringify(part)}: ${JSON.stringify(theirs)}`);
    assert.equal(r.disagreedShown, true);
    assert.deepEqual(r.settleShown, ['aligned', 'mismatched', 'unsure']);
    assert.equal(r.adjudicationShown, null);
    const png = await screenshot('review-panel-two-reviewers');
    if (png) log(`[screenshot] ${png}`);

    await panel().connection.request('simulate-input', {
      steps: [{ click: '.settle-button[data-verdict="mismatched"]' }],
    });
    await render((x) => x.pairId === pairId && x.adjudicationShown === 'mismatched');
    assert.equal(session.review.get(pairId)?.outcome, 'mismatched');
    const line = reviewLines()
      .filter((e) => e.kind === 'adjudication' && e.pair === pairId)
      .at(-1);
    assert.deepEqual(
      [line?.verdict, line?.reason, line?.reviewer],
      ['mismatched', 'laterality', me],
      'the reason the reviewers agreed on goes with it',
    );

    // Leave the shared workspace as it was for the suites that follow (tombstones stay in the file).
    await session.adjudicate(pairId, null);
    session.setReviewer(other);
    try {
      await session.verdict(pairId, null);
    } finally {
      session.setReviewer(me);
    }
    await session.verdict(pairId, null);
    r = await render((x) => x.pairId === pairId && x.verdictsShown.length === 0 && x.adjudicationShown === null);
    assert.equal(r.disagreedShown, false);
  });

  it('follows the session when another view moves the selection, and moves it with j/k', async () => {
    const [first, second] = [await ranked(1), await ranked(2)];
    session.select(second!.id);
    await render((x) => x.pairId === second!.id);
    await panel().connection.request('simulate-input', { steps: [{ key: 'k' }] });
    await render((x) => x.pairId === first!.id);
    assert.equal(session.selected?.pairId, first!.id);
  });

  it('shows a DICOM image as pixels decoded off the extension host', async () => {
    const pair = await ranked(4);
    const size = 128;
    const pixels = Array.from({ length: size * size }, (_, i) => ((i % size) * 16 + Math.floor(i / size) * 8) % 4096);
    // Same file name: the format is sniffed from the content, as the engine does.
    writeFileSync(
      join(session.folder, pair.images[0]!),
      buildDicom({
        transferSyntax: TransferSyntaxes.explicitLittle,
        rows: size,
        columns: size,
        bitsAllocated: 16,
        bitsStored: 12,
        pixels,
      }),
    );
    session.select(pair.id);
    const r = await render((x) => x.pairId === pair.id && x.imageLoaded);
    assert.equal(r.imageIndex, 0);
    const native = Object.keys(require.cache).filter((k) => /onnxruntime-node|[\\/]sharp[\\/]/.test(k));
    assert.deepEqual(native, [], 'decoding happened in the display worker');
  });

  it('keeps view settings and shows the flag again after the webview is hidden and shown (state restored)', async () => {
    const flagged = lateralityFlag();
    session.select(flagged.pair, flagged.sentence);
    await render((x) => x.pairId === flagged.pair && x.selectedSentence === flagged.sentence);
    await panel().connection.request('simulate-input', { steps: [{ key: 'c' }] });
    await render((x) => x.view.colormap === 'hot');

    // Another editor in the same group hides the panel; without retainContextWhenHidden its page is dropped.
    const report = vscode.Uri.file(join(session.folder, session.entry(flagged.pair)!.reportFile!));
    await vscode.window.showTextDocument(report, { viewColumn: panel().panel.viewColumn, preview: false });
    await until('the panel to be hidden', () => !panel().panel.visible);
    panel().connection.lastRender = undefined;
    panel().panel.reveal();
    const r = await render((x) => x.pairId === flagged.pair && x.imageLoaded);
    assert.equal(r.view.colormap, 'hot', 'view settings come back from the webview state');
    assert.ok(r.flagsShown.some((f) => f.sentence === flagged.sentence && f.reason === 'laterality'));
    const tab = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .find((t) => t.input instanceof vscode.TabInputText && t.input.uri.fsPath === report.fsPath);
    if (tab) await vscode.window.tabGroups.close(tab);
  });

  it('is rebuilt by the panel serializer after a window reload, on the pair it showed, with its flags', async () => {
    const flagged = lateralityFlag();
    const saved = {
      mode: 'follow',
      pairId: flagged.pair,
      sentence: flagged.sentence,
      view: { colormap: 'hot', opacity: 0.6, overlay: true },
    };
    panel().panel.dispose();
    assert.equal(controller.mainPanel, undefined);
    session.select(undefined); // after a reload the session starts without a selection
    // What VS Code does on reload: a fresh panel of our view type, handed to the serializer with the webview's saved state.
    const fresh = vscode.window.createWebviewPanel('radalign.review', 'radalign review', vscode.ViewColumn.Active, {
      enableScripts: true,
    });
    controller.restore(fresh, saved);
    const r = await render((x) => x.pairId === flagged.pair && x.imageLoaded);
    assert.deepEqual(session.selected, { pairId: flagged.pair, sentence: flagged.sentence });
    assert.ok(r.flagsShown.some((f) => f.sentence === flagged.sentence && f.reason === 'laterality'));
  });

  it('opens a best-matching other report beside the panel, pinned to that pair', async () => {
    const pair = (await session.pairDetails(session.selected!.pairId))!;
    const other = pair.bestReports[0];
    assert.ok(other, 'the pair lists other reports');
    // The webview posts `open-other` when its link is clicked; the connection routes it here.
    const pinned = controller.openPinned(other.id);
    const r = await pinned.connection.waitForRender((x) => x.pairId === other.id && x.imageLoaded);
    assert.equal(pinned.connection.mode, 'pinned');
    assert.ok(r.sentences > 0);
    assert.equal(session.selected?.pairId, pair.id, 'opening a comparison does not move the selection');
    pinned.panel.dispose();
  });
});
