// Extension entry point: wires the commands, the results store and the status bar.
// The engine itself never runs here: scoring happens in a forked worker (score-worker.ts).
import * as vscode from 'vscode';
import type { ExtensionDeps } from './deps';
import { registerReviewPanel } from './panel/register-panel';
import { ResultsStore } from './results-store';
import { SessionManager } from './review/session-manager';
import { readSavedResults } from './saved-results';
import { createScorePairsCommand } from './score-pairs-command';
import { createScoredStatusBar } from './status-bar';
import { registerReviewViews } from './views/register-views';
import { reportRefusedResults } from './views/saved-results-notice';

/** What `activate` returns to other extensions and to the integration tests. */
export interface RadalignApi {
  readonly results: ResultsStore;
  readonly sessions: SessionManager;
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
  const sessions = new SessionManager(store, log);
  const deps: ExtensionDeps = { context, log, store, sessions };
  context.subscriptions.push(
    log,
    store,
    sessions,
    createScoredStatusBar(store, sessions),
    vscode.commands.registerCommand('radalign.scorePairs', scorePairs),
    ...registerReviewPanel(deps),
    ...registerReviewViews(deps),
  );
  void loadSavedResults(store, log);
  return { results: store, sessions };
}

/** Shows what earlier runs saved (a run that finishes meanwhile is newer and wins); says why a file was not used. */
async function loadSavedResults(store: ResultsStore, log: vscode.LogOutputChannel): Promise<void> {
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const outcome = await readSavedResults(folder.uri.fsPath);
    if (outcome.status === 'loaded' && !store.get(outcome.saved.folder)) store.set(outcome.saved);
    else if (outcome.status === 'refused') reportRefusedResults(outcome, log);
  }
}

export function deactivate(): void {
  // Nothing to stop: a running worker notices the host's IPC channel closing and exits.
}
