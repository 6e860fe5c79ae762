// "Select model…": the bundled default, a folder chosen in a dialog, a recently used one, or a
// catalogue model (downloaded once into the global storage; models/catalogue-models.ts).
// The folder is checked (its JSON declarations and the files they name) before it is stored in
// `radalign.modelPath`. Optional argument for automation: `{ "folder": "/abs/model" }`,
// `{ "folder": "" }` for the bundled model, or `{ "catalogue": "<id>" }` (downloads if needed).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionDeps } from '../deps';
import { bundledModelDir } from '../model-location';
import { catalogueChoices, obtainCatalogueModel, readCatalogue } from '../models/catalogue-models';
import type { LoadedCatalogue } from '../models/catalogue-source';
import { readSettings } from '../settings';
import { checkModelFolder, rememberFolder } from './model-folder-check';

const RECENT_KEY = 'radalign.recentModelFolders';

export type SelectModelOutcome =
  | { status: 'selected'; setting: string; target: 'workspaceFolder' | 'global' }
  | { status: 'cancelled' }
  | { status: 'failed'; message: string };

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
        const message =
          chosen === ''
            ? `the bundled model is not usable in this build (${check.file}: ${check.problem})`
            : `${check.file}: ${check.problem}`;
        deps.log.error(`Select model: ${message}`);
        void vscode.window.showErrorMessage(`radalign: ${message}`);
        return { status: 'failed', message };
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
          ? `the settings of ${workspaceFolder!.name}`
          : 'your user settings' + (workspaceFolder ? ' (this workspace is not trusted)' : '');
      deps.log.info(`model set to ${dir} (${check.plan.id}) in ${where}`);
      if (!args) {
        void vscode.window
          .showInformationMessage(
            `radalign: scoring will use ${check.plan.name || check.plan.id}, saved in ${where}.`,
            'Score pairs',
          )
          .then((picked) => {
            if (picked) void vscode.commands.executeCommand('radalign.scorePairs');
          });
      }
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
    title: 'radalign: model to score with',
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  if (picked.catalogue !== undefined) return { catalogue: picked.catalogue, known: catalogue };
  if (picked.folder !== undefined) return { folder: picked.folder };
  const uris = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: 'Use this model',
    title: 'Model folder',
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
      label: '$(package) Bundled default model',
      description: current.trim() === '' ? 'current' : undefined,
      detail: bundledCheck.ok
        ? bundledCheck.plan.name || bundledCheck.plan.id
        : 'Not available in this build of radalign yet',
      folder: '',
    },
    {
      label: '$(folder-opened) Choose a model folder…',
      detail: "radalign's model.json layout or the Transformers.js/Optimum CLIP layout",
    },
  ];
  if (recent.length) {
    items.push({ label: 'Recently used', kind: vscode.QuickPickItemKind.Separator });
    for (const f of recent) items.push({ label: `$(history) ${path.basename(f)}`, description: f, folder: f });
  }
  try {
    const catalogue = await readCatalogue(deps);
    loaded(catalogue);
    items.push({ label: 'Known models (catalogue)', kind: vscode.QuickPickItemKind.Separator });
    for (const c of await catalogueChoices(deps, catalogue))
      items.push({ label: c.label, description: c.description, detail: c.detail, catalogue: c.id });
  } catch (e) {
    deps.log.error(`model catalogue: ${(e as Error).message}`); // a broken bundled file must not hide the other choices
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
