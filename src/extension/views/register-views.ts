// The pairs tree view, review commands (flags, verdicts, adjudication, assignment, summary, exports)
// and inline report decorations, code lenses and hovers.
// Everything here observes the one ReviewSession (deps.sessions.current), so selection, verdicts and flags
// agree with the review panel. Outside production, a command hands integration tests the pairs
// view and its provider (as register-panel.ts does for the panel).
import * as vscode from 'vscode';
import type { ExtensionDeps } from '../deps';
import { registerAssignCommand } from './assign-command';
import { registerExportCleanCommand } from './export-clean-command';
import { registerExportCommand } from './export-command';
import { registerFilterCommands } from './filter-commands';
import { registerFlagCommands } from './flag-commands';
import { registerNavigationCommands } from './navigation-commands';
import { createPairsView, PairsTreeProvider } from './pairs-tree';
import { ReportDecorations } from './report-decorations';
import { ReportHoverProvider } from './report-hover';
import { ReportLensProvider } from './report-lens';
import { registerSelectModelCommand } from './select-model-command';
import { registerShowSkippedCommand } from './show-skipped-command';
import { registerSummaryCommand } from './summary-command';
import { registerVerdictCommands } from './verdict-commands';

/** Reports are plain files of any language (.txt, .md): the providers answer only for scored ones. */
const REPORT_FILES: vscode.DocumentSelector = { scheme: 'file' };

/** Not contributed in package.json: only callable by `executeCommand`, and only in development and test runs. */
export const PAIRS_VIEW_TEST_HOOK_COMMAND = 'radalign.internal.pairsView';

export function registerReviewViews(deps: ExtensionDeps): vscode.Disposable[] {
  const tree = new PairsTreeProvider(deps.sessions);
  const lenses = new ReportLensProvider(deps.sessions);
  const pairsView = createPairsView(deps.sessions, tree);
  const testHook =
    deps.context.extensionMode !== vscode.ExtensionMode.Production
      ? [
          vscode.commands.registerCommand(PAIRS_VIEW_TEST_HOOK_COMMAND, () => ({
            provider: tree,
            view: pairsView.view,
          })),
        ]
      : [];
  return [
    tree,
    pairsView,
    ...testHook,
    ...registerFilterCommands(tree),
    ...registerNavigationCommands(deps),
    ...registerFlagCommands(deps),
    ...registerVerdictCommands(deps),
    registerAssignCommand(deps),
    registerSummaryCommand(deps),
    registerExportCleanCommand(deps),
    registerExportCommand(deps),
    registerSelectModelCommand(deps),
    registerShowSkippedCommand(deps),
    new ReportDecorations(deps.sessions),
    lenses,
    vscode.languages.registerCodeLensProvider(REPORT_FILES, lenses),
    vscode.languages.registerHoverProvider(REPORT_FILES, new ReportHoverProvider(deps.sessions)),
  ];
}
