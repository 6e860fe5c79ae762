// The one owner of what is under review: the open results of the most recently scored (or
// reopened) dataset folder and the ReviewSession on them. Results that are replaced (the folder
// was scored again, another folder was opened) are released once the session has moved on: their
// files closed (on Windows an open file cannot be deleted) and a temporary store's folder removed.
// It reloads the review when the review file or the assignment changes on disk (another window,
// another reviewer on a shared folder, a git pull), and says who is reviewing: the
// `radalign.reviewerName` setting, else the git user of the dataset, else the OS user, resolved
// again when the setting changes. Free of `vscode` (its host is: session-host.ts), so the
// lifetimes here are unit-tested in plain Node.
import { describeError } from '../../engine/describe-error';
import { ASSIGNMENT_FILE } from '../../engine/review/assignment';
import { REVIEW_FILE } from '../../engine/review/review-store';
import { defaultReviewerName, resolveReviewerName } from '../../engine/review/reviewer';
import { DisposableValue, type Disposable, type Event } from '../lifecycle';
import { messages } from '../messages';
import type { ScoredFolder } from '../saved-results';
import { Emitter } from './emitter';
import { ReviewSession } from './review-session';

/** What the manager needs from VS Code (session-host.ts), or from a unit test. */
export interface SessionHost {
  readonly log: { info(message: string): void; warn(message: string): void; error(message: string): void };
  /** Notifications (not awaited). */
  showWarning(message: string): void;
  showError(message: string): void;
  /** Calls `onChange` when one of `files` (relative to `folder`) is created, changed or deleted. */
  watch(folder: string, files: readonly string[], onChange: () => void): Disposable;
  /** `radalign.reviewerName` as set, trimmed; '' when not set. */
  configuredReviewer(): string;
  readonly onDidChangeReviewerSetting: Event<void>;
  /** Who reviews `folder` when the setting says nobody: the git user, else the OS user (default: resolveReviewerName). */
  resolveReviewer?(folder: string, configured: string): Promise<string>;
}

export class SessionManager implements Disposable {
  private shown: ScoredFolder | undefined;
  private readonly session = new DisposableValue<ReviewSession>();
  private readonly watcher = new DisposableValue<Disposable>();
  /**
   * Sessions started so far. Following a folder awaits its first read; when another folder was
   * opened meanwhile, what is left of the older follow (the watcher) is not done.
   */
  private generation = 0;
  private disposed = false;
  private readonly changed = new Emitter<ReviewSession | undefined>();
  /** Fires when the session is replaced (another folder was scored or opened): `current` is the new one. */
  readonly onDidChangeSession: Event<ReviewSession | undefined> = this.changed.event;
  private readonly subscriptions: Disposable[];
  /** The identity last written to the log, so it is logged once, and again only when it changes. */
  private logged: string | undefined;
  /** Resolutions of the reviewer name in flight: only the latest one applies. */
  private resolving = 0;

  constructor(private readonly host: SessionHost) {
    this.subscriptions = [
      host.onDidChangeReviewerSetting(() => {
        if (this.current) void this.identify(this.current);
      }),
    ];
  }

  /** The review of the results under review. */
  get current(): ReviewSession | undefined {
    return this.session.value;
  }

  /** The results under review: folder, results file, the open results and the files the run skipped. */
  get scored(): ScoredFolder | undefined {
    return this.shown;
  }

  /**
   * Makes `scored` the results under review (this manager now owns them): the same folder's
   * session moves to them, another folder gets a new session. The results they replace are
   * released after that; so are results given after dispose() (a run that finished as the window closed).
   */
  show(scored: ScoredFolder): void {
    if (this.disposed) return this.release(scored);
    const previous = this.shown;
    this.shown = scored;
    void this.follow(scored);
    if (previous && previous !== scored) this.release(previous);
  }

  /** Reads the review file and the assignment again (also done by itself when they change on disk). */
  async reload(): Promise<void> {
    if (this.current) await this.load(this.current);
  }

  dispose(): void {
    this.disposed = true;
    this.generation++;
    for (const d of this.subscriptions) d.dispose();
    this.watcher.dispose();
    this.session.dispose();
    if (this.shown) this.release(this.shown);
    this.shown = undefined;
    this.changed.dispose();
  }

  private async follow(scored: ScoredFolder): Promise<void> {
    const same = this.current;
    if (same?.folder === scored.folder) {
      same.setResults(scored.results);
      return;
    }
    const generation = ++this.generation;
    this.watcher.value = undefined;
    const configured = this.host.configuredReviewer();
    const session = new ReviewSession(scored.folder, scored.results, { reviewer: configured || defaultReviewerName() });
    this.session.value = session; // the previous session is disposed
    this.changed.fire(session);
    await Promise.all([this.load(session), this.identify(session)]);
    // Another folder was opened meanwhile: its follow watches that one.
    if (generation !== this.generation) return;
    this.watcher.value = this.host.watch(scored.folder, [REVIEW_FILE, ASSIGNMENT_FILE], () => void this.load(session));
  }

  /** Resolves who reviews (setting, git user, OS user) and tells the session; logs the identity once. */
  private async identify(session: ReviewSession): Promise<void> {
    const ticket = ++this.resolving;
    const configured = this.host.configuredReviewer();
    const name = await (this.host.resolveReviewer
      ? this.host.resolveReviewer(session.folder, configured)
      : resolveReviewerName(session.folder, configured));
    if (ticket !== this.resolving || this.current !== session) return;
    session.setReviewer(name);
    const from = configured
      ? 'the radalign.reviewerName setting'
      : name === defaultReviewerName()
        ? 'the OS user; set radalign.reviewerName to choose'
        : 'git user.name';
    const line = `reviewing as "${name}" (from ${from})`;
    if (line !== this.logged) this.host.log.info(line);
    this.logged = line;
  }

  private async load(session: ReviewSession): Promise<void> {
    try {
      await session.load();
      for (const p of session.problems) this.host.log.warn(p);
      const unreadable = session.problems.filter((p) => p.startsWith(session.reviewFile));
      if (unreadable.length)
        this.host.showWarning(messages.unreadableReviewLines(unreadable.length, session.reviewFile));
      for (const p of session.problems.filter((p) => !p.startsWith(session.reviewFile))) this.host.showWarning(p);
    } catch (e) {
      this.host.log.error(describeError(e));
      this.host.showError(describeError(e));
    }
  }

  private release(scored: ScoredFolder): void {
    scored
      .release()
      .catch((e: unknown) =>
        this.host.log.warn(`could not release the results of ${scored.folder}: ${describeError(e)}`),
      );
  }
}
