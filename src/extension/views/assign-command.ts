// "Assign pairs…": splits the scored pairs among named reviewers by suspicion rank, a chosen share
// reviewed twice (engine: assignPairs), writes `.radalign/assignment.json`, and says each share's
// size; from then on each reviewer's "next pair awaiting my verdict" walks their own share. Optional argument for
// automation: `{ "reviewers": ["ann", "ben"], "overlap": 0.2 }` skips the input boxes and the
// confirmation before replacing an assignment.
import * as vscode from 'vscode';
import { AssignmentInputError } from '../../engine/review/assignment';
import { fail, nothingScored, sessionOrExplain, type Failed } from '../command-outcome';
import type { ExtensionDeps } from '../deps';
import { l10n } from '../l10n';
import { showInfo } from '../notify';
import { parseOverlap, parseReviewerList, sharesText } from './assign-input';
import { notificationText } from './markdown-text';

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
  | Failed;

interface AssignArgs {
  reviewers?: string[] | string;
  overlap?: number;
}

export function registerAssignCommand(deps: ExtensionDeps): vscode.Disposable {
  return vscode.commands.registerCommand('radalign.assignPairs', async (args?: AssignArgs): Promise<AssignOutcome> => {
    const session = sessionOrExplain(deps.sessions);
    if (!session) return nothingScored();
    let reviewers: string[];
    let overlap: number;
    if (args?.reviewers !== undefined) {
      reviewers = Array.isArray(args.reviewers)
        ? args.reviewers.map(String)
        : parseReviewerList(String(args.reviewers));
      overlap = args.overlap ?? 0;
    } else {
      const known = session.assignment?.reviewers ?? [...new Set([session.reviewer, ...session.review.reviewers()])];
      const title = l10n.t('Assign {0} pairs', session.count);
      const names = await vscode.window.showInputBox({
        title,
        prompt: l10n.t('Reviewers, separated by commas. Each gets an even share of the pairs, most suspicious first.'),
        value: known.join(', '),
        validateInput: (t) => (parseReviewerList(t).length ? undefined : l10n.t('name at least one reviewer')),
      });
      if (names === undefined) return { status: 'cancelled' };
      reviewers = parseReviewerList(names);
      const share = await vscode.window.showInputBox({
        title,
        prompt: l10n.t('Share of the pairs reviewed twice, to measure agreement (e.g. 10% or 0.1; 0 for none).'),
        value: reviewers.length > 1 ? `${Math.round((session.assignment?.overlap ?? 0.1) * 100)}%` : '0',
        validateInput: (t) => (parseOverlap(t) === undefined ? l10n.t('a share between 0 and 100 %') : undefined),
      });
      if (share === undefined) return { status: 'cancelled' };
      overlap = parseOverlap(share)!;
      if (session.assignment) {
        const replaceAction = l10n.t('Replace');
        const replace = await vscode.window.showWarningMessage(
          `radalign: ${l10n.t(
            'replace the assignment of {0} ({1})? Verdicts already given are kept.',
            session.assignment.createdAt,
            notificationText(sharesText(session.assignment)),
          )}`,
          { modal: true },
          replaceAction,
        );
        if (replace !== replaceAction) return { status: 'cancelled' };
      }
    }
    try {
      const { assignment, path } = await session.assign(reviewers, overlap);
      const text = sharesText(assignment);
      deps.log.info(`assigned pairs: ${text} (${path})`);
      if (!args) void showInfo(`${text}.`);
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
      return fail(deps.log, e instanceof AssignmentInputError ? l10n.t('Assign pairs: {0}', e.message) : e);
    }
  });
}
