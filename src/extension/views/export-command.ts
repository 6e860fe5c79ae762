// "Export review…": every reviewer's verdicts, sentence flags and the adjudications, joined with
// the scores, as CSV or JSON, written atomically.
// Optional argument for automation: `{ "format": "csv" | "json", "target": "/abs/path.csv" }`
// skips the pickers (either part may be given alone).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeError } from '../../engine/describe-error';
import { fail, nothingScored, sessionOrExplain, type Failed } from '../command-outcome';
import type { ExtensionDeps } from '../deps';
import { l10n } from '../l10n';
import { offer, showInfo } from '../notify';
import {
  defaultExportPath,
  EXPORT_FORMATS,
  exportContent,
  isExportFormat,
  readFlaggedPairs,
  writeExport,
  type ExportFormat,
} from './export-content';

export type ExportOutcome =
  { status: 'written'; target: string; format: ExportFormat; rows: number } | { status: 'cancelled' } | Failed;

interface ExportArgs {
  format?: ExportFormat;
  target?: string;
}

export function registerExportCommand(deps: ExtensionDeps): vscode.Disposable {
  return vscode.commands.registerCommand('radalign.exportReview', async (args?: ExportArgs): Promise<ExportOutcome> => {
    const session = sessionOrExplain(deps.sessions);
    if (!session) return nothingScored();
    if (args?.format !== undefined && !isExportFormat(args.format))
      return fail(
        deps.log,
        l10n.t('unknown export format {0}: use {1}', JSON.stringify(args.format), EXPORT_FORMATS.join(' or ')),
      );

    const format = args?.format ?? (args?.target ? formatOf(args.target) : await pickFormat(session.entries.length));
    if (!format) return { status: 'cancelled' };
    const target = args?.target ?? (await pickTarget(session.folder, format));
    if (!target) return { status: 'cancelled' };

    const entries = session.entries;
    let content: { text: string; rows: number };
    try {
      // Pairs looked at recently come from the session's cache; the others are read without filling it.
      content = exportContent(
        format,
        entries,
        await readFlaggedPairs(entries, { pair: async (id) => session.cachedDetails(id) ?? session.results.pair(id) }),
      );
    } catch (e) {
      return fail(deps.log, l10n.t('could not read the reviewed pairs: {0}', describeError(e)));
    }
    const { text, rows } = content;
    try {
      await writeExport(target, text);
    } catch (e) {
      return fail(deps.log, l10n.t('could not write {0}: {1}', target, describeError(e)));
    }
    deps.log.info(`exported ${rows} review entries to ${target}`);
    if (!args) {
      const name = path.basename(target);
      offer(
        showInfo,
        rows === 1
          ? l10n.t('1 review entry (verdicts and flags) exported to {0}.', name)
          : l10n.t('{0} review entries (verdicts and flags) exported to {1}.', rows, name),
        l10n.t('Open'),
        () => vscode.commands.executeCommand('vscode.open', vscode.Uri.file(target)),
      );
    }
    return { status: 'written', target, format, rows };
  });
}

function formatOf(target: string): ExportFormat {
  return path.extname(target).toLowerCase() === '.json' ? 'json' : 'csv';
}

async function pickFormat(entries: number): Promise<ExportFormat | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'CSV', description: l10n.t('one row per verdict or flag, for spreadsheets'), format: 'csv' as const },
      { label: 'JSON', description: l10n.t('the same rows as a JSON array'), format: 'json' as const },
    ],
    {
      title:
        entries === 1
          ? l10n.t('Export review (1 verdict, flags and adjudications)')
          : l10n.t('Export review ({0} verdicts, flags and adjudications)', entries),
      placeHolder: l10n.t('Format'),
    },
  );
  return picked?.format;
}

async function pickTarget(folder: string, format: ExportFormat): Promise<string | undefined> {
  const uri = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(defaultExportPath(folder, format)),
    filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
    title: l10n.t('Export review'),
  });
  return uri?.fsPath;
}
