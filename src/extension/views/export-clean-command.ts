// "Export clean dataset…": a manifest of the pairs the review keeps (engine: exportClean; CSV,
// JSONL, and annotation.json for R2Gen input), leaving out mismatched pairs or re-pairing images
// with the report the review said belongs to them, with a summary of what was dropped and why.
// Written into a folder the user picks, outside the dataset folder (which is never modified).
// Optional argument for automation: `{ "outDir": "/abs/dir", "unsure": "drop", "disagreed":
// "keep", "reviewedOnly": true }` skips the folder dialog and the offer to open the summary.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { exportClean, type ExportCleanOptions, type ExportCleanSummary } from '../../engine/review/export-clean';
import { SUMMARY_FILE } from '../../engine/review/clean-out-dir';
import type { ExtensionDeps } from '../deps';
import { notificationText } from './markdown-text';
import { sessionOrExplain } from './review-target';
import { formatCount } from './status-text';

export type ExportCleanOutcome =
  | { status: 'written'; outDir: string; summaryFile: string; counts: ExportCleanSummary['counts']; files: string[] }
  | { status: 'cancelled' }
  | { status: 'failed'; message: string };

interface ExportCleanArgs extends ExportCleanOptions {
  outDir?: string;
}

export function registerExportCleanCommand(deps: ExtensionDeps): vscode.Disposable {
  return vscode.commands.registerCommand(
    'radalign.exportClean',
    async (args?: ExportCleanArgs): Promise<ExportCleanOutcome> => {
      const session = sessionOrExplain(deps.sessions);
      if (!session) return { status: 'failed', message: 'nothing scored yet' };
      let outDir = args?.outDir;
      if (outDir === undefined) {
        const picked = await vscode.window.showOpenDialog({
          canSelectFiles: false,
          canSelectFolders: true,
          canSelectMany: false,
          openLabel: 'Export here',
          title: 'Export clean dataset: an empty folder outside the dataset (or an earlier clean export)',
          defaultUri: vscode.Uri.file(join(session.folder, '..')),
        });
        if (!picked?.[0]) return { status: 'cancelled' };
        outDir = picked[0].fsPath;
      }
      const options: ExportCleanOptions = {
        ...(args?.unsure !== undefined ? { unsure: args.unsure } : {}),
        ...(args?.disagreed !== undefined ? { disagreed: args.disagreed } : {}),
        ...(args?.reviewedOnly !== undefined ? { reviewedOnly: args.reviewedOnly } : {}),
      };
      const bad = optionProblem(options);
      if (bad) return { status: 'failed', message: `radalign.exportClean: ${bad}` };
      let summary: ExportCleanSummary;
      try {
        summary = await exportClean(session.folder, outDir, options);
      } catch (e) {
        const message = (e as Error).message;
        deps.log.error(`export clean: ${message}`);
        void vscode.window.showErrorMessage(`radalign: ${notificationText(message)}`);
        return { status: 'failed', message };
      }
      const c = summary.counts;
      const text = `${formatCount(c.written)} of ${formatCount(c.pairs)} pairs written (${formatCount(c.kept)} kept, ${formatCount(c.rePaired)} re-paired), ${formatCount(c.dropped)} dropped`;
      const summaryFile = join(summary.outDir, SUMMARY_FILE);
      deps.log.info(`clean export to ${summary.outDir}: ${text}`);
      if (args?.outDir === undefined) {
        void vscode.window
          .showInformationMessage(`radalign: ${notificationText(text)}.`, 'Open summary')
          .then((picked) => {
            if (picked) void vscode.commands.executeCommand('vscode.open', vscode.Uri.file(summaryFile));
          });
      }
      return { status: 'written', outDir: summary.outDir, summaryFile, counts: c, files: summary.files };
    },
  );
}

/** The automation argument's options, checked (they come from a keybinding or a script). */
function optionProblem(o: ExportCleanOptions): string | undefined {
  if (o.unsure !== undefined && o.unsure !== 'keep' && o.unsure !== 'drop')
    return '\'unsure\' must be "keep" or "drop"';
  if (o.disagreed !== undefined && o.disagreed !== 'keep' && o.disagreed !== 'drop')
    return '\'disagreed\' must be "keep" or "drop"';
  if (o.reviewedOnly !== undefined && typeof o.reviewedOnly !== 'boolean')
    return "'reviewedOnly' must be true or false";
  return undefined;
}
