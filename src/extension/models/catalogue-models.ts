// The VS Code side of catalogue models: reads the setting, lists the entries for "Select model",
// and turns a picked entry into a model folder, downloading it behind a cancellable progress
// notification when needed. The work itself is in the vscode-free modules next to this one.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { describeError } from '../../engine/describe-error';
import { fail, type Failed } from '../command-outcome';
import type { ExtensionDeps } from '../deps';
import { l10n } from '../l10n';
import { offer, showInfo, showWarning } from '../notify';
import { downloadableFiles } from './catalogue';
import { type CatalogueChoice, catalogueChoice, formatMB } from './catalogue-choices';
import { type LoadedCatalogue, loadCatalogue } from './catalogue-source';
import { downloadModel } from './download';
import { DownloadCancelled } from './download-file';
import { DownloadBusy } from './download-lock';
import { DownloadProgressText } from './download-progress-text';
import { installState, modelDirFor } from './installed';

export type ObtainOutcome = { status: 'ready'; dir: string } | { status: 'cancelled' } | Failed;

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
      message: catalogue.serverProblem
        ? l10n.t('no model "{0}" in the catalogue ({1})', id, catalogue.serverProblem)
        : l10n.t('no model "{0}" in the catalogue', id),
    };
  const storage = deps.context.globalStorageUri.fsPath;
  const choice = catalogueChoice(entry, catalogue, await installState(storage, entry));
  if (choice.action === 'select') return { status: 'ready', dir: modelDirFor(storage, id) };
  const files = downloadableFiles(entry, catalogue.serverProblem ? undefined : catalogue.url);
  if (!files.ok) {
    const message = l10n.t(
      '{0} is {1}. Export it yourself with tools/export (see docs/models.md), then choose its folder.',
      entry.name,
      choice.reason ?? files.reason,
    );
    deps.log.warn(`Select model: ${message}`);
    const command = entry.export;
    if (command)
      offer(showWarning, message, l10n.t('Copy export command'), () => vscode.env.clipboard.writeText(command));
    else void showWarning(message);
    return { status: 'failed', message };
  }

  const size = formatMB(files.files.reduce((n, f) => n + f.size, 0));
  if (confirm) {
    const download = l10n.t('Download');
    const go = await vscode.window.showInformationMessage(
      l10n.t("Download {0} ({1}) into radalign's storage?", entry.name, size),
      {
        modal: true,
        detail: `${entry.description}\n\n${l10n.t('Licence: {0}', entry.licence)}\n\n${l10n.t('From: {0}', String(catalogue.url))}`,
      },
      download,
    );
    if (go !== download) return { status: 'cancelled' };
  }
  deps.log.info(`downloading ${entry.name} (${size}) from ${catalogue.url} into ${modelDirFor(storage, id)}`);
  try {
    const dir = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: l10n.t('radalign: downloading {0}', entry.name),
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
      void showInfo(l10n.t('download of {0} paused. Select it again to resume where it stopped.', entry.name));
      return { status: 'cancelled' };
    }
    if (e instanceof DownloadBusy) {
      void showInfo(`${e.message}.`);
      return { status: 'failed', message: e.message };
    }
    return fail(deps.log, l10n.t('downloading {0} failed: {1}', entry.name, describeError(e)));
  }
}
