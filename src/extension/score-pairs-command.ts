// "radalign: Score pairs": scores a dataset folder in a worker process behind a cancellable
// progress notification, then shows the results the worker wrote (opened, read a pair at a time).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { fail, type Failed } from './command-outcome';
import { l10n } from './l10n';
import { messages } from './messages';
import { locateModel } from './model-location';
import { offer, showInfo, showWarning } from './notify';
import { pickDatasetFolder } from './pick-dataset-folder';
import { ProgressText } from './progress-text';
import type { SessionManager } from './review/session-manager';
import { readSettings } from './settings';
import { scoreInWorker, type WorkerOutcome } from './worker-client';

/** What the command resolves to: for callers such as tests; the user sees notifications. */
export type ScorePairsOutcome =
  /** `notSaved`: why the results are shown but were not written (e.g. `.radalign` is a planted link). */
  | { status: 'done'; folder: string; resultsFile: string; pairs: number; skipped: number; notSaved?: string }
  | { status: 'cancelled' | 'no-folder' | 'busy' }
  | Failed;

export interface ScorePairsDeps {
  extensionPath: string;
  /** The bundled worker script (dist/score-worker.js). */
  workerScript: string;
  sessions: Pick<SessionManager, 'show'>;
  log: vscode.LogOutputChannel;
}

export function createScorePairsCommand(deps: ScorePairsDeps): (invokedOn?: vscode.Uri) => Promise<ScorePairsOutcome> {
  const running = new Set<string>();

  return async (invokedOn) => {
    const uri = await pickDatasetFolder(invokedOn);
    if (!uri) return { status: 'no-folder' };
    const folder = uri.fsPath;
    if (running.has(folder)) {
      void showInfo(l10n.t('already scoring {0}.', path.basename(folder)));
      return { status: 'busy' };
    }

    const settings = readSettings(uri);
    if (settings.ignoredWorkspaceModelPath !== undefined)
      warnUntrustedModelPath(deps.log, settings.ignoredWorkspaceModelPath);
    const baseDir = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? folder;
    const model = locateModel(settings.modelPath, deps.extensionPath, baseDir);
    if (!model.ok) return failOfferingModelSetting(deps.log, model.message);

    running.add(folder);
    try {
      deps.log.info(`scoring ${folder} with ${model.dir}`);
      const outcome = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: l10n.t('radalign: scoring {0}', path.basename(folder)),
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
    const shown = kind === 'internal' ? l10n.t('Scoring failed: {0}', message) : message;
    return kind === 'model' ? failOfferingModelSetting(deps.log, shown) : fail(deps.log, shown);
  }
  const { scored, saved } = outcome;
  const { resultsFile, results, skipped } = scored;
  deps.sessions.show(scored);
  deps.log.info(
    `${results.count} pairs scored, ${skipped.length} skipped, in ${results.run.seconds.toFixed(1)} s → ${saved.ok ? resultsFile : 'not saved (shown from a temporary folder until replaced)'}`,
  );
  // An accelerator asked for (radalign.device) but not used: what was asked, why not, and that CPU ran.
  for (const note of results.run.device?.notes ?? []) deps.log.warn(note);
  for (const s of skipped) deps.log.warn(`skipped ${s.path}: ${s.reason}`);
  if (!saved.ok) {
    deps.log.error(saved.problem);
    void showWarning(l10n.t('the results are shown but not saved, and flags cannot be written: {0}', saved.problem));
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
  log.warn(
    `this workspace is not trusted, so its "radalign.modelPath" (${ignored}) is ignored; scoring with the user setting or the bundled model`,
  );
  const message = l10n.t(
    'This workspace is not trusted, so its "radalign.modelPath" ({0}) is ignored: a model folder is code that gets run. Scoring with your user setting or the bundled model instead.',
    ignored,
  );
  offer(showWarning, message, l10n.t('Manage Workspace Trust'), () =>
    vscode.commands.executeCommand('workbench.trust.manage'),
  );
}

/** A model that cannot be used: the error with a button to the radalign.modelPath setting. */
function failOfferingModelSetting(log: vscode.LogOutputChannel, message: string): Failed {
  return fail(log, message, {
    title: messages.openSettingsAction(),
    run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'radalign.modelPath'),
  });
}
