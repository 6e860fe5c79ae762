// The folder "Score pairs" works on: the one it was invoked on (explorer), the only workspace
// folder, or one the user picks (several open, or none).
import * as vscode from 'vscode';
import { l10n } from './l10n';
import { messages } from './messages';

export async function pickDatasetFolder(invokedOn?: vscode.Uri): Promise<vscode.Uri | undefined> {
  if (invokedOn instanceof vscode.Uri) return invokedOn;
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 1) return folders[0].uri;
  if (folders.length > 1) {
    const picked = await vscode.window.showWorkspaceFolderPick({ placeHolder: l10n.t('Dataset folder to score') });
    if (picked) return picked.uri;
    return undefined;
  }
  const chosen = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: messages.scorePairsAction(),
    title: l10n.t('radalign: dataset folder to score'),
  });
  return chosen?.[0];
}
