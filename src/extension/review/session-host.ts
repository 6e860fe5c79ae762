// The SessionManager's host in VS Code: the log, notifications, a file watcher on the reviewed
// folder, and the `radalign.reviewerName` setting.
import * as vscode from 'vscode';
import { configuredReviewerName } from '../settings';
import { showError, showWarning } from '../notify';
import type { SessionHost } from './session-manager';

export function vscodeSessionHost(log: vscode.LogOutputChannel): SessionHost {
  return {
    log,
    showWarning: (message) => void showWarning(message),
    showError: (message) => void showError(message),
    watch: (folder, files, onChange) => {
      const w = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(vscode.Uri.file(folder), glob(files)),
      );
      return vscode.Disposable.from(w, w.onDidChange(onChange), w.onDidCreate(onChange), w.onDidDelete(onChange));
    },
    configuredReviewer: configuredReviewerName,
    onDidChangeReviewerSetting: (listener) =>
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('radalign.reviewerName')) listener();
      }),
  };
}

/** `.radalign/{review.jsonl,assignment.json}`: files of one folder in one pattern (else each in braces). */
function glob(files: readonly string[]): string {
  const parts = files.map((f) => f.split(/[\\/]/));
  const dir = parts[0]!.slice(0, -1).join('/');
  return parts.every((p) => p.slice(0, -1).join('/') === dir)
    ? `${dir ? `${dir}/` : ''}{${parts.map((p) => p.at(-1)).join(',')}}`
    : `{${parts.map((p) => p.join('/')).join(',')}}`;
}
