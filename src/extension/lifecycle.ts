// Lifetimes the extension would otherwise keep by hand: a value that is disposed when it is
// replaced and when its holder is (the review session, the watcher of the reviewed folder), and
// "follow the current session" (subscribe to the session in use, let go of it when another
// replaces it, let go of everything on dispose), which the status bar, the pairs view, the
// report decorations and the code lenses all need. Free of `vscode`: its Disposable and Event fit
// these shapes, and so do the review session's own emitters.

export interface Disposable {
  dispose(): void;
}

export type Event<T> = (listener: (value: T) => void) => Disposable;

/** Holds at most one disposable value: the one it replaces is disposed, and so is the last one on dispose(). */
export class DisposableValue<T extends Disposable> implements Disposable {
  private held: T | undefined;
  private disposed = false;

  get value(): T | undefined {
    return this.held;
  }

  /** Replaces the value, disposing the previous one; after dispose() the new value is disposed at once. */
  set value(next: T | undefined) {
    if (this.disposed) {
      next?.dispose();
      return;
    }
    const previous = this.held;
    this.held = next;
    if (previous !== next) previous?.dispose();
  }

  dispose(): void {
    this.disposed = true;
    const held = this.held;
    this.held = undefined;
    held?.dispose();
  }
}

/** One disposable for several: disposes each, in order. */
export function disposeAll(...items: readonly (Disposable | undefined)[]): Disposable {
  return {
    dispose: () => {
      for (const item of items) item?.dispose();
    },
  };
}

/** The current session and its replacements (SessionManager fits). */
export interface SessionSource<S> {
  readonly current: S | undefined;
  readonly onDidChangeSession: Event<S | undefined>;
}

/**
 * Calls `attach` with the current session now, and again with each session that replaces it
 * (undefined: none). What `attach` returns (its subscriptions to that session) is disposed before
 * the next session is attached, and when the returned disposable is.
 */
export function followSession<S>(
  source: SessionSource<S>,
  attach: (session: S | undefined) => Disposable | undefined,
): Disposable {
  const attached = new DisposableValue<Disposable>();
  const follow = (session: S | undefined) => {
    attached.value = undefined;
    attached.value = attach(session);
  };
  const replaced = source.onDidChangeSession(follow);
  follow(source.current);
  return disposeAll(replaced, attached);
}
