// "radalign: Score pairs": scores a dataset folder in a worker process behind a cancellable
// progress notification, then shows the results the worker wrote (opened, read a pair at a time).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { locateModel } from './model-location';
import { pickDatasetFolder } from './pick-dataset-folder';
import { ProgressText } from './progress-text';
import type { ResultsStore } from './results-store';
import { readSettings } from './settings';
import { notificationText } from './views/markdown-text';
import { scoreInWorker, type WorkerOutcome } from './worker-client';

/** What the command resolves to: for callers such as tests; the user sees notifications. */
export type ScorePairsOutcome =
  /** `notSaved`: why the results are shown but were not written (e.g. `.radalign` is a planted link). */
  | { status: 'done'; folder: string; resultsFile: string; pairs: number; skipped: number; notSaved?: string }
  | { status: 'cancelled' | 'no-folder' | 'busy' }
  | { status: 'failed'; message: string };

export interface ScorePairsDeps {
  extensionPath: string;
  /** The bundled worker script (dist/score-worker.js). */
  workerScript: string;
  store: ResultsStore;
  log: vscode.LogOutputChannel;
}

export function createScorePairsCommand(deps: ScorePairsDeps): (invokedOn?: vscode.Uri) => Promise<ScorePairsOutcome> {
  const running = new Set<string>();

  return async (invokedOn) => {
    const uri = await pickDatasetFolder(invokedOn);
    if (!uri) return { status: 'no-folder' };
    const folder = uri.fsPath;
    if (running.has(folder)) {
      void vscode.window.showInformationMessage(`radalign is already scoring ${path.basename(folder)}.`);
      return { status: 'busy' };
    }

    const settings = readSettings(uri);
    if (settings.ignoredWorkspaceModelPath !== undefined)
      warnUntrustedModelPath(deps.log, settings.ignoredWorkspaceModelPath);
    const baseDir = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? folder;
    const model = locateModel(settings.modelPath, deps.extensionPath, baseDir);
    if (!model.ok) return fail(deps.log, model.message, true);

    running.add(folder);
    try {
      deps.log.info(`scoring ${folder} with ${model.dir}`);
      const outcome = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `radalign: scoring ${path.basename(folder)}`,
          cancellable: true,
        },
        (progress, token) => {
          const aborter = new AbortController();
          token.onCancellationRequested(() => aborter.abort());
          const text = new ProgressText();
          return scoreInWorker(
            deps.workerScript,
            {
              folder,
              modelDir: model.dir,
              batchSize: settings.batchSize,
              threads: settings.threads,
              device: settings.device,
              layout: settings.layout,
              heatmapSmoothing: settings.heatmapSmoothing,
              limits: settings.limits,
            },
            { signal: aborter.signal, onProgress: (p) => progress.report(text.update(p)) },
          );
        },
      );
      return settle(deps, folder, outcome);
    } finally {
      running.delete(folder);
    }
  };
}

function settle(deps: ScorePairsDeps, folder: string, outcome: WorkerOutcome): ScorePairsOutcome {
  if (outcome.status === 'cancelled') {
    deps.log.info(`scoring ${folder} cancelled`);
    return { status: 'cancelled' };
  }
  if (outcome.status === 'failed') {
    const { kind, message, stack } = outcome.error;
    if (stack) deps.log.error(stack);
    return fail(deps.log, kind === 'internal' ? `Scoring failed: ${message}` : message, kind === 'model');
  }
  const { scored, saved } = outcome;
  const { resultsFile, results, skipped } = scored;
  deps.store.set(scored);
  deps.log.info(
    `${results.count} pairs scored, ${skipped.length} skipped, in ${results.run.seconds.toFixed(1)} s → ${saved.ok ? resultsFile : 'not saved (shown from a temporary folder until replaced)'}`,
  );
  // An accelerator asked for (radalign.device) but not used: what was asked, why not, and that CPU ran.
  for (const note of results.run.device?.notes ?? []) deps.log.warn(note);
  for (const s of skipped) deps.log.warn(`skipped ${s.path}: ${s.reason}`);
  if (!saved.ok) {
    deps.log.error(saved.problem);
    void vscode.window.showWarningMessage(
      `radalign: the results are shown but not saved, and flags cannot be written: ${notificationText(saved.problem)}`,
    );
  }
  return {
    status: 'done',
    folder,
    resultsFile,
    pairs: results.count,
    skipped: skipped.length,
    ...(saved.ok ? {} : { notSaved: saved.problem }),
  };
}

/** Restricted setting (package.json `capabilities.untrustedWorkspaces`): say why it had no effect. */
function warnUntrustedModelPath(log: vscode.LogOutputChannel, ignored: string): void {
  const message = `This workspace is not trusted, so its "radalign.modelPath" (${ignored}) is ignored: a model folder is code that gets run. Scoring with your user setting or the bundled model instead.`;
  log.warn(message);
  void vscode.window.showWarningMessage(`radalign: ${message}`, 'Manage Workspace Trust').then((picked) => {
    if (picked) void vscode.commands.executeCommand('workbench.trust.manage');
  });
}

/** Shows the error without waiting for it to be dismissed (a command must not hang on a toast). */
function fail(log: vscode.LogOutputChannel, message: string, offerModelSetting: boolean): ScorePairsOutcome {
  log.error(message);
  const action = offerModelSetting ? 'Open Settings' : undefined;
  void vscode.window
    .showErrorMessage(`radalign: ${notificationText(message)}`, ...(action ? [action] : []))
    .then((picked) => {
      if (picked === action) void vscode.commands.executeCommand('workbench.action.openSettings', 'radalign.modelPath');
    });
  return { status: 'failed', message };
}
