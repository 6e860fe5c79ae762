// What the extension's feature modules receive from activate(): one results store, one review
// session manager, one log. Each feature registers its own commands and views.
import type * as vscode from 'vscode';
import type { ResultsStore } from './results-store';
import type { SessionManager } from './review/session-manager';

export interface ExtensionDeps {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  store: ResultsStore;
  sessions: SessionManager;
}
