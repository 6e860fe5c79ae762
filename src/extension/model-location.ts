// Which model folder to score with: the `radalign.modelPath` setting, else the bundled default.
// Checked before a worker starts so a missing model gets a message that names the fix.
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { l10n } from './l10n';

export type ModelLocation = { ok: true; dir: string } | { ok: false; message: string };

/** Where the extension package carries its default model (media/models/default). */
export function bundledModelDir(extensionPath: string): string {
  return join(extensionPath, 'media', 'models', 'default');
}

/**
 * @param setting the `radalign.modelPath` value; '' means the bundled default.
 * @param baseDir what a relative setting is relative to (the dataset's workspace folder).
 */
export function locateModel(setting: string, extensionPath: string, baseDir: string): ModelLocation {
  const trimmed = setting.trim();
  if (!trimmed) {
    const dir = bundledModelDir(extensionPath);
    if (isFolder(dir)) return { ok: true, dir };
    return {
      ok: false,
      message: l10n.t(
        'This build of radalign carries no default model. Set "radalign.modelPath" to a model folder (model.json or the Transformers.js CLIP layout).',
      ),
    };
  }
  const expanded = trimmed === '~' || trimmed.startsWith('~/') ? join(homedir(), trimmed.slice(1)) : trimmed;
  const dir = isAbsolute(expanded) ? expanded : resolve(baseDir, expanded);
  if (isFolder(dir)) return { ok: true, dir };
  return { ok: false, message: l10n.t('The model folder set in "radalign.modelPath" does not exist: {0}', dir) };
}

function isFolder(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** The scopes of one setting as `WorkspaceConfiguration.inspect()` reports them. */
export interface SettingScopes<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

export interface TrustedModelPath {
  value: string;
  /** The workspace's own value, when it was ignored because the workspace is not trusted. */
  ignored?: string;
}

/**
 * Which `radalign.modelPath` to use. A model folder is code that gets run (ONNX files, custom
 * tokenizers), so an untrusted workspace must not choose it: only the user's own setting counts.
 */
export function modelPathFor(scopes: SettingScopes<string> | undefined, workspaceTrusted: boolean): TrustedModelPath {
  const user = scopes?.globalValue ?? scopes?.defaultValue ?? '';
  const fromWorkspace = scopes?.workspaceFolderValue ?? scopes?.workspaceValue;
  if (workspaceTrusted) return { value: fromWorkspace ?? user };
  return fromWorkspace !== undefined && fromWorkspace.trim() !== '' && fromWorkspace !== user
    ? { value: user, ignored: fromWorkspace }
    : { value: user };
}
