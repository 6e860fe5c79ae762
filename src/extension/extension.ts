// Extension entry point: wires the commands, the results store and the status bar.
// The engine itself never runs here: scoring happens in a forked worker (score-worker.ts).
import * as vscode from 'vscode';
import { ResultsStore } from './results-store';
import { readSavedResults } from './saved-results';
import { createScorePairsCommand } from './score-pairs-command';
import { createScoredStatusBar } from './status-bar';

/** What `activate` returns to other extensions and to the integration tests. */
export interface RadalignApi {
  readonly results: ResultsStore;
}

export function activate(context: vscode.ExtensionContext): RadalignApi {
  const log = vscode.window.createOutputChannel('radalign', { log: true });
  const store = new ResultsStore();
  const scorePairs = createScorePairsCommand({
    extensionPath: context.extensionPath,
    workerScript: vscode.Uri.joinPath(context.extensionUri, 'dist', 'score-worker.js').fsPath,
    store,
    log,
  });
  context.subscriptions.push(log, store, createScoredStatusBar(store), vscode.commands.registerCommand('radalign.scorePairs', scorePairs));
  void loadSavedResults(store);
  return { results: store };
}

/** Shows what earlier runs saved; a run that finishes meanwhile is newer and wins. */
async function loadSavedResults(store: ResultsStore): Promise<void> {
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const saved = await readSavedResults(folder.uri.fsPath);
    if (saved && !store.get(saved.folder)) store.set(saved);
  }
}

export function deactivate(): void {
  // Nothing to stop: a running worker notices the host's IPC channel closing and exits.
}
