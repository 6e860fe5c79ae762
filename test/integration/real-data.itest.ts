// The extension on real data: ../shared/data/covid-cxr (412 real chest X-rays with notes, in CI)
// copied into a dataset folder as a user would have it (metadata.csv + images/), scored from the
// explorer's "Score pairs" on that folder, reviewed in the panel, flagged. Skips visibly without it.
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { mochaLog, screenshot } from './itest-helpers';
import type { RadalignApi } from '../../src/extension/extension';
import { PANEL_TEST_HOOK_COMMAND } from '../../src/extension/panel/register-panel';
import type { ReviewPanelController } from '../../src/extension/panel/review-panel-controller';
import type { ScorePairsOutcome } from '../../src/extension/score-pairs-command';

const log = (line: string): void => mochaLog(`      ${line}`);

describe('real data (covid-cxr) in a real extension host', function () {
  this.timeout(180_000);
  let api: RadalignApi;
  let dataset: string;

  before(function () {
    const shared = process.env.RADALIGN_SHARED;
    const scratch = process.env.RADALIGN_ITEST_SCRATCH;
    if (!shared || !scratch || !existsSync(join(shared, 'data', 'covid-cxr'))) {
      log('(skipped: needs ../shared/data/covid-cxr, which this clone does not have)');
      this.skip();
    }
    // A copy, never the shared folder itself: the extension writes .radalign/ into the dataset.
    dataset = join(scratch!, 'covid-cxr');
    cpSync(join(shared!, 'data', 'covid-cxr'), dataset, { recursive: true });
  });

  after(async function () {
    // Hand the session back to the generated workspace for the suites that follow.
    if (!api) return;
    const ws = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (ws) await vscode.commands.executeCommand<ScorePairsOutcome>('radalign.scorePairs', ws);
  });

  it('scores every pair from metadata.csv, opens the most suspicious one in the panel and records a flag', async () => {
    api = (await vscode.extensions.getExtension<RadalignApi>('radalign.radalign')!.activate())!;
    const outcome = await vscode.commands.executeCommand<ScorePairsOutcome>(
      'radalign.scorePairs',
      vscode.Uri.file(dataset),
    );
    assert.equal(outcome.status, 'done', JSON.stringify(outcome));
    if (outcome.status !== 'done') return;
    assert.equal(outcome.pairs, 412);
    const summary = JSON.parse(readFileSync(join(dataset, '.radalign', 'results.json'), 'utf8'));
    assert.equal(summary.pairs, 412);

    const session = api.sessions.current!;
    assert.equal(session.folder, dataset);
    assert.equal(session.count, 412);
    assert.ok(
      session
        .ids()
        .every((id) => session.entry(id)!.images.length === 1 && session.entry(id)!.images[0]!.startsWith('images')),
    );
    await vscode.commands.executeCommand('radalign.openReview');
    const controller = await vscode.commands.executeCommand<ReviewPanelController>(PANEL_TEST_HOOK_COMMAND);
    const top = (await session.pairDetails(session.entry(1)!.id))!;
    const report = await controller.mainPanel!.connection.waitForRender((r) => r.pairId === top.id && r.imageLoaded);
    assert.equal(report.sentences, top.sentences.length);
    log(`top pair ${top.id}: ${top.sentences.length} sentences, image drawn`);
    const png = await screenshot('review-panel-covid-cxr');
    if (png) log(`[screenshot] ${png}`);

    await vscode.commands.executeCommand('radalign.flagPair', {
      reason: 'wrong-study',
      note: 'integration test on real data',
      pairId: top.id,
    });
    const lines = readFileSync(join(dataset, '.radalign', 'review.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(lines[0], { format: 'radalign-review/2' });
    assert.deepEqual(
      [lines[1].pair, lines[1].kind, lines[1].verdict, lines[1].reason],
      [top.id, 'verdict', 'mismatched', 'wrong-study'],
      'a pair flag is the mismatched verdict',
    );
  });
});
