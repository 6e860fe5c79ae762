// The extensionTestsPath entry: runs inside the real extension host (code-server's or VS Code
// desktop's) and runs every `*.itest.js` built next to this folder with mocha.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import Mocha from 'mocha';
import * as vscode from 'vscode';

/**
 * Where the reporter's output is copied for the runner to print: the extension host's console
 * is not visible from outside (and assignments to console.log are ignored there). Next to the
 * workspace rather than in it, so the dataset stays as generated.
 */
function logFilePath(): string | undefined {
  if (process.env.RADALIGN_ITEST_LOG) return process.env.RADALIGN_ITEST_LOG;
  const ws = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return ws ? path.join(path.dirname(ws), 'mocha.log') : undefined;
}

function findTests(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.itest.js'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

export function run(): Promise<void> {
  const logFile = logFilePath();
  const Base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void; useColors: boolean };
  const hostLog = Base.consoleLog ?? console.log;
  const log = (...args: unknown[]) => {
    if (logFile) fs.appendFileSync(logFile, util.format(...args) + '\n');
    hostLog(...args);
  };
  Base.consoleLog = log;
  Base.useColors = false;

  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  for (const file of findTests(path.resolve(__dirname, '..'))) mocha.addFile(file);
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const st = runner.stats;
      log(`${st?.passes ?? 0} passed, ${failures} failed, ${st?.pending ?? 0} skipped`);
      if (failures > 0) reject(new Error(`${failures} integration tests failed`));
      else resolve();
    });
  });
}
