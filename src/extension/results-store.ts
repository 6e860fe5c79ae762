// The saved results of the dataset under review, kept open for the views: the index (ids, ranks,
// scores, file names) in memory, pairs read from disk when a view asks for one. A dataset may
// hold 227,000 pairs, so nothing here ever holds them all. Results that are replaced (the folder
// was scored again, another folder was opened) are released: their files closed (on Windows an
// open file cannot be deleted) and a temporary store's folder removed.
import * as vscode from 'vscode';
import type { SavedResults } from '../engine/store/results-file';
import type { Skipped } from '../engine/types';

export interface ScoredFolder {
  /** Absolute dataset folder. */
  folder: string;
  /** Where these results were saved (`<folder>/.radalign/results.json`), or would have been when saving was refused. */
  resultsFile: string;
  /** The saved results, open: read pairs through them while they are current. */
  results: SavedResults;
  /** Files the run could not use, with why (a short list, read when the results were opened). */
  skipped: Skipped[];
  /** Closes the results' files and removes a temporary store; the ResultsStore calls it once they are replaced. */
  release(): Promise<void>;
}

export class ResultsStore implements vscode.Disposable {
  private current: ScoredFolder | undefined;
  private disposed = false;
  private readonly changed = new vscode.EventEmitter<ScoredFolder>();
  /** Fires after the results were replaced (listeners switch to them before the old ones are released). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly onReleaseError: (message: string) => void = () => {}) {}

  /** Makes `scored` the results under review; the previous ones (any folder) are released after listeners have switched. */
  set(scored: ScoredFolder): void {
    if (this.disposed) return this.release(scored); // a run that finished as the window closed
    const previous = this.current;
    this.current = scored;
    this.changed.fire(scored);
    if (previous && previous !== scored) this.release(previous);
  }

  /** The results of `folder`, when it is the folder under review. */
  get(folder: string): ScoredFolder | undefined {
    return this.current?.folder === folder ? this.current : undefined;
  }

  /** The most recently scored or opened folder's results. */
  get latest(): ScoredFolder | undefined {
    return this.current;
  }

  dispose(): void {
    this.disposed = true;
    if (this.current) this.release(this.current);
    this.current = undefined;
    this.changed.dispose();
  }

  private release(scored: ScoredFolder): void {
    scored
      .release()
      .catch((e: unknown) =>
        this.onReleaseError(
          `could not release the results of ${scored.folder}: ${e instanceof Error ? e.message : String(e)}`,
        ),
      );
  }
}
