// "$(checklist) 12 / 40 reviewed · mine 5 / 14 · 2 disagreed · 2 skipped" for the results under
// review (wording: views/status-text.ts); hidden until something is scored; follows the session's
// review and results (its progress is computed once per change); a click opens the review.
import * as vscode from 'vscode';
import { l10n } from './l10n';
import { disposeAll, followSession } from './lifecycle';
import type { SessionManager } from './review/session-manager';
import { statusText } from './views/status-text';

export function createScoredStatusBar(sessions: SessionManager): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('radalign.scored', vscode.StatusBarAlignment.Left, 0);
  item.name = l10n.t('radalign: review status');
  item.command = 'radalign.openReview';

  const update = () => {
    const scored = sessions.scored;
    const session = sessions.current;
    if (!scored || !session) return item.hide();
    const review = { summary: session.progress(), reviewer: session.reviewer };
    const shown = statusText(scored.folder, scored.results, scored.skipped.length, review, scored.resultsFile);
    item.text = shown.text;
    item.tooltip = shown.tooltip;
    item.show();
  };

  const following = followSession(sessions, (session) => {
    update();
    return session && disposeAll(session.onDidChangeReview(update), session.onDidChangeResults(update));
  });
  return vscode.Disposable.from(item, following);
}
