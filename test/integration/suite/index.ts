// The extensionTestsPath entry: runs inside the real extension host (code-server's or VS Code
// desktop's) and runs every `*.itest.js` built next to this folder with mocha.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runMochaInHost } from '../run-mocha-in-host';

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
  return runMochaInHost(findTests(path.resolve(__dirname, '..')), logFilePath(), 'integration tests');
}
