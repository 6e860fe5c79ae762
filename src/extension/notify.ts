// Notifications, all worded the same way: "radalign: " first, and the text made unable to form
// a link (notificationText: the message may quote a dataset's file names, notes or ids). Callers
// that only inform do not await them: a command must not hang on a toast.
import * as vscode from 'vscode';
import { notificationText } from './views/markdown-text';

type Show = (message: string, ...actions: string[]) => Thenable<string | undefined>;

function shown(show: Show, message: string, actions: string[]): Thenable<string | undefined> {
  return show(`radalign: ${notificationText(message)}`, ...actions);
}

/** Resolves to the action picked, if any. */
export function showInfo(message: string, ...actions: string[]): Thenable<string | undefined> {
  return shown(vscode.window.showInformationMessage, message, actions);
}

export function showWarning(message: string, ...actions: string[]): Thenable<string | undefined> {
  return shown(vscode.window.showWarningMessage, message, actions);
}

export function showError(message: string, ...actions: string[]): Thenable<string | undefined> {
  return shown(vscode.window.showErrorMessage, message, actions);
}

/** A notification with one button, which runs `run` when picked; not awaited. */
export function offer(show: typeof showInfo, message: string, action: string, run: () => unknown): void {
  void show(message, action).then((picked) => {
    if (picked === action) void run();
  });
}
