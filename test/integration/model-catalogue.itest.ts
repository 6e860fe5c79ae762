// Catalogue models in a real extension host: radalign.modelCatalogueUrl points at a local server
// (127.0.0.1, started here, closed after) that serves a copy of the fixture model; Select model
// downloads it into the global storage, stores that folder in radalign.modelPath, and Score pairs
// scores with it.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, sep } from 'node:path';
import * as vscode from 'vscode';
import type { ScorePairsOutcome } from '../../src/extension/score-pairs-command';
import type { SelectModelOutcome } from '../../src/extension/views/select-model-command';
import { FileServer } from '../extension/models/models-server';

const EXTENSION_ID = 'radalign.radalign';
const FILES = ['model.json', 'tokenizer.json', 'vision.onnx', 'text.onnx'];

function workspaceFolder(): string {
  const ws = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(ws, 'the runner opens a workspace folder');
  return ws;
}

describe('catalogue models (local catalogue server)', () => {
  // A fresh id per run, so the download really happens even if the global storage is reused.
  const id = `itest-tiny-${Date.now().toString(36)}`;
  const config = () => vscode.workspace.getConfiguration('radalign', vscode.Uri.file(workspaceFolder()));
  let server: FileServer;
  let previous: { workspaceFolderValue?: string; workspaceValue?: string } | undefined;
  let downloaded: string | undefined;

  before(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    await extension.activate();
    const fixture = join(extension.extensionPath, 'test', 'fixtures', 'models', 'tiny-clip');
    const bytes = new Map(FILES.map((f) => [f, readFileSync(join(fixture, f))]));
    // The served model names itself after the entry, so the results show which model scored.
    const manifest = JSON.parse(bytes.get('model.json')!.toString('utf8')) as { id: string; name: string };
    bytes.set('model.json', Buffer.from(JSON.stringify({ ...manifest, id, name: `Downloaded ${id}` }, null, 2)));
    const catalogue = {
      format: 'radalign-model-catalogue/1',
      models: [
        {
          id,
          name: `Tiny CLIP ${id}`,
          description: 'the test fixture, served by the integration test',
          licence: 'test fixture (random weights)',
          files: FILES.map((f) => ({
            path: f,
            size: bytes.get(f)!.length,
            sha256: createHash('sha256').update(bytes.get(f)!).digest('hex'),
          })),
        },
      ],
    };
    const served = new Map([
      ['/catalogue.json', Buffer.from(JSON.stringify(catalogue))],
      ...FILES.map((f) => [`/${id}/${f}`, bytes.get(f)!] as [string, Buffer]),
    ]);
    server = new FileServer(served, { ranges: true, lifetimeMs: 120_000 });
    const base = await server.start();
    previous = config().inspect<string>('modelPath');
    await config().update('modelCatalogueUrl', `${base}catalogue.json`, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await server?.close();
    await config().update('modelCatalogueUrl', undefined, vscode.ConfigurationTarget.Global);
    await config().update('modelPath', previous?.workspaceFolderValue, vscode.ConfigurationTarget.WorkspaceFolder);
    if (previous?.workspaceValue !== undefined)
      await config().update('modelPath', previous.workspaceValue, vscode.ConfigurationTarget.Workspace);
    if (downloaded) rmSync(downloaded, { recursive: true, force: true });
  });

  it('Select model downloads the catalogue model into the global storage and stores that folder', async () => {
    const outcome = await vscode.commands.executeCommand<SelectModelOutcome>('radalign.selectModel', { catalogue: id });
    assert.equal(outcome.status, 'selected', JSON.stringify(outcome));
    if (outcome.status !== 'selected') return;
    downloaded = outcome.setting;
    assert.ok(outcome.setting.endsWith(`${sep}models${sep}${id}`), outcome.setting);
    assert.equal(config().get('modelPath'), outcome.setting);
    for (const f of [...FILES, '.radalign-download.json']) assert.ok(existsSync(join(outcome.setting, f)), f);
    assert.deepEqual(
      server.requests.map((r) => r.path),
      ['/catalogue.json', ...FILES.map((f) => `/${id}/${f}`)],
    );
  });

  it('Score pairs scores with the downloaded model', async () => {
    assert.ok(downloaded, 'the download test ran');
    const outcome = await vscode.commands.executeCommand<ScorePairsOutcome>('radalign.scorePairs');
    assert.equal(outcome.status, 'done', JSON.stringify(outcome));
    if (outcome.status !== 'done') return;
    // The store's summary names the model and counts the pairs.
    const summary = JSON.parse(readFileSync(outcome.resultsFile, 'utf8')) as {
      model: { id: string; name: string };
      pairs: number;
    };
    assert.equal(summary.model.id, id);
    assert.equal(summary.model.name, `Downloaded ${id}`);
    assert.equal(summary.pairs, 6);
  });

  it('selecting it again uses the downloaded copy without fetching the files', async () => {
    const fetched = server.requests.length;
    const outcome = await vscode.commands.executeCommand<SelectModelOutcome>('radalign.selectModel', { catalogue: id });
    assert.equal(outcome.status, 'selected', JSON.stringify(outcome));
    assert.deepEqual(
      server.requests.slice(fetched).map((r) => r.path),
      ['/catalogue.json'],
    );
  });

  it('a known model that no server hosts says so and points to tools/export', async () => {
    const outcome = await vscode.commands.executeCommand<SelectModelOutcome>('radalign.selectModel', {
      catalogue: 'biovil-resnet50',
    });
    assert.equal(outcome.status, 'failed');
    if (outcome.status === 'failed')
      assert.match(outcome.message, /^BioViL \(ResNet-50, CXR-BERT\) is not on the catalogue server: .*tools\/export/);
  });

  it("never loads the engine's native addons into the extension host", () => {
    assert.deepEqual(
      Object.keys(require.cache).filter((k) => /onnxruntime-node|[\\/]sharp[\\/]/.test(k)),
      [],
    );
  });
});
