// The extensionTestsPath entry of `npm run test:vsix` (scripts/package/test-vsix.mjs): runs
// installed-vsix.vsixtest.js with mocha inside code-server's extension host, where the extension
// is the one installed from the VSIX (RADALIGN_ITEST_VSIX) and the development extension is an
// empty stand-in. Named so that the default suite (suite/index.ts, `*.itest.js`) never runs it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const logFile = process.env.RADALIGN_ITEST_LOG;
  const Base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void; useColors: boolean };
  const hostLog = Base.consoleLog ?? console.log;
  const log = (...args: unknown[]) => {
    if (logFile) fs.appendFileSync(logFile, util.format(...args) + '\n');
    hostLog(...args);
  };
  Base.consoleLog = log;
  Base.useColors = false;

  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  mocha.addFile(path.join(__dirname, 'installed-vsix.vsixtest.js'));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const st = runner.stats;
      log(`${st?.passes ?? 0} passed, ${failures} failed, ${st?.pending ?? 0} skipped`);
      if (failures > 0) reject(new Error(`${failures} installed-VSIX tests failed`));
      else resolve();
    });
  });
}
