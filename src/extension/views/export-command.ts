// "Export review…": every reviewer's verdicts, sentence flags and the adjudications, joined with
// the scores, as CSV or JSON, written atomically.
// Optional argument for automation: `{ "format": "csv" | "json", "target": "/abs/path.csv" }`
// skips the pickers (either part may be given alone).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionDeps } from '../deps';
import {
  defaultExportPath,
  EXPORT_FORMATS,
  exportContent,
  isExportFormat,
  readFlaggedPairs,
  writeExport,
  type ExportFormat,
} from './export-content';
import { notificationText } from './markdown-text';
import { sessionOrExplain } from './review-target';

export type ExportOutcome =
  | { status: 'written'; target: string; format: ExportFormat; rows: number }
  | { status: 'cancelled' }
  | { status: 'failed'; message: string };

interface ExportArgs {
  format?: ExportFormat;
  target?: string;
}

export function registerExportCommand(deps: ExtensionDeps): vscode.Disposable {
  return vscode.commands.registerCommand('radalign.exportReview', async (args?: ExportArgs): Promise<ExportOutcome> => {
    const session = sessionOrExplain(deps.sessions);
    if (!session) return { status: 'failed', message: 'nothing scored yet' };
    if (args?.format !== undefined && !isExportFormat(args.format))
      return fail(deps, `unknown export format ${JSON.stringify(args.format)}: use ${EXPORT_FORMATS.join(' or ')}`);

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
      return fail(deps, `could not read the reviewed pairs: ${(e as Error).message}`);
    }
    const { text, rows } = content;
    try {
      await writeExport(target, text);
    } catch (e) {
      return fail(deps, `could not write ${target}: ${(e as Error).message}`);
    }
    deps.log.info(`exported ${rows} review entries to ${target}`);
    if (!args) {
      void vscode.window
        .showInformationMessage(
          `radalign: ${rows} review entr${rows === 1 ? 'y' : 'ies'} (verdicts and flags) exported to ${path.basename(target)}.`,
          'Open',
        )
        .then((picked) => {
          if (picked) void vscode.commands.executeCommand('vscode.open', vscode.Uri.file(target));
        });
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
      { label: 'CSV', description: 'one row per verdict or flag, for spreadsheets', format: 'csv' as const },
      { label: 'JSON', description: 'the same rows as a JSON array', format: 'json' as const },
    ],
    {
      title: `Export review (${entries} verdict${entries === 1 ? '' : 's'}, flags and adjudications)`,
      placeHolder: 'Format',
    },
  );
  return picked?.format;
}

async function pickTarget(folder: string, format: ExportFormat): Promise<string | undefined> {
  const uri = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(defaultExportPath(folder, format)),
    filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
    title: 'Export review',
  });
  return uri?.fsPath;
}

function fail(deps: ExtensionDeps, message: string): ExportOutcome {
  deps.log.error(message);
  void vscode.window.showErrorMessage(`radalign: ${notificationText(message)}`);
  return { status: 'failed', message };
}
