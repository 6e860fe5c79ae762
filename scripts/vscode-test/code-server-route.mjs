// Runs the integration suite in code-server's extension host: code-server (Node 24) serves the
// workbench, Debian's chromium (driven by playwright-core) opens it with the test payload, and
// the workbench reports the suite's exit code through window.codeAutomationExit.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

/** Only local addresses: code-server runs without a password. Port 0 lets the OS pick one. */
const BIND = '127.0.0.1:0';

/**
 * @param {object} o
 * @param {string} o.node24 Node 24 binary
 * @param {string} o.codeServerEntry code-server's out/node/entry.js
 * @param {string} o.chromium chromium binary
 * @param {string} o.extensionDir extensionDevelopmentPath
 * @param {string} o.testsEntry extensionTestsPath (a built suite/index.js)
 * @param {string} o.workspace folder to open
 * @param {string} o.scratch folder for code-server's user data and logs
 * @param {number} o.timeoutMs
 * @param {Record<string,string>} o.env extra environment for code-server (and its extension host)
 * @returns {Promise<number>} the suite's exit code
 */
export async function runInCodeServer(o) {
  const server = spawn(
    o.node24,
    [
      o.codeServerEntry,
      '--auth',
      'none',
      '--bind-addr',
      BIND,
      // Without the smoke-test driver the workbench ignores the extension-test payload.
      '--vscode-option',
      'enable-smoke-test-driver',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir',
      join(o.scratch, 'user-data'),
      '--extensions-dir',
      join(o.scratch, 'extensions'),
      o.workspace,
    ],
    // Own process group, so the extension host and the scoring worker die with it.
    { env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const killServer = () => {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killServer);
  mkdirSync(o.scratch, { recursive: true });
  const serverLog = createWriteStream(join(o.scratch, 'code-server.log'));
  server.stdout.pipe(serverLog);
  server.stderr.pipe(serverLog);

  let browser;
  try {
    const origin = await listeningOrigin(server);
    browser = await chromium.launch({
      executablePath: o.chromium,
      headless: true,
      // --no-sandbox: CI runs as root, where chromium's sandbox refuses to start.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const exitCode = new Promise((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code) => resolve(Number(code)));
      void page.exposeFunction('codeAutomationLog', (type, args) => {
        const text = String((args ?? []).join(' '));
        // Offline, the workbench fails to reach the extension gallery: expected, not news.
        const offlineNoise = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED/.test(text);
        if (process.env.RADALIGN_ITEST_VERBOSE || (type === 'error' && !offlineNoise))
          console.log(`[workbench ${type}]`, text.slice(0, 500));
      });
    });
    const authority = new URL(origin).host;
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://${authority}${o.extensionDir}`],
      ['extensionTestsPath', `vscode-remote://${authority}${o.testsEntry}`],
    ];
    await page.goto(
      `${origin}/?folder=${encodeURIComponent(o.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`,
    );
    let timer;
    const timedOut = new Promise((resolve) => {
      timer = setTimeout(() => {
        console.error(`TIMEOUT: the extension tests did not finish within ${o.timeoutMs / 1000} s`);
        resolve(1);
      }, o.timeoutMs);
    });
    const stopScreenshots = serveScreenshotRequests(page, o.env.RADALIGN_ITEST_SCREENSHOTS);
    const code = await Promise.race([exitCode, timedOut]);
    clearTimeout(timer);
    stopScreenshots();
    if (code !== 0) await page.screenshot({ path: join(o.scratch, 'workbench.png') }).catch(() => {});
    return code;
  } finally {
    await browser?.close().catch(() => {});
    killServer();
  }
}

/** Resolves with e.g. http://127.0.0.1:41234 once code-server says where it listens. */
function listeningOrigin(server) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk) => {
      seen += chunk;
      const m = /HTTP server listening on (http:\/\/[^\s/]+)/.exec(seen);
      if (m) resolve(m[1]);
    };
    server.stdout.setEncoding('utf8').on('data', onData);
    server.stderr.setEncoding('utf8').on('data', onData);
    server.once('exit', (code) => reject(new Error(`code-server exited early (code ${code}):\n${seen.slice(-2000)}`)));
    setTimeout(() => reject(new Error(`code-server did not start within 60 s:\n${seen.slice(-2000)}`)), 60_000).unref();
  });
}

/**
 * The suite, running inside the extension host, cannot reach the browser; it asks for a
 * screenshot of the whole workbench (webviews included) by creating `<dir>/<name>.request` and
 * waits for `<dir>/<name>.png`. Returns a function that stops watching.
 */
function serveScreenshotRequests(page, dir) {
  if (!dir) return () => {};
  let busy = false;
  const timer = setInterval(async () => {
    if (busy || !existsSync(dir)) return;
    busy = true;
    try {
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.request'))) {
        const name = f.slice(0, -'.request'.length);
        const partial = join(dir, `${name}.partial.png`);
        await page.screenshot({ path: partial }).catch((e) => console.error(`screenshot ${name} failed: ${e.message}`));
        // Renamed only when complete, so the waiting suite never reads half a file.
        if (existsSync(partial)) renameSync(partial, join(dir, `${name}.png`));
        rmSync(join(dir, f), { force: true });
      }
    } finally {
      busy = false;
    }
  }, 200);
  return () => clearInterval(timer);
}
