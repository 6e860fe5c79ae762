// "Filter pairs…", "Clear filter", the "flagged only" toggle and "Show more" of the pairs view.
// Each resolves to the ids now shown (rank order, the first page or more), which keybindings
// ignore and tests check.
import * as vscode from 'vscode';
import { SHOW_MORE_COMMAND, type PairsTreeProvider } from './pairs-tree';

/** Optional argument of radalign.filterPairs: `{ "text": "p10/p1000", "flaggedOnly": true }` skips the input box. */
interface FilterArgs {
  text?: string;
  flaggedOnly?: boolean;
}

export function registerFilterCommands(provider: PairsTreeProvider): vscode.Disposable[] {
  const shown = () => provider.visibleRows().map((r) => r.entry.id);

  const filterPairs = async (args?: FilterArgs): Promise<string[] | undefined> => {
    let text = typeof args?.text === 'string' ? args.text : undefined;
    if (text === undefined) {
      text = await vscode.window.showInputBox({
        title: 'Filter pairs',
        prompt: 'Shows pairs whose id, report or image path, flag reason or note contains this (case-insensitive). Empty: no text filter.',
        value: provider.filter.text,
        placeHolder: 'e.g. case17, s50414267, laterality',
      });
      if (text === undefined) return undefined;
    }
    provider.filter = { text: text.trim(), flaggedOnly: typeof args?.flaggedOnly === 'boolean' ? args.flaggedOnly : provider.filter.flaggedOnly };
    return shown();
  };

  const setFlaggedOnly = (flaggedOnly: boolean) => (): string[] => {
    provider.filter = { ...provider.filter, flaggedOnly };
    return shown();
  };

  return [
    vscode.commands.registerCommand('radalign.filterPairs', filterPairs),
    vscode.commands.registerCommand('radalign.clearFilter', () => {
      provider.filter = { text: '', flaggedOnly: false };
      return shown();
    }),
    vscode.commands.registerCommand('radalign.showFlaggedOnly', setFlaggedOnly(true)),
    vscode.commands.registerCommand('radalign.showAllPairs', setFlaggedOnly(false)),
    vscode.commands.registerCommand(SHOW_MORE_COMMAND, () => provider.showMore()),
  ];
}
