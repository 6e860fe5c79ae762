// Extension entry point: wires the commands, the session manager (the one owner of the results
// under review and their review session) and the status bar. The engine itself never runs here:
// scoring happens in a forked worker (score-worker.ts).
import * as vscode from 'vscode';
import type { ExtensionDeps } from './deps';
import { useTranslation } from './l10n';
import { registerReviewPanel } from './panel/register-panel';
import { vscodeSessionHost } from './review/session-host';
import { SessionManager } from './review/session-manager';
import { readSavedResults, type SavedResultsOutcome } from './saved-results';
import { createScorePairsCommand } from './score-pairs-command';
import { createScoredStatusBar } from './status-bar';
import { registerReviewViews } from './views/register-views';
import { reportRefusedResults } from './views/saved-results-notice';

/** What `activate` returns to other extensions and to the integration tests. */
export interface RadalignApi {
  /** The results under review (`scored`) and their review session (`current`). */
  readonly sessions: SessionManager;
  /**
   * Opens the saved results of a dataset folder (`.radalign/results.json`) and reviews them, as
   * activation does for a workspace folder; a refused file is reported and not used.
   */
  openSaved(folder: string): Promise<SavedResultsOutcome['status']>;
}

export function activate(context: vscode.ExtensionContext): RadalignApi {
  useTranslation(vscode.l10n.t);
  const log = vscode.window.createOutputChannel('radalign', { log: true });
  const sessions = new SessionManager(vscodeSessionHost(log));
  const scorePairs = createScorePairsCommand({
    extensionPath: context.extensionPath,
    workerScript: vscode.Uri.joinPath(context.extensionUri, 'dist', 'score-worker.js').fsPath,
    sessions,
    log,
  });
  const deps: ExtensionDeps = { context, log, sessions };
  context.subscriptions.push(
    log,
    sessions,
    createScoredStatusBar(sessions),
    vscode.commands.registerCommand('radalign.scorePairs', scorePairs),
    ...registerReviewPanel(deps),
    ...registerReviewViews(deps),
  );
  void loadWorkspaceResults(sessions, log);
  return { sessions, openSaved: async (folder) => (await openSaved(sessions, log, folder, true)).status };
}

/**
 * Shows what an earlier run saved in the first workspace folder that has results (one dataset is
 * reviewed at a time); a run that finished meanwhile is newer and wins. Says why a file was not used.
 */
async function loadWorkspaceResults(sessions: SessionManager, log: vscode.LogOutputChannel): Promise<void> {
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if ((await openSaved(sessions, log, folder.uri.fsPath, false)).status === 'loaded') return;
  }
}

/** Opens `folder`'s saved results for review (unless `replace` is false and something is shown already). */
async function openSaved(
  sessions: SessionManager,
  log: vscode.LogOutputChannel,
  folder: string,
  replace: boolean,
): Promise<SavedResultsOutcome> {
  const outcome = await readSavedResults(folder);
  if (outcome.status === 'refused') reportRefusedResults(outcome, log);
  if (outcome.status !== 'loaded') return outcome;
  if (replace || !sessions.scored) {
    sessions.show(outcome.saved);
    log.info(`opened the saved results of ${folder}: ${outcome.saved.results.count} pairs`);
  } else await outcome.saved.release().catch(() => {});
  return outcome;
}

export function deactivate(): void {
  // Nothing to stop: a running worker notices the host's IPC channel closing and exits.
}
