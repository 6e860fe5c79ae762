// Runs inside a real extension host (see scripts/vscode-test/): the workspace is a generated
// 6-pair synthetic dataset whose .vscode/settings.json points radalign.modelPath at the
// fixture model (test/integration/workspace/make-workspace.ts).
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { openSavedResults } from '../../src/engine/store/results-file';
import type { RadalignApi } from '../../src/extension/extension';
import type { ScorePairsOutcome } from '../../src/extension/score-pairs-command';
import { mochaLog } from './itest-helpers';

const EXTENSION_ID = 'radalign.radalign';

function workspaceFolder(): string {
  const ws = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(ws, 'the runner opens a workspace folder');
  return ws;
}

interface ContributedCommand {
  command: string;
  title: string;
  category?: string;
}

describe('radalign in a real extension host', () => {
  let extension: vscode.Extension<RadalignApi>;
  let api: RadalignApi;

  before(async () => {
    const found = vscode.extensions.getExtension<RadalignApi>(EXTENSION_ID);
    assert.ok(found, `${EXTENSION_ID} is loaded as the development extension`);
    extension = found;
    api = await extension.activate();
  });

  it('activates', () => {
    assert.equal(extension.isActive, true);
    mochaLog(
      `      [host] VS Code ${vscode.version} (${vscode.env.appHost}${vscode.env.remoteName ? `, remote ${vscode.env.remoteName}` : ''}), Node ${process.version}`,
    );
  });

  it('registers every contributed command, all under the "radalign" category', async () => {
    const contributed: ContributedCommand[] = (
      extension.packageJSON as { contributes: { commands: ContributedCommand[] } }
    ).contributes.commands;
    assert.ok(contributed.some((c) => c.command === 'radalign.scorePairs'));
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const c of contributed) {
      assert.ok(registered.has(c.command), `${c.command} is registered`);
      assert.equal(c.category, 'radalign', `${c.command} category`);
    }
  });

  describe('Score pairs', () => {
    const resultsDir = () => join(workspaceFolder(), '.radalign');

    before(() => rmSync(resultsDir(), { recursive: true, force: true }));

    it('scores the workspace folder in a worker and writes the results store in .radalign/', async () => {
      const truth = JSON.parse(readFileSync(join(workspaceFolder(), '.truth.json'), 'utf8')) as unknown[];
      assert.equal(truth.length, 6, 'the runner generated 6 pairs');

      const outcome = await vscode.commands.executeCommand<ScorePairsOutcome>('radalign.scorePairs');
      assert.equal(outcome.status, 'done', JSON.stringify(outcome));
      if (outcome.status !== 'done') return;
      assert.equal(outcome.pairs, 6);
      assert.equal(outcome.resultsFile, join(workspaceFolder(), '.radalign', 'results.json'));

      const summary = JSON.parse(readFileSync(outcome.resultsFile, 'utf8')) as { format: string; pairs: number };
      assert.deepEqual([summary.format, summary.pairs], ['radalign-results/4', 6]);
      const opened = await openSavedResults(workspaceFolder());
      assert.ok(opened?.ok, JSON.stringify(opened));
      try {
        const saved = opened.results;
        const pairs = [];
        for await (const p of saved.all()) pairs.push(p);
        assert.deepEqual(
          pairs.map((p) => p.rank),
          [1, 2, 3, 4, 5, 6],
        );
        for (const p of pairs) {
          assert.ok(
            p.images.length > 0 && p.reportFile?.endsWith('.txt') && p.reportRow === null,
            `pair ${p.id} has its files`,
          );
          assert.ok(Number.isFinite(p.cosine) && p.suspicion >= 0 && p.suspicion <= 1, `pair ${p.id} is scored`);
        }
        assert.equal(saved.run.folder, workspaceFolder());
        // Open for the views (the status bar shows its count): the same index.
        assert.equal(api.sessions.scored?.folder, workspaceFolder());
        assert.deepEqual(api.sessions.scored?.results.ids(), saved.ids());
      } finally {
        await opened.results.close();
      }
      // The atomic write leaves no temporary file behind.
      assert.deepEqual(
        readdirSync(resultsDir()).filter((f) => f.startsWith('results.json')),
        ['results.json'],
      );
    });

    it("never loads the engine's native addons into the extension host", () => {
      const loaded = Object.keys(require.cache).filter((k) => /onnxruntime-node|[\\/]sharp[\\/]/.test(k));
      assert.deepEqual(loaded, []);
    });

    it('reports a missing model folder with the setting to fix, and writes nothing', async () => {
      const config = vscode.workspace.getConfiguration('radalign');
      const previous = config.inspect<string>('modelPath')?.workspaceValue;
      rmSync(resultsDir(), { recursive: true, force: true });
      await config.update('modelPath', join(workspaceFolder(), 'no-such-model'), vscode.ConfigurationTarget.Workspace);
      try {
        const outcome = await vscode.commands.executeCommand<ScorePairsOutcome>('radalign.scorePairs');
        assert.equal(outcome.status, 'failed');
        if (outcome.status === 'failed') assert.match(outcome.message, /radalign\.modelPath/);
        assert.equal(existsSync(join(resultsDir(), 'results.json')), false);
      } finally {
        await config.update('modelPath', previous, vscode.ConfigurationTarget.Workspace);
      }
    });
  });
});
