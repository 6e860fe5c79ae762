// Says why a folder's saved results were not shown (a planted link, a file from another radalign
// version, a field that fails validation), and offers to score the folder again, which rewrites it.
import * as vscode from 'vscode';
import type { SavedResultsOutcome } from '../saved-results';
import { notificationText } from './markdown-text';

export function reportRefusedResults(
  refused: Extract<SavedResultsOutcome, { status: 'refused' }>,
  log: vscode.LogOutputChannel,
): void {
  log.warn(`saved results not used: ${refused.problem}`);
  // The problem quotes values from the file: no link may form from them in the notification.
  void vscode.window
    .showWarningMessage(`radalign: saved results not used: ${notificationText(refused.problem)}`, 'Score again')
    .then((picked) => {
      if (picked) void vscode.commands.executeCommand('radalign.scorePairs', vscode.Uri.file(refused.folder));
    });
}
