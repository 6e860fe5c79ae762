// The VS Code side of catalogue models: reads the setting, lists the entries for "Select model",
// and turns a picked entry into a model folder, downloading it behind a cancellable progress
// notification when needed. The work itself is in the vscode-free modules next to this one.
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionDeps } from '../deps';
import { downloadableFiles } from './catalogue';
import { type CatalogueChoice, catalogueChoice, formatMB } from './catalogue-choices';
import { type LoadedCatalogue, loadCatalogue } from './catalogue-source';
import { downloadModel } from './download';
import { DownloadCancelled } from './download-file';
import { DownloadBusy } from './download-lock';
import { DownloadProgressText } from './download-progress-text';
import { installState, modelDirFor } from './installed';

export type ObtainOutcome =
  { status: 'ready'; dir: string } | { status: 'cancelled' } | { status: 'failed'; message: string };

const REPORT_EVERY_MS = 250;

export function catalogueUrlSetting(): string {
  return vscode.workspace.getConfiguration('radalign').get<string>('modelCatalogueUrl', '');
}

export function readCatalogue(deps: ExtensionDeps): Promise<LoadedCatalogue> {
  return loadCatalogue(join(deps.context.extensionPath, 'media', 'model-catalogue.json'), catalogueUrlSetting());
}

export async function catalogueChoices(deps: ExtensionDeps, catalogue: LoadedCatalogue): Promise<CatalogueChoice[]> {
  const storage = deps.context.globalStorageUri.fsPath;
  return Promise.all(catalogue.entries.map(async (e) => catalogueChoice(e, catalogue, await installState(storage, e))));
}

/** The folder of catalogue model `id`: as downloaded, or after downloading it now. */
/** @param confirm ask first, showing size and licence (false for automation). */
export async function obtainCatalogueModel(
  deps: ExtensionDeps,
  id: string,
  known?: LoadedCatalogue,
  confirm = true,
): Promise<ObtainOutcome> {
  const catalogue = known ?? (await readCatalogue(deps));
  const entry = catalogue.entries.find((e) => e.id === id);
  if (!entry)
    return {
      status: 'failed',
      message: `no model "${id}" in the catalogue${catalogue.serverProblem ? ` (${catalogue.serverProblem})` : ''}`,
    };
  const storage = deps.context.globalStorageUri.fsPath;
  const choice = catalogueChoice(entry, catalogue, await installState(storage, entry));
  if (choice.action === 'select') return { status: 'ready', dir: modelDirFor(storage, id) };
  const files = downloadableFiles(entry, catalogue.serverProblem ? undefined : catalogue.url);
  if (!files.ok) {
    const message = `${entry.name} is ${choice.reason ?? files.reason}. Export it yourself with tools/export (see docs/models.md), then choose its folder.`;
    deps.log.warn(`Select model: ${message}`);
    if (entry.export) {
      void vscode.window.showWarningMessage(`radalign: ${message}`, 'Copy export command').then((picked) => {
        if (picked) void vscode.env.clipboard.writeText(entry.export!);
      });
    } else void vscode.window.showWarningMessage(`radalign: ${message}`);
    return { status: 'failed', message };
  }

  const size = formatMB(files.files.reduce((n, f) => n + f.size, 0));
  if (confirm) {
    const go = await vscode.window.showInformationMessage(
      `Download ${entry.name} (${size}) into radalign's storage?`,
      { modal: true, detail: `${entry.description}\n\nLicence: ${entry.licence}\n\nFrom: ${catalogue.url}` },
      'Download',
    );
    if (go !== 'Download') return { status: 'cancelled' };
  }
  deps.log.info(`downloading ${entry.name} (${size}) from ${catalogue.url} into ${modelDirFor(storage, id)}`);
  try {
    const dir = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `radalign: downloading ${entry.name}`,
        cancellable: true,
      },
      (progress, token) => {
        const aborter = new AbortController();
        token.onCancellationRequested(() => aborter.abort());
        const text = new DownloadProgressText();
        let last = 0;
        return downloadModel(entry, files.files, {
          globalStorage: storage,
          signal: aborter.signal,
          onProgress: (p) => {
            const now = Date.now();
            if (now - last < REPORT_EVERY_MS && p.done < p.total) return;
            last = now;
            progress.report(text.update(p));
          },
        });
      },
    );
    deps.log.info(`${entry.name} downloaded and checked: ${dir}`);
    return { status: 'ready', dir };
  } catch (e) {
    if (e instanceof DownloadCancelled) {
      deps.log.info(`download of ${entry.name} cancelled; partial files kept for a resume`);
      void vscode.window.showInformationMessage(
        `radalign: download of ${entry.name} paused. Select it again to resume where it stopped.`,
      );
      return { status: 'cancelled' };
    }
    if (e instanceof DownloadBusy) {
      void vscode.window.showInformationMessage(`radalign: ${e.message}.`);
      return { status: 'failed', message: e.message };
    }
    const message = `downloading ${entry.name} failed: ${(e as Error).message}`;
    deps.log.error(message);
    void vscode.window.showErrorMessage(`radalign: ${message}`);
    return { status: 'failed', message };
  }
}
