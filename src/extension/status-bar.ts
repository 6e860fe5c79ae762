// "radalign: N scored" for the most recently scored folder; hidden until something is scored.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ResultsStore, ScoredFolder } from './results-store';

export function createScoredStatusBar(store: ResultsStore): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('radalign.scored', vscode.StatusBarAlignment.Left, 0);
  item.name = 'radalign: scored pairs';
  const show = (scored: ScoredFolder) => {
    const { pairs, skipped } = scored.results;
    item.text = `radalign: ${pairs.length} scored`;
    item.tooltip = `${pairs.length} pairs scored in ${path.basename(scored.folder)}` + (skipped.length ? `, ${skipped.length} files skipped` : '') + `\n${scored.resultsFile}`;
    item.show();
  };
  const latest = store.latest;
  if (latest) show(latest);
  return vscode.Disposable.from(item, store.onDidChange(show));
}
