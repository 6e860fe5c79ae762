// Runs mocha inside the extension host and tees its reporter into a log file for the runner to
// print: the extension host's console is not visible from outside (and assignments to
// console.log are ignored there). Shared by the default suite and the installed-VSIX suite.
import * as fs from 'node:fs';
import * as util from 'node:util';
import Mocha from 'mocha';

export function runMochaInHost(files: string[], logFile: string | undefined, what: string): Promise<void> {
  const Base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void; useColors: boolean };
  const hostLog = Base.consoleLog ?? console.log;
  const log = (...args: unknown[]) => {
    if (logFile) fs.appendFileSync(logFile, util.format(...args) + '\n');
    hostLog(...args);
  };
  Base.consoleLog = log;
  Base.useColors = false;

  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  for (const file of files) mocha.addFile(file);
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const st = runner.stats;
      log(`${st?.passes ?? 0} passed, ${failures} failed, ${st?.pending ?? 0} skipped`);
      if (failures > 0) reject(new Error(`${failures} ${what} failed`));
      else resolve();
    });
  });
}
