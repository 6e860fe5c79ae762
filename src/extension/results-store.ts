// The latest results per dataset folder, kept in memory for the views that display them.
import * as vscode from 'vscode';
import type { ScoreResults } from '../engine';

export interface ScoredFolder {
  /** Absolute dataset folder. */
  folder: string;
  /** Where these results were written (`<folder>/.radalign/results.json`). */
  resultsFile: string;
  results: ScoreResults;
}

export class ResultsStore implements vscode.Disposable {
  private readonly byFolder = new Map<string, ScoredFolder>();
  private latestFolder: string | undefined;
  private readonly changed = new vscode.EventEmitter<ScoredFolder>();
  /** Fires after a folder's results were replaced. */
  readonly onDidChange = this.changed.event;

  set(scored: ScoredFolder): void {
    this.byFolder.set(scored.folder, scored);
    this.latestFolder = scored.folder;
    this.changed.fire(scored);
  }

  get(folder: string): ScoredFolder | undefined {
    return this.byFolder.get(folder);
  }

  /** The most recently scored folder's results. */
  get latest(): ScoredFolder | undefined {
    return this.latestFolder === undefined ? undefined : this.byFolder.get(this.latestFolder);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
