// Moving through pairs (rank order; "next awaiting my verdict", in my share when pairs are
// assigned) and opening the review panel on a pair or sentence.
import * as vscode from 'vscode';
import { sessionOrExplain } from '../command-outcome';
import type { ExtensionDeps } from '../deps';
import { l10n } from '../l10n';
import { showInfo } from '../notify';
import type { ReviewSession } from '../review/review-session';
import type { PairNode } from './pairs-tree';
import { openReview } from './review-target';

export function registerNavigationCommands(deps: ExtensionDeps): vscode.Disposable[] {
  const { sessions, log } = deps;

  /** Runs a move on the session, opens the panel on the result; resolves to the selected pair id. */
  const moving =
    (move: (s: ReviewSession) => { id: string } | undefined, noneLeft: (s: ReviewSession) => string) =>
    async (): Promise<string | undefined> => {
      const session = sessionOrExplain(sessions);
      if (!session) return undefined;
      const pair = move(session);
      if (!pair) {
        void showInfo(noneLeft(session));
        return undefined;
      }
      await openReview(log);
      return pair.id;
    };

  /** Selects a pair (and sentence) in the session, then opens the panel: the tree's click, code lenses, hovers. */
  const openPair = async (node?: Partial<PairNode>): Promise<void> => {
    const session = sessionOrExplain(sessions);
    if (!session || typeof node?.pairId !== 'string' || !session.has(node.pairId)) return;
    session.select(node.pairId, typeof node.sentence === 'number' ? node.sentence : null);
    await openReview(log);
  };

  const noPairs = () => l10n.t('no pairs scored.');
  return [
    vscode.commands.registerCommand(
      'radalign.nextPair',
      moving((s) => s.move(1), noPairs),
    ),
    vscode.commands.registerCommand(
      'radalign.previousPair',
      moving((s) => s.move(-1), noPairs),
    ),
    vscode.commands.registerCommand(
      'radalign.nextUnreviewedPair',
      moving(
        (s) => s.moveToAwaitingMyVerdict(1),
        (s) =>
          s.myShare()
            ? l10n.t("no pair after this one in {0}'s share awaits a verdict.", s.reviewer)
            : l10n.t('no pair after this one awaits a verdict of {0}.', s.reviewer),
      ),
    ),
    vscode.commands.registerCommand('radalign.openPair', openPair),
    vscode.commands.registerCommand('radalign.showSentence', openPair),
  ];
}
