// "Show skipped files": the files the last run could not use, with why; picking one reveals it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Skipped } from '../../engine/types';
import type { ExtensionDeps } from '../deps';
import { l10n } from '../l10n';
import { messages } from '../messages';
import { showInfo, showWarning } from '../notify';
import { datasetFile } from '../panel/dataset-files';
import { escapeIcons } from './markdown-text';
import { displayPath, skippedFile } from './skipped-items';

export function registerShowSkippedCommand(deps: ExtensionDeps): vscode.Disposable {
  return vscode.commands.registerCommand('radalign.showSkipped', async () => {
    const scored = deps.sessions.scored;
    if (!scored) return void showInfo(messages.nothingScored());
    const { skipped } = scored;
    const name = path.basename(scored.folder);
    if (!skipped.length) return void showInfo(l10n.t('no files were skipped in {0}.', name));

    const asText = {
      label: l10n.t('$(output) Show the whole list as text'),
      skipped: undefined as Skipped | undefined,
    };
    // Quick pick text renders `$(icon)`: dataset text is escaped.
    const items = skipped.map((s) => ({
      label: escapeIcons(path.basename(skippedFile(s.path))),
      description: escapeIcons(displayPath(scored.folder, s.path)),
      detail: escapeIcons(s.reason),
      skipped: s as Skipped | undefined,
    }));
    const picked = await vscode.window.showQuickPick([asText, ...items], {
      title: l10n.t('{0} skipped in {1}', skipped.length, name),
      placeHolder: l10n.t('Pick a file to reveal it'),
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!picked) return;
    if (!picked.skipped) {
      const text = skipped.map((s) => `${displayPath(scored.folder, s.path)}\n    ${s.reason}`).join('\n');
      const doc = await vscode.workspace.openTextDocument({
        content: `${l10n.t('Skipped in {0}:', scored.folder)}\n\n${text}\n`,
        language: 'plaintext',
      });
      return void vscode.window.showTextDocument(doc, { preview: true });
    }
    // The path comes from the results file: opened only when the dataset path gate lets it through.
    const file = await datasetFile(scored.folder, skippedFile(picked.skipped.path));
    if (!file.ok) return void showWarning(l10n.t('not opened: {0}', file.reason));
    const uri = vscode.Uri.file(file.path);
    await vscode.commands.executeCommand('revealInExplorer', uri);
    await vscode.commands.executeCommand('vscode.open', uri);
  });
}
