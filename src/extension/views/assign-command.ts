// "Assign pairs…": splits the scored pairs among named reviewers by suspicion rank, a chosen share
// reviewed twice (engine: assignPairs), writes `.radalign/assignment.json`, and says each share's
// size; from then on each reviewer's "next unreviewed" walks their own share. Optional argument for
// automation: `{ "reviewers": ["ann", "ben"], "overlap": 0.2 }` skips the input boxes and the
// confirmation before replacing an assignment.
import * as vscode from 'vscode';
import { AssignmentInputError } from '../../engine/review/assignment';
import type { ExtensionDeps } from '../deps';
import { parseOverlap, parseReviewerList, sharesText } from './assign-input';
import { notificationText } from './markdown-text';
import { sessionOrExplain } from './review-target';

export type AssignOutcome =
  | {
      status: 'assigned';
      path: string;
      reviewers: string[];
      overlap: number;
      shares: Record<string, number>;
      twice: number;
    }
  | { status: 'cancelled' }
  | { status: 'failed'; message: string };

interface AssignArgs {
  reviewers?: string[] | string;
  overlap?: number;
}

export function registerAssignCommand(deps: ExtensionDeps): vscode.Disposable {
  return vscode.commands.registerCommand('radalign.assignPairs', async (args?: AssignArgs): Promise<AssignOutcome> => {
    const session = sessionOrExplain(deps.sessions);
    if (!session) return { status: 'failed', message: 'nothing scored yet' };
    let reviewers: string[];
    let overlap: number;
    if (args?.reviewers !== undefined) {
      reviewers = Array.isArray(args.reviewers)
        ? args.reviewers.map(String)
        : parseReviewerList(String(args.reviewers));
      overlap = args.overlap ?? 0;
    } else {
      const known = session.assignment?.reviewers ?? [...new Set([session.reviewer, ...session.review.reviewers()])];
      const names = await vscode.window.showInputBox({
        title: `Assign ${session.count} pairs`,
        prompt: 'Reviewers, separated by commas. Each gets an even share of the pairs, most suspicious first.',
        value: known.join(', '),
        validateInput: (t) => (parseReviewerList(t).length ? undefined : 'name at least one reviewer'),
      });
      if (names === undefined) return { status: 'cancelled' };
      reviewers = parseReviewerList(names);
      const share = await vscode.window.showInputBox({
        title: `Assign ${session.count} pairs`,
        prompt: 'Share of the pairs reviewed twice, to measure agreement (e.g. 10% or 0.1; 0 for none).',
        value: reviewers.length > 1 ? `${Math.round((session.assignment?.overlap ?? 0.1) * 100)}%` : '0',
        validateInput: (t) => (parseOverlap(t) === undefined ? 'a share between 0 and 100 %' : undefined),
      });
      if (share === undefined) return { status: 'cancelled' };
      overlap = parseOverlap(share)!;
      if (session.assignment) {
        const replace = await vscode.window.showWarningMessage(
          `radalign: replace the assignment of ${session.assignment.createdAt} (${notificationText(sharesText(session.assignment))})? Verdicts already given are kept.`,
          { modal: true },
          'Replace',
        );
        if (replace !== 'Replace') return { status: 'cancelled' };
      }
    }
    try {
      const { assignment, path } = await session.assign(reviewers, overlap);
      const text = sharesText(assignment);
      deps.log.info(`assigned pairs: ${text} (${path})`);
      if (!args) void vscode.window.showInformationMessage(`radalign: ${notificationText(text)}.`);
      const shares = Object.fromEntries(assignment.reviewers.map((r) => [r, assignment.shares[r]?.length ?? 0]));
      const total = Object.values(shares).reduce((a, b) => a + b, 0);
      return {
        status: 'assigned',
        path,
        reviewers: assignment.reviewers,
        overlap: assignment.overlap,
        shares,
        twice: total - new Set(Object.values(assignment.shares).flat()).size,
      };
    } catch (e) {
      const message = e instanceof AssignmentInputError ? `Assign pairs: ${e.message}` : (e as Error).message;
      deps.log.error(message);
      void vscode.window.showErrorMessage(`radalign: ${notificationText(message)}`);
      return { status: 'failed', message };
    }
  });
}
