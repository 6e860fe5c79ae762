// The review panel (webview): registered here, built in this folder.
import type * as vscode from 'vscode';
import type { ExtensionDeps } from '../deps';

export function registerReviewPanel(_deps: ExtensionDeps): vscode.Disposable[] {
  return [];
}
