// Extension entry point: wires the commands, the results store and the status bar.
// The engine itself never runs here: scoring happens in a forked worker (score-worker.ts).
import * as vscode from 'vscode';
import type { ExtensionDeps } from './deps';
import { registerReviewPanel } from './panel/register-panel';
import { ResultsStore } from './results-store';
import { SessionManager } from './review/session-manager';
import { readSavedResults, type SavedResultsOutcome } from './saved-results';
import { createScorePairsCommand } from './score-pairs-command';
import { createScoredStatusBar } from './status-bar';
import { registerReviewViews } from './views/register-views';
import { reportRefusedResults } from './views/saved-results-notice';

/** What `activate` returns to other extensions and to the integration tests. */
export interface RadalignApi {
  readonly results: ResultsStore;
  readonly sessions: SessionManager;
  /**
   * Opens the saved results of a dataset folder (`.radalign/results.json`) and reviews them, as
   * activation does for a workspace folder; a refused file is reported and not used.
   */
  openSaved(folder: string): Promise<SavedResultsOutcome['status']>;
}

export function activate(context: vscode.ExtensionContext): RadalignApi {
  const log = vscode.window.createOutputChannel('radalign', { log: true });
  const store = new ResultsStore((message) => log.warn(message));
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
  void loadWorkspaceResults(store, log);
  return { results: store, sessions, openSaved: async (folder) => (await openSaved(store, log, folder, true)).status };
}

/**
 * Shows what an earlier run saved in the first workspace folder that has results (one dataset is
 * reviewed at a time); a run that finished meanwhile is newer and wins. Says why a file was not used.
 */
async function loadWorkspaceResults(store: ResultsStore, log: vscode.LogOutputChannel): Promise<void> {
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if ((await openSaved(store, log, folder.uri.fsPath, false)).status === 'loaded') return;
  }
}

/** Opens `folder`'s saved results into the store (unless `replace` is false and something is shown already). */
async function openSaved(
  store: ResultsStore,
  log: vscode.LogOutputChannel,
  folder: string,
  replace: boolean,
): Promise<SavedResultsOutcome> {
  const outcome = await readSavedResults(folder);
  if (outcome.status === 'refused') reportRefusedResults(outcome, log);
  if (outcome.status !== 'loaded') return outcome;
  if (replace || !store.latest) {
    store.set(outcome.saved);
    log.info(`opened the saved results of ${folder}: ${outcome.saved.results.count} pairs`);
  } else await outcome.saved.release().catch(() => {});
  return outcome;
}

export function deactivate(): void {
  // Nothing to stop: a running worker notices the host's IPC channel closing and exits.
}
