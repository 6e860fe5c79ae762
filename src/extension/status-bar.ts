// "$(checklist) 12 / 40 reviewed · mine 5 / 14 · 2 disagreed · 2 skipped" for the most recently
// scored folder (wording: views/status-text.ts); hidden until something is scored; follows review
// changes (the session's progress is computed once per change); a click opens the review.
import * as vscode from 'vscode';
import type { ResultsStore } from './results-store';
import type { ReviewSession } from './review/review-session';
import type { SessionManager } from './review/session-manager';
import { statusText } from './views/status-text';

export function createScoredStatusBar(store: ResultsStore, sessions?: SessionManager): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('radalign.scored', vscode.StatusBarAlignment.Left, 0);
  item.name = 'radalign: review status';
  item.command = 'radalign.openReview';

  const update = () => {
    const scored = store.latest;
    if (!scored) return item.hide();
    const session = sessions?.current?.folder === scored.folder ? sessions.current : undefined;
    const review = session ? { summary: session.progress(), reviewer: session.reviewer } : undefined;
    const shown = statusText(scored.folder, scored.results, scored.skipped.length, review, scored.resultsFile);
    item.text = shown.text;
    item.tooltip = shown.tooltip;
    item.show();
  };

  let sessionEvents: vscode.Disposable | undefined;
  const follow = (session: ReviewSession | undefined) => {
    sessionEvents?.dispose();
    sessionEvents = session
      ? vscode.Disposable.from(session.onDidChangeReview(update), session.onDidChangeResults(update))
      : undefined;
    update();
  };
  follow(sessions?.current);

  return vscode.Disposable.from(
    item,
    store.onDidChange(update),
    ...(sessions ? [sessions.onDidChangeSession(follow)] : []),
    { dispose: () => sessionEvents?.dispose() },
  );
}
