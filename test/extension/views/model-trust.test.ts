import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { modelPathFor } from '../../../src/extension/model-location';
import { checkModelFolder, rememberFolder } from '../../../src/extension/views/model-folder-check';

describe('views: model path and workspace trust', () => {
  it('in a trusted workspace, the most specific scope wins', () => {
    assert.deepEqual(
      modelPathFor(
        { defaultValue: '', globalValue: '/u/m', workspaceValue: 'ws/m', workspaceFolderValue: 'wf/m' },
        true,
      ),
      { value: 'wf/m' },
    );
    assert.deepEqual(modelPathFor({ defaultValue: '', globalValue: '/u/m', workspaceValue: 'ws/m' }, true), {
      value: 'ws/m',
    });
    assert.deepEqual(modelPathFor({ defaultValue: '', globalValue: '/u/m' }, true), { value: '/u/m' });
    assert.deepEqual(modelPathFor(undefined, true), { value: '' });
  });

  it('in an untrusted workspace, ignores the workspace and folder values and says which', () => {
    assert.deepEqual(modelPathFor({ defaultValue: '', globalValue: '/u/m', workspaceValue: 'evil/m' }, false), {
      value: '/u/m',
      ignored: 'evil/m',
    });
    assert.deepEqual(modelPathFor({ defaultValue: '', workspaceFolderValue: 'evil/m' }, false), {
      value: '',
      ignored: 'evil/m',
    });
    // Nothing to report when the workspace sets nothing, nothing, or the same as the user.
    assert.deepEqual(modelPathFor({ defaultValue: '', globalValue: '/u/m' }, false), { value: '/u/m' });
    assert.deepEqual(modelPathFor({ defaultValue: '', workspaceValue: '  ' }, false), { value: '' });
    assert.deepEqual(modelPathFor({ defaultValue: '', globalValue: '/u/m', workspaceValue: '/u/m' }, false), {
      value: '/u/m',
    });
  });
});

describe('views: Select model checks', () => {
  const fixtures = resolve('test', 'fixtures', 'models');
  const root = mkdtempSync(join(tmpdir(), 'radalign-model-check-'));

  it('accepts the fixture models in both layouts', async () => {
    for (const name of ['tiny-clip', 'tiny-clip-optimum']) {
      const found = await checkModelFolder(join(fixtures, name));
      assert.equal(found.ok, true, JSON.stringify(found));
    }
  });

  it('names the file and the problem', async () => {
    const missing = await checkModelFolder(join(root, 'nope'));
    assert.deepEqual(missing, { ok: false, file: join(root, 'nope'), problem: 'model folder does not exist' });

    const empty = join(root, 'empty');
    mkdirSync(empty);
    const notModel = await checkModelFolder(empty);
    assert.equal(notModel.ok, false);
    if (!notModel.ok) assert.match(notModel.problem, /neither model\.json .* nor an onnx\/ folder/);

    const badJson = join(root, 'bad-json');
    mkdirSync(badJson);
    writeFileSync(join(badJson, 'model.json'), '{ "format": ');
    const bad = await checkModelFolder(badJson);
    assert.equal(bad.ok, false);
    if (!bad.ok) {
      assert.equal(bad.file, join(badJson, 'model.json'));
      assert.match(bad.problem, /not valid JSON/);
    }
  });

  it('names a missing ONNX file that model.json declares', async () => {
    const dir = join(root, 'no-onnx');
    mkdirSync(dir);
    const manifest = JSON.parse(readFileSync(join(fixtures, 'tiny-clip', 'model.json'), 'utf8'));
    writeFileSync(join(dir, 'model.json'), JSON.stringify(manifest));
    const found = await checkModelFolder(dir);
    assert.equal(found.ok, false);
    if (!found.ok) {
      assert.equal(found.file, join(dir, manifest.vision.file));
      assert.match(found.problem, /file is missing \(needed by .*model\.json\)/);
    }
  });

  it('keeps recently used folders newest first, unique, bounded', () => {
    assert.deepEqual(rememberFolder(['/a', '/b', '/c'], '/b'), ['/b', '/a', '/c']);
    assert.deepEqual(rememberFolder(['/a', '/b'], '/n', 2), ['/n', '/a']);
  });
});
