// Keeps one ReviewSession for the most recently scored (or reopened) dataset folder, follows new
// results, reloads the review when the review file or the assignment changes on disk (another
// window, another reviewer on a shared folder, a git pull), and says who is reviewing: the
// `radalign.reviewerName` setting, else the git user of the dataset, else the OS user, resolved
// again when the setting changes.
import * as vscode from 'vscode';
import { ASSIGNMENT_FILE } from '../../engine/review/assignment';
import { REVIEW_FILE } from '../../engine/review/review-store';
import { defaultReviewerName, resolveReviewerName } from '../../engine/review/reviewer';
import { notificationText } from '../views/markdown-text';
import type { ResultsStore, ScoredFolder } from '../results-store';
import { configuredReviewerName } from '../settings';
import { Emitter } from './emitter';
import { ReviewSession } from './review-session';

export class SessionManager implements vscode.Disposable {
  private session: ReviewSession | undefined;
  private watcher: vscode.Disposable | undefined;
  private readonly changed = new Emitter<ReviewSession | undefined>();
  /** Fires when the current session is replaced (a different folder was scored or opened). */
  readonly onDidChangeSession = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  /** The identity last written to the log, so it is logged once, and again only when it changes. */
  private logged: string | undefined;
  /** Resolutions of the reviewer name in flight: only the latest one applies. */
  private resolving = 0;

  constructor(
    store: ResultsStore,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions = [
      store.onDidChange((scored) => void this.follow(scored)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('radalign.reviewerName') && this.session) void this.identify(this.session);
      }),
    ];
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

  /** Reads the review file and the assignment again (also done by itself when they change on disk). */
  async reload(): Promise<void> {
    if (this.session) await this.load(this.session);
  }

  private async follow(scored: ScoredFolder): Promise<void> {
    if (this.session?.folder === scored.folder) {
      this.session.setResults(scored.results);
      return;
    }
    this.session?.dispose();
    this.watcher?.dispose();
    const configured = configuredReviewerName();
    const session = new ReviewSession(scored.folder, scored.results, { reviewer: configured || defaultReviewerName() });
    this.session = session;
    await Promise.all([this.load(session), this.identify(session)]);
    const files = [REVIEW_FILE, ASSIGNMENT_FILE].map((f) => f.split(/[\\/]/));
    const pattern = new vscode.RelativePattern(
      vscode.Uri.file(scored.folder),
      `${files[0][0]}/{${files.map((f) => f.slice(1).join('/')).join(',')}}`,
    );
    const w = vscode.workspace.createFileSystemWatcher(pattern);
    const onDisk = () => void this.load(session);
    this.watcher = vscode.Disposable.from(w, w.onDidChange(onDisk), w.onDidCreate(onDisk), w.onDidDelete(onDisk));
    this.changed.fire(session);
  }

  /** Resolves who reviews (setting, git user, OS user) and tells the session; logs the identity once. */
  private async identify(session: ReviewSession): Promise<void> {
    const ticket = ++this.resolving;
    const configured = configuredReviewerName();
    const name = await resolveReviewerName(session.folder, configured);
    if (ticket !== this.resolving || this.session !== session) return;
    session.setReviewer(name);
    const from = configured
      ? 'the radalign.reviewerName setting'
      : name === defaultReviewerName()
        ? 'the OS user; set radalign.reviewerName to choose'
        : 'git user.name';
    const line = `reviewing as "${name}" (from ${from})`;
    if (line !== this.logged) this.log.info(line);
    this.logged = line;
  }

  private async load(session: ReviewSession): Promise<void> {
    try {
      await session.load();
      for (const p of session.problems) this.log.warn(p);
      const unreadable = session.problems.filter((p) => p.startsWith(session.reviewFile));
      if (unreadable.length) {
        void vscode.window.showWarningMessage(
          `radalign: ${unreadable.length} line(s) of ${session.reviewFile} could not be read; they are kept in a copy next to it when the file is next written.`,
        );
      }
      for (const p of session.problems.filter((p) => !p.startsWith(session.reviewFile)))
        void vscode.window.showWarningMessage(`radalign: ${notificationText(p)}`);
    } catch (e) {
      this.log.error((e as Error).message);
      void vscode.window.showErrorMessage(`radalign: ${notificationText((e as Error).message)}`);
    }
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
    this.watcher?.dispose();
    this.session?.dispose();
    this.changed.dispose();
  }
}
