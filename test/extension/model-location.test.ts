import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledModelDir, locateModel } from '../../src/extension/model-location';

describe('extension model location', () => {
  const root = mkdtempSync(join(tmpdir(), 'radalign-model-location-'));
  const extensionPath = join(root, 'extension');
  const workspace = join(root, 'workspace');
  mkdirSync(join(workspace, 'models', 'mine'), { recursive: true });

  it('without a setting and without a bundled model, says which setting to set', () => {
    const found = locateModel('', extensionPath, workspace);
    assert.equal(found.ok, false);
    if (!found.ok) assert.match(found.message, /radalign\.modelPath/);
  });

  it('without a setting, uses the bundled model once there is one', () => {
    mkdirSync(bundledModelDir(extensionPath), { recursive: true });
    assert.deepEqual(locateModel('  ', extensionPath, workspace), { ok: true, dir: bundledModelDir(extensionPath) });
  });

  it('resolves a relative setting against the workspace folder', () => {
    assert.deepEqual(locateModel('models/mine', extensionPath, workspace), {
      ok: true,
      dir: join(workspace, 'models', 'mine'),
    });
  });

  it('names a missing folder and the setting it came from', () => {
    const found = locateModel(join(root, 'nope'), extensionPath, workspace);
    assert.equal(found.ok, false);
    if (!found.ok) assert.match(found.message, /radalign\.modelPath.*nope/);
  });
});
