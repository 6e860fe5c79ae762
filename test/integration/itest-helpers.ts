// Shared by the integration suites: polling for a condition, and asking the runner for a screenshot.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes a line to the mocha reporter's output (the extension host's console is not visible from outside). */
export function mochaLog(line: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the mocha instance running these tests, loaded lazily
  (require('mocha') as typeof import('mocha')).reporters.Base.consoleLog(line);
}

/** Polls `probe` every 50 ms until it returns a truthy value. */
export async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Asks the code-server runner for a screenshot of the workbench (it watches the folder named by
 * RADALIGN_ITEST_SCREENSHOTS); returns the PNG path, or undefined where no runner serves it.
 */
export async function screenshot(name: string): Promise<string | undefined> {
  const dir = process.env.RADALIGN_ITEST_SCREENSHOTS;
  if (!dir) return undefined;
  const png = join(dir, `${name}.png`);
  const before = existsSync(png) ? statSync(png).mtimeMs : 0;
  writeFileSync(join(dir, `${name}.request`), '');
  return until(`screenshot ${name}`, () => existsSync(png) && statSync(png).mtimeMs > before && png, 20_000);
}
