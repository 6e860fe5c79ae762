// Two reviewers on one dataset in a real extension host, as a team works: the pairs are split with
// a doubled share, each reviewer walks their own share in the panel with one key per verdict, the
// disagreements show in the pairs view, the summary gives the agreement figures, one pair is
// adjudicated, and the clean export is read back by `radalign score --manifest`.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import type { ExportCleanSummary, ReviewSummary } from '../../src/engine/review';
import type { RadalignApi } from '../../src/extension/extension';
import { PANEL_TEST_HOOK_COMMAND } from '../../src/extension/panel/register-panel';
import type { ReviewPanelController } from '../../src/extension/panel/review-panel-controller';
import type { ReviewSession } from '../../src/extension/review/review-session';
import type { ScorePairsOutcome } from '../../src/extension/score-pairs-command';
import type { RenderReport } from '../../src/protocol/review-panel-protocol';
import { mochaLog, screenshot, until } from './itest-helpers';

const EXTENSION_ID = 'radalign.radalign';
const log = (line: string): void => mochaLog(`      ${line}`);
const repo = resolve(__dirname, '..', '..', '..');

describe('team review in a real extension host: two reviewers, agreement, adjudication, clean export', function () {
  this.timeout(240_000);
  let api: RadalignApi;
  let session: ReviewSession;
  let controller: ReviewPanelController;
  let outDir: string;
  const config = () => vscode.workspace.getConfiguration('radalign');
  const panel = () => {
    const main = controller.mainPanel;
    assert.ok(main, 'the review panel is open');
    return main;
  };
  const render = (accept: (r: RenderReport) => boolean) => panel().connection.waitForRender(accept);
  const verdictOf = (pairId: string, reviewer: string) => session.review.verdictOf(pairId, reviewer)?.verdict;
  /** What each reviewer presses on the pairs of their share, in order (a aligned, x mismatched, ? unsure). */
  const plan: Record<string, string[]> = { ann: ['x', 'a', 'a', '?', 'a'], ben: ['x', 'x', 'a', 'a', 'a'] };
  const judged: Record<string, string[]> = { ann: [], ben: [] };

  const becomeReviewer = async (name: string) => {
    await config().update('reviewerName', name, vscode.ConfigurationTarget.Workspace);
    await until(`reviewer ${name}`, () => session.reviewer === name);
  };

  /**
   * Walks my share in the panel: "Open review" starts at my first pair; one key per verdict, which
   * moves on by itself (radalign.advanceAfterVerdict) or, with `advance` off, `n` for my next pair.
   */
  const reviewShare = async (name: string, advance: boolean) => {
    await becomeReviewer(name);
    await config().update('advanceAfterVerdict', advance, vscode.ConfigurationTarget.Workspace);
    const share = session.assignment!.shares[name];
    session.select(undefined);
    await vscode.commands.executeCommand('radalign.openReview');
    for (let i = 0; i < share.length; i++) {
      const at = session.selected?.pairId;
      assert.equal(at, share[i], `${name}'s ${i + 1}. pair is the ${i + 1}. of their share, in rank order`);
      await render((r) => r.pairId === at && r.progressShown.includes(name));
      const key = plan[name][i % plan[name].length];
      await panel().connection.request('simulate-input', { steps: [{ key }] });
      const expected = { a: 'aligned', x: 'mismatched', '?': 'unsure' }[key];
      await until(`${name}'s verdict on ${at}`, () => verdictOf(at!, name) === expected);
      judged[name].push(at!);
      if (!advance) {
        assert.equal(session.selected?.pairId, at, 'without advanceAfterVerdict the panel stays on the pair');
        await panel().connection.request('simulate-input', { steps: [{ key: 'n' }] });
      }
      if (i + 1 < share.length)
        await until(`the panel moves on to ${share[i + 1]}`, () => session.selected?.pairId === share[i + 1]);
    }
  };

  before(async () => {
    const ext = vscode.extensions.getExtension<RadalignApi>(EXTENSION_ID);
    assert.ok(ext);
    api = await ext.activate();
    if (!api.sessions.current) {
      const outcome = await vscode.commands.executeCommand<ScorePairsOutcome>('radalign.scorePairs');
      assert.equal(outcome.status, 'done', JSON.stringify(outcome));
    }
    session = await until('the review session', () => api.sessions.current);
    controller = await vscode.commands.executeCommand<ReviewPanelController>(PANEL_TEST_HOOK_COMMAND);
    outDir = mkdtempSync(join(tmpdir(), 'radalign-clean-'));
  });

  after(async () => {
    // Leave the workspace's review as the next suites expect it: no verdicts of ours in force.
    for (const name of ['ann', 'ben']) {
      await becomeReviewer(name).catch(() => undefined);
      for (const id of judged[name]) await session.verdict(id, null).catch(() => undefined);
    }
    for (const id of session.progress().adjudicated) await session.adjudicate(id, null).catch(() => undefined);
    await config().update('reviewerName', undefined, vscode.ConfigurationTarget.Workspace);
    await config().update('advanceAfterVerdict', undefined, vscode.ConfigurationTarget.Workspace);
    controller?.mainPanel?.panel.dispose();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('splits the pairs between ann and ben by rank, half of them reviewed by both', async () => {
    const outcome = await vscode.commands.executeCommand<{ status: string }>('radalign.assignPairs', {
      reviewers: ['ann', 'ben'],
      overlap: 0.5,
    });
    assert.equal(outcome.status, 'assigned', JSON.stringify(outcome));
    const a = await until('the assignment', () => session.assignment);
    const both = a.shares.ann.filter((id) => a.shares.ben.includes(id));
    assert.equal(both.length, Math.ceil(session.count * 0.5), 'the doubled share');
    assert.deepEqual(new Set([...a.shares.ann, ...a.shares.ben]), new Set(session.ids()), 'every pair is assigned');
    const rank = (id: string) => session.entry(id)!.rank;
    for (const share of [a.shares.ann, a.shares.ben])
      assert.deepEqual(
        [...share].sort((x, y) => rank(x) - rank(y)),
        share,
        'each share in rank order',
      );
  });

  it('each reviewer walks their own share in the panel with one key per verdict', async () => {
    await reviewShare('ann', true);
    await reviewShare('ben', false);
    const a = session.assignment!;
    assert.deepEqual(judged.ann, a.shares.ann);
    assert.deepEqual(judged.ben, a.shares.ben);
    assert.equal(session.progress().reviewed, session.count, 'every pair has a verdict');
  });

  it('the disagreement view lists exactly the pairs ann and ben judged differently, and the summary gives kappa and alpha', async () => {
    const common = judged.ann.filter((id) => judged.ben.includes(id));
    const differ = common.filter((id) => verdictOf(id, 'ann') !== verdictOf(id, 'ben'));
    assert.ok(
      differ.length >= 1 && differ.length < common.length,
      `the plan makes some agree and some differ (${differ.length} of ${common.length})`,
    );
    const shown = await vscode.commands.executeCommand<string[]>('radalign.filterPairs', {
      text: '',
      show: 'disagreed',
    });
    assert.deepEqual([...shown].sort(), [...differ].sort(), 'the pairs view shows the disagreed pairs');
    await vscode.commands.executeCommand('radalign.filterPairs', { text: '', show: 'all' });
    const out = await vscode.commands.executeCommand<{ status: string; summary: ReviewSummary }>(
      'radalign.reviewSummary',
      { open: false },
    );
    assert.equal(out.status, 'built');
    const s = out.summary;
    assert.deepEqual([s.total, s.reviewed], [session.count, session.count]);
    assert.deepEqual([s.reviewers.ann.reviewed, s.reviewers.ben.reviewed], [judged.ann.length, judged.ben.length]);
    assert.deepEqual(
      s.agreement.kappa.map((k) => [k.a, k.b, k.pairs]),
      [['ann', 'ben', common.length]],
    );
    assert.equal(s.agreement.pairs, common.length);
    assert.ok(
      typeof s.agreement.kappa[0].kappa === 'number' && s.agreement.kappa[0].kappa < 1,
      `kappa ${s.agreement.kappa[0].kappa}`,
    );
    assert.ok(typeof s.agreement.alpha === 'number' && s.agreement.alpha < 1, `alpha ${s.agreement.alpha}`);
    assert.deepEqual([...s.disagreed].sort(), [...differ].sort());
    log(
      `[agreement] ${common.length} pairs judged by both, ${differ.length} disagreed: kappa ${s.agreement.kappa[0].kappa?.toFixed(3)}, alpha ${s.agreement.alpha?.toFixed(3)}`,
    );
  });

  it("the panel shows both reviewers' verdicts on a disagreed pair; an adjudication settles it", async () => {
    const pair = session.progress().disagreed[0];
    session.select(pair);
    await vscode.commands.executeCommand('radalign.openReview');
    const r = await render((x) => x.pairId === pair && x.verdictsShown.length === 2 && x.imageLoaded);
    assert.deepEqual(
      r.verdictsShown.map((v) => [v.reviewer, v.verdict, v.mine]),
      [
        ['ann', verdictOf(pair, 'ann'), false],
        ['ben', verdictOf(pair, 'ben'), true],
      ],
    );
    assert.equal(r.disagreedShown, true);
    assert.deepEqual([...r.settleShown].sort(), ['aligned', 'mismatched', 'unsure']);
    await panel().connection.request('inspect', {}); // one round trip: the webview has laid out
    await new Promise((r) => setTimeout(r, 1500)); // the workbench draws tree updates on its own time (screenshot only)
    const png = await screenshot('team-review');
    if (png) log(`[screenshot] ${png}`);

    const outcome = await vscode.commands.executeCommand<{ status: string }>('radalign.adjudicatePair', {
      pairId: pair,
      verdict: 'mismatched',
      reason: 'wrong-study',
    });
    assert.equal(outcome.status, 'recorded', JSON.stringify(outcome));
    await render((x) => x.pairId === pair && x.adjudicationShown === 'mismatched');
    const s = session.progress();
    assert.ok(!s.disagreed.includes(pair) && s.adjudicated.includes(pair));
    assert.equal(session.review.get(pair)?.outcome, 'mismatched');
  });

  it('exports the clean dataset, and radalign score --manifest reads back exactly the pairs kept', async () => {
    const outcome = await vscode.commands.executeCommand<{ status: string }>('radalign.exportClean', { outDir });
    assert.equal(outcome.status, 'written', JSON.stringify(outcome));
    const summary = JSON.parse(readFileSync(join(outDir, 'clean-summary.json'), 'utf8')) as ExportCleanSummary;
    const review = session.review;
    const dropped = session.ids().filter((id) => {
      const o = review.outcome(id);
      return o === 'mismatched' || o === 'disagreed';
    });
    assert.deepEqual(
      summary.dropped.map((d) => d.id).sort(),
      [...dropped].sort(),
      'mismatched and unsettled pairs are left out',
    );
    const rows = readFileSync(join(outDir, 'manifest.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string });
    const kept = session.ids().filter((id) => !dropped.includes(id));
    assert.deepEqual(rows.map((r) => r.id).sort(), [...kept].sort());

    const folder = session.folder;
    const modelDir = config().get<string>('modelPath')!;
    const resultsFile = join(outDir, 'clean-results.json');
    const cli = spawnSync(
      process.execPath,
      [
        join(repo, 'bin', 'radalign.js'),
        'score',
        folder,
        '--manifest',
        join(outDir, 'manifest.jsonl'),
        '--model',
        modelDir,
        '--out',
        resultsFile,
        '--no-cache',
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        timeout: 120_000,
      },
    );
    assert.equal(cli.status, 0, cli.stderr);
    const scored = JSON.parse(readFileSync(resultsFile, 'utf8')) as { pairs: { id: string }[] };
    assert.deepEqual(
      scored.pairs.map((p) => p.id).sort(),
      [...kept].sort(),
      'radalign score reads the clean manifest back',
    );
    log(
      `[export-clean] ${kept.length} of ${session.count} pairs kept, ${dropped.length} dropped; read back by radalign score --manifest`,
    );
  });
});
