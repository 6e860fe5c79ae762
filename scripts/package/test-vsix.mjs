#!/usr/bin/env node
// `npm run test:vsix` (after `npm run build`): packages this machine's VSIX
// (package-vsix.mjs), installs it into the integration tests' code-server and runs
// test/integration/vsix/ against the installed extension — "Score pairs" from the installed
// package, on a generated 6-pair workspace whose model is a copy of the fixture model.
// Exits with the suite's exit code; SKIPs (exit 0) where the code-server route cannot run (not
// Linux x64/arm64, no root/apt for chromium) or with RADALIGN_SKIP_INTEGRATION=1.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostTarget, packageTargets } from './package-vsix.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const t0 = Date.now();
const seconds = () => ((Date.now() - t0) / 1000).toFixed(1);
const skip = (why) => {
  console.log(`\n*** SKIP installed-VSIX test: ${why}\n`);
  process.exit(0);
};

if (process.env.RADALIGN_SKIP_INTEGRATION === '1') skip('RADALIGN_SKIP_INTEGRATION=1');
const target = hostTarget();
if (process.platform !== 'linux' || !target)
  skip(`it runs on the code-server route, Linux x64/arm64 only (this is ${process.platform}-${process.arch})`);

let vsix;
try {
  [{ file: vsix }] = packageTargets(['--target', target, '--out', join(repo, 'out', 'vsix')]);
} catch (e) {
  console.error(`test-vsix: packaging failed: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
console.log(`packaged after ${seconds()} s`);

const r = spawnSync(process.execPath, [join(repo, 'scripts', 'vscode-test', 'run-integration-tests.mjs')], {
  cwd: repo,
  stdio: 'inherit',
  env: { ...process.env, RADALIGN_ITEST_VSIX: vsix },
});
console.log(`test:vsix exit code ${r.status ?? r.signal}, ${seconds()} s in all (build not counted)`);
process.exit(r.status ?? 1);
