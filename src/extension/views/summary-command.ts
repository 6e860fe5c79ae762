// "Review summary": the team's progress, agreement (Cohen's kappa per two reviewers,
// Krippendorff's alpha) and open disagreements, as a markdown preview of an untitled document
// (nothing is written to disk). Optional argument `{ "open": false }` returns the text only (tests).
import * as vscode from 'vscode';
import type { ReviewSummary } from '../../engine/review/progress';
import { describeError } from '../../engine/describe-error';
import { nothingScored, sessionOrExplain, type Failed } from '../command-outcome';
import type { ExtensionDeps } from '../deps';
import { summaryMarkdown } from './summary-markdown';

export type SummaryOutcome = { status: 'shown' | 'built'; summary: ReviewSummary; markdown: string } | Failed;

export function registerSummaryCommand(deps: ExtensionDeps): vscode.Disposable {
  return vscode.commands.registerCommand(
    'radalign.reviewSummary',
    async (args?: { open?: boolean }): Promise<SummaryOutcome> => {
      const session = sessionOrExplain(deps.sessions);
      if (!session) return nothingScored();
      const summary = session.progress();
      const markdown = summaryMarkdown(summary, { folder: session.folder, reviewer: session.reviewer });
      if (args?.open === false) return { status: 'built', summary, markdown };
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
      try {
        await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
      } catch (e) {
        // No markdown preview (the built-in extension disabled): the document itself, then.
        deps.log.warn(`markdown preview unavailable (${describeError(e)}); showing the summary as text`);
        await vscode.window.showTextDocument(doc);
      }
      return { status: 'shown', summary, markdown };
    },
  );
}
