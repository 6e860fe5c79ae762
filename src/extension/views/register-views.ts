// The pairs tree view, review commands and inline report decorations, code lenses and hovers.
// Everything here observes the one ReviewSession (deps.sessions.current), so selection and flags
// agree with the review panel.
import * as vscode from 'vscode';
import type { ExtensionDeps } from '../deps';
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

/** Reports are plain files of any language (.txt, .md): the providers answer only for scored ones. */
const REPORT_FILES: vscode.DocumentSelector = { scheme: 'file' };

export function registerReviewViews(deps: ExtensionDeps): vscode.Disposable[] {
  const tree = new PairsTreeProvider(deps.sessions);
  const lenses = new ReportLensProvider(deps.sessions);
  return [
    tree,
    createPairsView(deps.sessions, tree),
    ...registerFilterCommands(tree),
    ...registerNavigationCommands(deps),
    ...registerFlagCommands(deps),
    registerExportCommand(deps),
    registerSelectModelCommand(deps),
    registerShowSkippedCommand(deps),
    new ReportDecorations(deps.sessions),
    lenses,
    vscode.languages.registerCodeLensProvider(REPORT_FILES, lenses),
    vscode.languages.registerHoverProvider(REPORT_FILES, new ReportHoverProvider(deps.sessions)),
  ];
}
