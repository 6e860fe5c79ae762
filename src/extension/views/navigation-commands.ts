// Moving through pairs (rank order; "next unreviewed": the next pair awaiting my verdict, in my
// share when pairs are assigned) and opening the review panel on a pair or sentence.
import * as vscode from 'vscode';
import type { ExtensionDeps } from '../deps';
import type { PairNode } from './pairs-tree';
import { openReview, sessionOrExplain } from './review-target';

export function registerNavigationCommands(deps: ExtensionDeps): vscode.Disposable[] {
  const { sessions, log } = deps;

  /** Runs a move on the session, opens the panel on the result; resolves to the selected pair id. */
  const moving =
    (
      move: (s: NonNullable<typeof sessions.current>) => { id: string } | undefined,
      noneLeft: string | (() => string),
    ) =>
    async (): Promise<string | undefined> => {
      const session = sessionOrExplain(sessions);
      if (!session) return undefined;
      const pair = move(session);
      if (!pair) {
        void vscode.window.showInformationMessage(`radalign: ${typeof noneLeft === 'string' ? noneLeft : noneLeft()}`);
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

  return [
    vscode.commands.registerCommand(
      'radalign.nextPair',
      moving((s) => s.move(1), 'no pairs scored.'),
    ),
    vscode.commands.registerCommand(
      'radalign.previousPair',
      moving((s) => s.move(-1), 'no pairs scored.'),
    ),
    vscode.commands.registerCommand(
      'radalign.nextUnreviewedPair',
      moving(
        (s) => s.moveToUnreviewed(1),
        () => {
          const s = sessions.current;
          return s?.myShare()
            ? `no pair after this one in ${s.reviewer}'s share awaits a verdict.`
            : `no pair after this one awaits a verdict of ${s?.reviewer ?? 'yours'}.`;
        },
      ),
    ),
    vscode.commands.registerCommand('radalign.openPair', openPair),
    vscode.commands.registerCommand('radalign.showSentence', openPair),
  ];
}
