// Says why a folder's saved results were not shown (a planted link, a file from another radalign
// version, a field that fails validation), and offers to score the folder again, which rewrites it.
import * as vscode from 'vscode';
import { l10n } from '../l10n';
import { offer, showWarning } from '../notify';
import type { SavedResultsOutcome } from '../saved-results';

export function reportRefusedResults(
  refused: Extract<SavedResultsOutcome, { status: 'refused' }>,
  log: vscode.LogOutputChannel,
): void {
  log.warn(`saved results not used: ${refused.problem}`);
  // The problem quotes values from the file: showWarning keeps any link from forming from them.
  offer(showWarning, l10n.t('saved results not used: {0}', refused.problem), l10n.t('Score again'), () =>
    vscode.commands.executeCommand('radalign.scorePairs', vscode.Uri.file(refused.folder)),
  );
}
