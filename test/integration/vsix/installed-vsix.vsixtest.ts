// Runs inside code-server's extension host with radalign installed from a VSIX
// (`npm run test:vsix`): the extension under test is the installed copy in the extensions folder,
// not the repository. The workspace is the generated 6-pair synthetic dataset whose
// .vscode/settings.json points radalign.modelPath at a copy of the fixture model outside the
// repository.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import { openSavedResults } from '../../../src/engine/store/results-file';
import type { RadalignApi } from '../../../src/extension/extension';
import type { ScorePairsOutcome } from '../../../src/extension/score-pairs-command';
import { mochaLog, screenshot, until } from '../itest-helpers';

const EXTENSION_ID = 'radalign.radalign';
const log = (s: string) => mochaLog(s);

function env(name: string): string {
  const v = process.env[name];
  assert.ok(v, `the runner sets ${name}`);
  return v;
}

function workspaceFolder(): string {
  const ws = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(ws, 'the runner opens a workspace folder');
  return ws;
}

const isInside = (child: string, parent: string) => {
  const r = relative(parent, child);
  return r !== '' && !r.startsWith('..') && !r.startsWith(sep);
};

describe('radalign installed from its VSIX', () => {
  let extension: vscode.Extension<RadalignApi>;
  let api: RadalignApi;

  before(async () => {
    const found = vscode.extensions.getExtension<RadalignApi>(EXTENSION_ID);
    assert.ok(found, `${EXTENSION_ID} is installed`);
    extension = found;
    api = await extension.activate();
  });

  it("is the copy installed from the VSIX, with only this platform's native binaries", () => {
    const dir = extension.extensionPath;
    log(
      `      [host] VS Code ${vscode.version}, Node ${process.version}, ${process.platform}-${process.arch}; ${EXTENSION_ID} ${extension.packageJSON.version} at ${dir}`,
    );
    assert.ok(isInside(dir, env('RADALIGN_ITEST_EXTENSIONS_DIR')), `${dir} is in the extensions folder`);
    assert.ok(!isInside(dir, env('RADALIGN_ITEST_REPO')), 'not the repository (development) copy');
    assert.equal(extension.isActive, true);
    const repoManifest = JSON.parse(readFileSync(join(env('RADALIGN_ITEST_REPO'), 'package.json'), 'utf8')) as {
      version: string;
    };
    assert.equal(extension.packageJSON.version, repoManifest.version);
    // What the VSIX carries: bundles, no sources or maps; one platform's onnxruntime.
    for (const f of [
      'dist/extension.js',
      'dist/score-worker.js',
      'dist/display-worker.js',
      'dist/webview/review-panel.js',
      'media/icon.png',
    ]) {
      assert.ok(existsSync(join(dir, f)), `${f} is installed`);
    }
    assert.ok(
      !existsSync(join(dir, 'src')) && !existsSync(join(dir, 'dist', 'extension.js.map')),
      'no sources or source maps',
    );
    const ortBin = join(dir, 'node_modules', 'onnxruntime-node', 'bin');
    const platforms = readdirSync(ortBin).flatMap((napi) =>
      readdirSync(join(ortBin, napi)).flatMap((os) =>
        readdirSync(join(ortBin, napi, os)).map((arch) => `${os}/${arch}`),
      ),
    );
    assert.deepEqual(platforms, [`${process.platform}/${process.arch}`]);
    const img = readdirSync(join(dir, 'node_modules', '@img')).filter((n) => n.startsWith('sharp-'));
    assert.deepEqual(
      img.sort(),
      [`sharp-${process.platform}-${process.arch}`, `sharp-libvips-${process.platform}-${process.arch}`].sort(),
    );
  });

  it('"Score pairs" scores the workspace in the installed worker and writes .radalign/results.json', async () => {
    const t0 = Date.now();
    const outcome = await vscode.commands.executeCommand<ScorePairsOutcome>('radalign.scorePairs');
    assert.equal(outcome.status, 'done', JSON.stringify(outcome));
    if (outcome.status !== 'done') return;
    assert.equal(outcome.pairs, 6);
    assert.equal(outcome.resultsFile, join(workspaceFolder(), '.radalign', 'results.json'));
    assert.equal(
      (JSON.parse(readFileSync(outcome.resultsFile, 'utf8')) as { format: string }).format,
      'radalign-results/4',
    );
    const opened = await openSavedResults(workspaceFolder());
    assert.ok(opened?.ok, JSON.stringify(opened));
    try {
      const results = opened.results;
      const pairs = [];
      for await (const p of results.all()) pairs.push(p);
      assert.deepEqual(
        pairs.map((p) => p.rank),
        [1, 2, 3, 4, 5, 6],
      );
      for (const p of pairs) {
        assert.ok(Number.isFinite(p.cosine) && p.suspicion >= 0 && p.suspicion <= 1, `pair ${p.id} is scored`);
        assert.ok(
          p.sentences.some((s) => s.heatmap),
          `pair ${p.id} has heatmaps`,
        );
      }
      assert.equal(results.model.name, 'Tiny random CLIP (test fixture)', 'the model named by radalign.modelPath');
      assert.deepEqual(api.sessions.scored?.results.ids(), results.ids());
    } finally {
      await opened.results.close();
    }
    log(`      [vsix] scored 6 pairs in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });

  it('"Open review" opens the review panel, whose installed webview script renders the top pair', async () => {
    await vscode.commands.executeCommand('radalign.openReview');
    const reviewTab = () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('radalign.review'));
    await until('the review panel tab', reviewTab);
    // The panel's title names the pair once the webview script (dist/webview/review-panel.js
    // from the VSIX) has reported a render.
    const top = api.sessions.current?.entry(1)?.id;
    assert.ok(top, 'a review session with ranked pairs');
    await until(`the panel to render ${top}`, () => reviewTab()?.label === `radalign review: ${top}`, 30_000);
    // For a human to look at: the panel as the installed extension renders it (the image comes
    // from the installed display worker).
    await new Promise((r) => setTimeout(r, 1000));
    const png = await screenshot('installed-vsix-review-panel');
    if (png) log(`      [screenshot] ${png}`);
  });
});
