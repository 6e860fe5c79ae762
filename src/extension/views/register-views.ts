// The pairs tree view, review commands, status bar and inline report decorations.
import type * as vscode from 'vscode';
import type { ExtensionDeps } from '../deps';

export function registerReviewViews(_deps: ExtensionDeps): vscode.Disposable[] {
  return [];
}
