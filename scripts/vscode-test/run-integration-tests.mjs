#!/usr/bin/env node
// `npm run test:integration`: runs test/integration/ inside a real VS Code extension host and
// exits with the suite's exit code.
//   default: code-server + headless chromium, set up into .vscode-test/ (setup-code-server.sh)
//   RADALIGN_VSCODE_DESKTOP=1: VS Code desktop via @vscode/test-electron (desktop-route.mjs)
// A machine that cannot run them (no root/apt for chromium, unsupported platform) gets a
// visible SKIP and exit 0; RADALIGN_SKIP_INTEGRATION=1 skips on purpose.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const vscodeTestDir = process.env.RADALIGN_VSCODE_TEST_DIR ?? join(repo, '.vscode-test');
const testsEntry = join(repo, 'out', 'test', 'integration', 'suite', 'index.js');
const makeWorkspace = join(repo, 'out', 'test', 'integration', 'workspace', 'make-workspace.js');
const fixtureModel = join(repo, 'test', 'fixtures', 'models', 'tiny-clip');
const timeoutMs = Number(process.env.RADALIGN_ITEST_TIMEOUT_MS ?? 300_000);
/** setup-code-server.sh's "cannot run here" exit code. */
const SETUP_CANNOT_RUN = 75;

function skip(why) {
  console.log(`\n*** SKIP integration tests (real VS Code extension host): ${why}\n`);
  process.exit(0);
}

const t0 = Date.now();
const seconds = () => ((Date.now() - t0) / 1000).toFixed(1);

if (process.env.RADALIGN_SKIP_INTEGRATION === '1') skip('RADALIGN_SKIP_INTEGRATION=1');
for (const built of [join(repo, 'dist', 'extension.js'), join(repo, 'dist', 'score-worker.js'), testsEntry, makeWorkspace]) {
  if (!existsSync(built)) {
    console.error(`missing ${built}: run \`npm run build\` first`);
    process.exit(1);
  }
}

const desktop = process.env.RADALIGN_VSCODE_DESKTOP === '1';
let codeServer;
if (!desktop) {
  const setup = spawnSync('bash', [join(repo, 'scripts', 'vscode-test', 'setup-code-server.sh')], {
    cwd: repo,
    stdio: 'inherit',
    env: { ...process.env, RADALIGN_VSCODE_TEST_DIR: vscodeTestDir },
  });
  if (setup.status === SETUP_CANNOT_RUN) skip('this machine cannot run code-server and chromium (see the SKIP line above)');
  if (setup.status !== 0) {
    console.error(`integration test setup failed (exit ${setup.status ?? setup.signal})`);
    process.exit(1);
  }
  const nodePkg = `node-linux-${process.arch === 'arm64' ? 'arm64' : 'x64'}`;
  codeServer = {
    node24: join(vscodeTestDir, 'node24', 'node_modules', nodePkg, 'bin', 'node'),
    codeServerEntry: join(vscodeTestDir, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    chromium: process.env.CHROMIUM ?? '/usr/bin/chromium',
  };
  console.log(`setup done after ${seconds()} s`);
}

// A fresh workspace per run: a 6-pair synthetic dataset set up to use the fixture model.
const scratch = mkdtempSync(join(tmpdir(), 'radalign-itest-'));
const workspace = join(scratch, 'workspace');
const made = spawnSync(process.execPath, [makeWorkspace, workspace, fixtureModel], { stdio: 'inherit' });
if (made.status !== 0) process.exit(1);
const logFile = join(scratch, 'mocha.log');
const env = { RADALIGN_ITEST_LOG: logFile };
// The real-data test copies ../shared/data/covid-cxr (present in CI) into a scratch dataset folder.
const shared = process.env.RADALIGN_SHARED ?? resolve(repo, '..', 'shared');
if (existsSync(join(shared, 'data', 'covid-cxr', 'metadata.csv'))) {
  env.RADALIGN_SHARED = shared;
  env.RADALIGN_ITEST_SCRATCH = scratch;
}
// Screenshots the suite asks for (see code-server-route.mjs) land here, outside git (out/ is ignored).
if (!desktop) {
  const screenshots = join(repo, 'out', 'screenshots');
  mkdirSync(screenshots, { recursive: true });
  for (const f of readdirSync(screenshots)) if (f.endsWith('.request')) rmSync(join(screenshots, f));
  env.RADALIGN_ITEST_SCREENSHOTS = screenshots;
}

const common = { extensionDir: repo, testsEntry, workspace, env };
let code;
if (desktop) {
  const { runInDesktop } = await import('./desktop-route.mjs');
  code = await runInDesktop(common);
} else {
  const { runInCodeServer } = await import('./code-server-route.mjs');
  code = await runInCodeServer({ ...common, ...codeServer, scratch, timeoutMs }).catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    return 1;
  });
}

console.log(`--- integration tests (output from the extension host, ${desktop ? 'VS Code desktop' : 'code-server'}) ---`);
console.log(existsSync(logFile) ? readFileSync(logFile, 'utf8') : '(the suite wrote no output: it never started)');
console.log(`integration tests exit code ${code}, ${seconds()} s in all`);
if (code === 0) rmSync(scratch, { recursive: true, force: true });
else console.log(`kept for inspection: ${scratch}${desktop ? '' : ' (code-server.log, workbench.png, workspace/)'}`);
process.exit(code);
