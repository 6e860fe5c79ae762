// Keeps one ReviewSession for the most recently scored (or reopened) dataset folder, follows new
// results, and reloads flags when the review file changes on disk (another window, a git pull).
import * as vscode from 'vscode';
import { REVIEW_FILE } from '../../engine/review';
import { notificationText } from '../views/markdown-text';
import type { ResultsStore, ScoredFolder } from '../results-store';
import { Emitter } from './emitter';
import { ReviewSession } from './review-session';

export class SessionManager implements vscode.Disposable {
  private session: ReviewSession | undefined;
  private watcher: vscode.Disposable | undefined;
  private readonly changed = new Emitter<ReviewSession | undefined>();
  /** Fires when the current session is replaced (a different folder was scored or opened). */
  readonly onDidChangeSession = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    store: ResultsStore,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = store.onDidChange((scored) => void this.follow(scored));
    if (store.latest) void this.follow(store.latest);
  }

  get current(): ReviewSession | undefined {
    return this.session;
  }

  /** The current session, or an error message for the user when nothing is scored yet. */
  require(): ReviewSession {
    if (!this.session) throw new Error('nothing scored yet: run "radalign: Score pairs" first');
    return this.session;
  }

  private async follow(scored: ScoredFolder): Promise<void> {
    if (this.session?.folder === scored.folder) {
      this.session.setResults(scored.results);
      return;
    }
    this.session?.dispose();
    this.watcher?.dispose();
    const session = new ReviewSession(scored.folder, scored.results);
    this.session = session;
    await this.reload(session);
    const pattern = new vscode.RelativePattern(vscode.Uri.file(scored.folder), REVIEW_FILE.split(/[\\/]/).join('/'));
    const w = vscode.workspace.createFileSystemWatcher(pattern);
    const onDisk = () => void this.reload(session);
    this.watcher = vscode.Disposable.from(w, w.onDidChange(onDisk), w.onDidCreate(onDisk), w.onDidDelete(onDisk));
    this.changed.fire(session);
  }

  private async reload(session: ReviewSession): Promise<void> {
    try {
      await session.loadFlags();
      for (const p of session.reviewFileProblems) this.log.warn(p);
      if (session.reviewFileProblems.length) {
        void vscode.window.showWarningMessage(
          `radalign: ${session.reviewFileProblems.length} line(s) of ${session.reviewFile} could not be read; they are kept in a copy next to it when the file is next written.`,
        );
      }
    } catch (e) {
      this.log.error((e as Error).message);
      void vscode.window.showErrorMessage(`radalign: ${notificationText((e as Error).message)}`);
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.watcher?.dispose();
    this.session?.dispose();
    this.changed.dispose();
  }
}
