// "Show skipped files": the files the last run could not use, with why; picking one reveals it.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Skipped } from '../../engine/types';
import type { ExtensionDeps } from '../deps';
import { displayPath, skippedFile } from './skipped-items';

export function registerShowSkippedCommand(deps: ExtensionDeps): vscode.Disposable {
  return vscode.commands.registerCommand('radalign.showSkipped', async () => {
    const scored = deps.sessions.current ? deps.store.get(deps.sessions.current.folder) : deps.store.latest;
    if (!scored) return void vscode.window.showInformationMessage('radalign: nothing scored yet.');
    const { skipped } = scored.results;
    if (!skipped.length) return void vscode.window.showInformationMessage(`radalign: no files were skipped in ${path.basename(scored.folder)}.`);

    const asText = { label: '$(output) Show the whole list as text', skipped: undefined as Skipped | undefined };
    const items = skipped.map((s) => ({ label: path.basename(skippedFile(s.path)), description: displayPath(scored.folder, s.path), detail: s.reason, skipped: s as Skipped | undefined }));
    const picked = await vscode.window.showQuickPick([asText, ...items], {
      title: `${skipped.length} skipped in ${path.basename(scored.folder)}`,
      placeHolder: 'Pick a file to reveal it',
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!picked) return;
    if (!picked.skipped) {
      const text = skipped.map((s) => `${displayPath(scored.folder, s.path)}\n    ${s.reason}`).join('\n');
      const doc = await vscode.workspace.openTextDocument({ content: `Skipped in ${scored.folder}:\n\n${text}\n`, language: 'plaintext' });
      return void vscode.window.showTextDocument(doc, { preview: true });
    }
    const file = skippedFile(picked.skipped.path);
    if (!existsSync(file)) return void vscode.window.showWarningMessage(`radalign: ${file} no longer exists.`);
    const uri = vscode.Uri.file(file);
    await vscode.commands.executeCommand('revealInExplorer', uri);
    await vscode.commands.executeCommand('vscode.open', uri);
  });
}
