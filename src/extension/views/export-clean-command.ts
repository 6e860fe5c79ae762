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
import { fail, nothingScored, sessionOrExplain, type Failed } from '../command-outcome';
import type { ExtensionDeps } from '../deps';
import { l10n } from '../l10n';
import { offer, showInfo } from '../notify';
import { formatCount } from './status-text';

export type ExportCleanOutcome =
  | { status: 'written'; outDir: string; summaryFile: string; counts: ExportCleanSummary['counts']; files: string[] }
  | { status: 'cancelled' }
  | Failed;

interface ExportCleanArgs extends ExportCleanOptions {
  outDir?: string;
}

export function registerExportCleanCommand(deps: ExtensionDeps): vscode.Disposable {
  return vscode.commands.registerCommand(
    'radalign.exportClean',
    async (args?: ExportCleanArgs): Promise<ExportCleanOutcome> => {
      const session = sessionOrExplain(deps.sessions);
      if (!session) return nothingScored();
      let outDir = args?.outDir;
      if (outDir === undefined) {
        const picked = await vscode.window.showOpenDialog({
          canSelectFiles: false,
          canSelectFolders: true,
          canSelectMany: false,
          openLabel: l10n.t('Export here'),
          title: l10n.t('Export clean dataset: an empty folder outside the dataset (or an earlier clean export)'),
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
      // An automation argument's mistake: returned to the caller, not shown.
      if (bad) return { status: 'failed', message: `radalign.exportClean: ${bad}` };
      let summary: ExportCleanSummary;
      try {
        summary = await exportClean(session.folder, outDir, options);
      } catch (e) {
        return fail(deps.log, e);
      }
      const c = summary.counts;
      const text = l10n.t(
        '{0} of {1} pairs written ({2} kept, {3} re-paired), {4} dropped',
        formatCount(c.written),
        formatCount(c.pairs),
        formatCount(c.kept),
        formatCount(c.rePaired),
        formatCount(c.dropped),
      );
      const summaryFile = join(summary.outDir, SUMMARY_FILE);
      deps.log.info(`clean export to ${summary.outDir}: ${text}`);
      if (args?.outDir === undefined)
        offer(showInfo, `${text}.`, l10n.t('Open summary'), () =>
          vscode.commands.executeCommand('vscode.open', vscode.Uri.file(summaryFile)),
        );
      return { status: 'written', outDir: summary.outDir, summaryFile, counts: c, files: summary.files };
    },
  );
}

/** The automation argument's options, checked (they come from a keybinding or a script). */
function optionProblem(o: ExportCleanOptions): string | undefined {
  if (o.unsure !== undefined && o.unsure !== 'keep' && o.unsure !== 'drop')
    return l10n.t('\'unsure\' must be "keep" or "drop"');
  if (o.disagreed !== undefined && o.disagreed !== 'keep' && o.disagreed !== 'drop')
    return l10n.t('\'disagreed\' must be "keep" or "drop"');
  if (o.reviewedOnly !== undefined && typeof o.reviewedOnly !== 'boolean')
    return l10n.t("'reviewedOnly' must be true or false");
  return undefined;
}
