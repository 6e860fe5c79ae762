// The Python export recipes (tools/export/) checked where they can run: Debian's python3-torch, -torchvision,
// -onnx, -regex (apt-installed when missing and this is root, as on CI). check_fixtures.py remakes every fixture
// in test/fixtures/export/ with the current recipes and compares (ONNX and model.json byte for byte), then runs
// the refusal tests; the JS side (export-wrappers.test.ts) checks those fixtures in the engine.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/fixture-models';

const PYTHON = '/usr/bin/python3';
const MODULES = ['torch', 'torchvision', 'onnx', 'regex', 'numpy'];
const PACKAGES = ['python3-torch', 'python3-torchvision', 'python3-onnx', 'python3-regex', 'python3-numpy'];

function missingModules(): string[] {
  if (!existsSync(PYTHON)) return MODULES;
  return MODULES.filter((m) => spawnSync(PYTHON, ['-c', `import ${m}`], { stdio: 'ignore' }).status !== 0);
}

function skip(ctx: Mocha.Context, why: string): never {
  console.log(`      (skipped: ${why})`);
  ctx.skip();
}

describe('tools/export Python recipes', function () {
  this.timeout(900_000);

  it('remake the committed export fixtures exactly, and refuse what they cannot export', function () {
    if (process.platform !== 'linux')
      skip(this, `Debian's python3-torch is the tested setup; this is ${process.platform}`);
    let missing = missingModules();
    if (missing.length > 0) {
      const canInstall = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get']).status === 0;
      if (!canInstall)
        skip(this, `${PYTHON} lacks ${missing.join(', ')}; install as root: apt-get install ${PACKAGES.join(' ')}`);
      const t0 = Date.now();
      const apt = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...PACKAGES], {
        encoding: 'utf8',
        timeout: 600_000,
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
      missing = missingModules();
      if (missing.length > 0)
        skip(this, `apt-get could not provide ${missing.join(', ')} (exit ${apt.status}): ${apt.stderr.slice(-400)}`);
      console.log(`      (installed ${PACKAGES.join(', ')} in ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    }
    const r = spawnSync(PYTHON, [join(repoRoot, 'tools/export/check_fixtures.py')], {
      encoding: 'utf8',
      cwd: repoRoot,
      timeout: 600_000,
    });
    assert.equal(r.status, 0, `check_fixtures.py failed:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
    assert.match(r.stdout, /the recipes make the committed fixtures/);
  });
});
