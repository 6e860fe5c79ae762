// The review panel (webview): its command, the serializer that brings it back after a window
// reload, and (outside production) a command through which integration tests reach the controller.
import * as vscode from 'vscode';
import { REVIEW_PANEL_VIEW_TYPE } from '../../protocol/review-panel-protocol';
import type { ExtensionDeps } from '../deps';
import { ReviewPanelController } from './review-panel-controller';

/** Not contributed in package.json: only callable by `executeCommand`, and only in development and test runs. */
export const PANEL_TEST_HOOK_COMMAND = 'radalign.internal.reviewPanelController';

export function registerReviewPanel(deps: ExtensionDeps): vscode.Disposable[] {
  const controller = new ReviewPanelController(deps);
  const disposables: vscode.Disposable[] = [
    controller,
    vscode.commands.registerCommand('radalign.openReview', () => void controller.openReview()),
    vscode.window.registerWebviewPanelSerializer(REVIEW_PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => void controller.restore(panel, state),
    }),
  ];
  if (deps.context.extensionMode !== vscode.ExtensionMode.Production) {
    disposables.push(vscode.commands.registerCommand(PANEL_TEST_HOOK_COMMAND, () => controller));
  }
  return disposables;
}
