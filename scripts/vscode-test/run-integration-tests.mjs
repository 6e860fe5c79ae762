#!/usr/bin/env node
// `npm run test:integration`: runs test/integration/ inside a real VS Code extension host and
// exits with the suite's exit code.
//   default: code-server + headless chromium, set up into .vscode-test/ (setup-code-server.sh)
//   RADALIGN_VSCODE_DESKTOP=1: VS Code desktop via @vscode/test-electron (desktop-route.mjs)
//   RADALIGN_ITEST_VSIX=<file.vsix>: installs that VSIX into code-server and runs
//     test/integration/vsix/ against the installed extension (npm run test:vsix; see
//     scripts/package/test-vsix.mjs): a stand-in development extension only hosts the suite.
// A machine that cannot run them (no root/apt for chromium, unsupported platform) gets a
// visible SKIP and exit 0; RADALIGN_SKIP_INTEGRATION=1 skips on purpose.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const vscodeTestDir = process.env.RADALIGN_VSCODE_TEST_DIR ?? join(repo, '.vscode-test');
const vsix = process.env.RADALIGN_ITEST_VSIX ? resolve(process.env.RADALIGN_ITEST_VSIX) : undefined;
const testsEntry = join(repo, 'out', 'test', 'integration', ...(vsix ? ['vsix', 'index.js'] : ['suite', 'index.js']));
const makeWorkspace = join(repo, 'out', 'test', 'integration', 'workspace', 'make-workspace.js');
// The model the test workspace scores with; RADALIGN_ITEST_MODEL runs the same suite on another (e.g. media/models/default).
const fixtureModel = process.env.RADALIGN_ITEST_MODEL
  ? resolve(process.env.RADALIGN_ITEST_MODEL)
  : join(repo, 'test', 'fixtures', 'models', 'tiny-clip');
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
for (const built of [
  join(repo, 'dist', 'extension.js'),
  join(repo, 'dist', 'score-worker.js'),
  testsEntry,
  makeWorkspace,
]) {
  if (!existsSync(built)) {
    console.error(`missing ${built}: run \`npm run build\` first`);
    process.exit(1);
  }
}

const desktop = process.env.RADALIGN_VSCODE_DESKTOP === '1';
if (vsix && desktop) {
  console.error('RADALIGN_ITEST_VSIX runs on the code-server route only; unset RADALIGN_VSCODE_DESKTOP');
  process.exit(1);
}
if (vsix && !existsSync(vsix)) {
  console.error(`RADALIGN_ITEST_VSIX: no such file ${vsix}`);
  process.exit(1);
}
let codeServer;
if (!desktop) {
  const setup = spawnSync('bash', [join(repo, 'scripts', 'vscode-test', 'setup-code-server.sh')], {
    cwd: repo,
    stdio: 'inherit',
    env: { ...process.env, RADALIGN_VSCODE_TEST_DIR: vscodeTestDir },
  });
  if (setup.status === SETUP_CANNOT_RUN)
    skip('this machine cannot run code-server and chromium (see the SKIP line above)');
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
// With a VSIX, the model is a copy outside the repository: the installed extension must not
// depend on anything in it.
let modelDir = fixtureModel;
if (vsix) {
  modelDir = join(scratch, 'model');
  cpSync(fixtureModel, modelDir, { recursive: true });
}
const made = spawnSync(process.execPath, [makeWorkspace, workspace, modelDir], { stdio: 'inherit' });
if (made.status !== 0) process.exit(1);
const logFile = join(scratch, 'mocha.log');
const env = { RADALIGN_ITEST_LOG: logFile };
let extensionDir = repo;
if (vsix) {
  // code-server installs the VSIX into the extensions folder code-server-route.mjs starts with.
  const extensionsDir = join(scratch, 'extensions');
  const t = Date.now();
  const installed = spawnSync(
    codeServer.node24,
    [
      codeServer.codeServerEntry,
      '--extensions-dir',
      extensionsDir,
      '--user-data-dir',
      join(scratch, 'user-data'),
      '--install-extension',
      vsix,
    ],
    { encoding: 'utf8' },
  );
  if (installed.status !== 0) {
    console.error(
      `code-server --install-extension ${vsix} failed (exit ${installed.status ?? installed.signal}):\n${installed.stdout}${installed.stderr}`,
    );
    process.exit(1);
  }
  console.log(`${installed.stdout.trim()} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  // extensionTestsPath needs a development extension to run in: one that contributes nothing.
  extensionDir = join(scratch, 'test-driver');
  mkdirSync(extensionDir);
  const driver = {
    name: 'radalign-vsix-test-driver',
    publisher: 'radalign-test',
    version: '0.0.0',
    engines: { vscode: '*' },
  };
  writeFileSync(join(extensionDir, 'package.json'), JSON.stringify(driver, null, 2));
  Object.assign(env, {
    RADALIGN_ITEST_VSIX: vsix,
    RADALIGN_ITEST_EXTENSIONS_DIR: extensionsDir,
    RADALIGN_ITEST_REPO: repo,
  });
}
// The real-data test copies ../shared/data/covid-cxr (present in CI) into a scratch dataset folder.
const shared = process.env.RADALIGN_SHARED ?? resolve(repo, '..', 'shared');
if (!vsix && existsSync(join(shared, 'data', 'covid-cxr', 'metadata.csv'))) {
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

const common = { extensionDir, testsEntry, workspace, env };
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

console.log(
  `--- integration tests (output from the extension host, ${desktop ? 'VS Code desktop' : 'code-server'}${vsix ? `, installed ${vsix}` : ''}) ---`,
);
console.log(existsSync(logFile) ? readFileSync(logFile, 'utf8') : '(the suite wrote no output: it never started)');
console.log(`integration tests exit code ${code}, ${seconds()} s in all`);
if (code === 0) rmSync(scratch, { recursive: true, force: true });
else console.log(`kept for inspection: ${scratch}${desktop ? '' : ' (code-server.log, workbench.png, workspace/)'}`);
process.exit(code);
