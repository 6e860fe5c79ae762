// The extension's settings (declared under `contributes.configuration` in package.json).
import * as vscode from 'vscode';

export interface RadalignSettings {
  /** '' = the bundled default model. Ignored in untrusted workspaces (restrictedConfigurations). */
  modelPath: string;
  /** Undefined = the engine's default. */
  batchSize?: number;
  threads?: number;
}

export function readSettings(scope?: vscode.Uri): RadalignSettings {
  const config = vscode.workspace.getConfiguration('radalign', scope);
  return {
    modelPath: config.get<string>('modelPath', ''),
    batchSize: positiveOrUndefined(config.get<number>('batchSize')),
    threads: positiveOrUndefined(config.get<number>('threads')),
  };
}

/** 0 (the settings' default) means "let the engine decide". */
function positiveOrUndefined(value: number | undefined): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
