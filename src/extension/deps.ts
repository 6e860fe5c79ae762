// What the extension's feature modules receive from activate(): the session manager (the results
// under review and their review session) and one log. Each feature registers its own commands and views.
import type * as vscode from 'vscode';
import type { SessionManager } from './review/session-manager';

export interface ExtensionDeps {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  sessions: SessionManager;
}
