// A minimal event emitter shaped like vscode.Event (its Event and Disposable types: lifecycle.ts),
// so session logic stays free of `vscode` and runs in plain-Node unit tests.
import type { Disposable, Event } from '../lifecycle';

export type { Event } from '../lifecycle';
export type Listener<T> = (value: T) => void;

export class Emitter<T> {
  private listeners = new Set<Listener<T>>();

  readonly event: Event<T> = (listener): Disposable => {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const l of [...this.listeners]) l(value);
  }

  dispose(): void {
    this.listeners.clear();
  }
}
