// "Select model…": the bundled default, a folder chosen in a dialog, a recently used one, or a
// catalogue model (downloaded once into the global storage; models/catalogue-models.ts).
// The folder is checked (its JSON declarations and the files they name) before it is stored in
// `radalign.modelPath`. Optional argument for automation: `{ "folder": "/abs/model" }`,
// `{ "folder": "" }` for the bundled model, or `{ "catalogue": "<id>" }` (downloads if needed).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeError } from '../../engine/describe-error';
import { fail, type Failed } from '../command-outcome';
import type { ExtensionDeps } from '../deps';
import { l10n } from '../l10n';
import { messages } from '../messages';
import { bundledModelDir } from '../model-location';
import { offer, showInfo } from '../notify';
import { catalogueChoices, obtainCatalogueModel, readCatalogue } from '../models/catalogue-models';
import type { LoadedCatalogue } from '../models/catalogue-source';
import { readSettings } from '../settings';
import { checkModelFolder, rememberFolder } from './model-folder-check';

const RECENT_KEY = 'radalign.recentModelFolders';

export type SelectModelOutcome =
  { status: 'selected'; setting: string; target: 'workspaceFolder' | 'global' } | { status: 'cancelled' } | Failed;

interface ModelChoice extends vscode.QuickPickItem {
  /** '' = bundled; undefined (and no catalogue id) = open a dialog. */
  folder?: string;
  /** A catalogue model's id. */
  catalogue?: string;
}

type Picked = { folder: string } | { catalogue: string; known?: LoadedCatalogue };

export function registerSelectModelCommand(deps: ExtensionDeps): vscode.Disposable {
  const { context } = deps;
  return vscode.commands.registerCommand(
    'radalign.selectModel',
    async (args?: { folder?: string; catalogue?: string }): Promise<SelectModelOutcome> => {
      const workspaceFolder = settingsFolder(deps);
      const bundled = bundledModelDir(context.extensionPath);
      const recent = context.globalState.get<string[]>(RECENT_KEY, []);

      const picked: Picked | undefined =
        typeof args?.folder === 'string'
          ? { folder: args.folder }
          : typeof args?.catalogue === 'string'
            ? { catalogue: args.catalogue }
            : await pickModel(deps, bundled, recent, readSettings(workspaceFolder?.uri).modelPath);
      if (picked === undefined) return { status: 'cancelled' };
      let chosen: string;
      if ('folder' in picked) chosen = picked.folder;
      else {
        const obtained = await obtainCatalogueModel(deps, picked.catalogue, picked.known, !args);
        if (obtained.status !== 'ready') return obtained;
        chosen = obtained.dir;
      }

      const dir = chosen === '' ? bundled : chosen;
      const check = await checkModelFolder(dir);
      if (!check.ok) {
        return fail(
          deps.log,
          chosen === ''
            ? l10n.t('the bundled model is not usable in this build ({0}: {1})', check.file, check.problem)
            : `${check.file}: ${check.problem}`,
        );
      }
      // An untrusted workspace's own modelPath is ignored (restrictedConfigurations), so the choice goes to the user settings.
      const target = workspaceFolder && vscode.workspace.isTrusted ? 'workspaceFolder' : 'global';
      if (chosen !== '') {
        // Catalogue models are listed as such; the recent list is for folders chosen by hand.
        if ('folder' in picked) await context.globalState.update(RECENT_KEY, rememberFolder(recent, dir));
        chosen = target === 'workspaceFolder' ? settingValue(dir, workspaceFolder!.uri.fsPath) : dir;
      }
      const config = vscode.workspace.getConfiguration('radalign', workspaceFolder?.uri);
      await config.update(
        'modelPath',
        chosen,
        target === 'workspaceFolder' ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Global,
      );
      const where =
        target === 'workspaceFolder'
          ? l10n.t('the settings of {0}', workspaceFolder!.name)
          : workspaceFolder
            ? l10n.t('your user settings (this workspace is not trusted)')
            : l10n.t('your user settings');
      deps.log.info(`model set to ${dir} (${check.plan.id}) in ${where}`);
      if (!args)
        offer(
          showInfo,
          l10n.t('scoring will use {0}, saved in {1}.', check.plan.name || check.plan.id, where),
          messages.scorePairsAction(),
          () => vscode.commands.executeCommand('radalign.scorePairs'),
        );
      return { status: 'selected', setting: chosen, target };
    },
  );
}

async function pickModel(
  deps: ExtensionDeps,
  bundled: string,
  recent: string[],
  current: string,
): Promise<Picked | undefined> {
  // The catalogue may come from a server: the picker shows as busy until it is read.
  let catalogue: LoadedCatalogue | undefined;
  const items = modelChoices(deps, bundled, recent, current, (c) => (catalogue = c));
  const picked = await vscode.window.showQuickPick(items, {
    title: l10n.t('radalign: model to score with'),
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  if (picked.catalogue !== undefined) return { catalogue: picked.catalogue, known: catalogue };
  if (picked.folder !== undefined) return { folder: picked.folder };
  const uris = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: l10n.t('Use this model'),
    title: l10n.t('Model folder'),
  });
  return uris?.[0] ? { folder: uris[0].fsPath } : undefined;
}

async function modelChoices(
  deps: ExtensionDeps,
  bundled: string,
  recent: string[],
  current: string,
  loaded: (c: LoadedCatalogue) => void,
): Promise<ModelChoice[]> {
  const bundledCheck = await checkModelFolder(bundled);
  const items: ModelChoice[] = [
    {
      label: l10n.t('$(package) Bundled default model'),
      description: current.trim() === '' ? l10n.t('current') : undefined,
      detail: bundledCheck.ok
        ? bundledCheck.plan.name || bundledCheck.plan.id
        : l10n.t('Not available in this build of radalign'),
      folder: '',
    },
    {
      label: l10n.t('$(folder-opened) Choose a model folder…'),
      detail: l10n.t("radalign's model.json layout or the Transformers.js/Optimum CLIP layout"),
    },
  ];
  if (recent.length) {
    items.push({ label: l10n.t('Recently used'), kind: vscode.QuickPickItemKind.Separator });
    for (const f of recent) items.push({ label: `$(history) ${path.basename(f)}`, description: f, folder: f });
  }
  try {
    const catalogue = await readCatalogue(deps);
    loaded(catalogue);
    items.push({ label: l10n.t('Known models (catalogue)'), kind: vscode.QuickPickItemKind.Separator });
    for (const c of await catalogueChoices(deps, catalogue))
      items.push({ label: c.label, description: c.description, detail: c.detail, catalogue: c.id });
  } catch (e) {
    deps.log.error(`model catalogue: ${describeError(e)}`); // a broken bundled file must not hide the other choices
  }
  return items;
}

/** The workspace folder whose settings hold the choice: the reviewed dataset's, else the first. */
function settingsFolder(deps: ExtensionDeps): vscode.WorkspaceFolder | undefined {
  const folder = deps.sessions.current?.folder;
  return (
    (folder ? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(folder)) : undefined) ??
    vscode.workspace.workspaceFolders?.[0]
  );
}

/** Relative inside the workspace folder (the settings file travels with the project), else absolute. */
function settingValue(dir: string, workspaceFolder: string): string {
  const rel = path.relative(workspaceFolder, dir);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : dir;
}
