// The extension's settings (declared under `contributes.configuration` in package.json).
import { defaultReviewerName } from '../engine/review/reviewer';
import * as vscode from 'vscode';
import type { LayoutName } from '../engine/types';
import { modelPathFor } from './model-location';

export type LayoutSetting = LayoutName | 'auto';
export const LAYOUT_SETTINGS: readonly LayoutSetting[] = ['auto', 'stem', 'study-folder', 'manifest', 'r2gen', 'mimic'];

export interface RadalignSettings {
  /** '' = the bundled default model. A workspace's value is ignored in untrusted workspaces. */
  modelPath: string;
  /** The workspace's modelPath when it was ignored for lack of trust, for a message. */
  ignoredWorkspaceModelPath?: string;
  /** Undefined = the engine's default. */
  batchSize?: number;
  threads?: number;
  layout: LayoutSetting;
  /** Smoothing passes of patch heatmaps (0 = raw patch similarities). */
  heatmapSmoothing: number;
}

export const DEFAULT_HEATMAP_SMOOTHING = 1;
const MAX_HEATMAP_SMOOTHING = 5;

export function readSettings(scope?: vscode.Uri): RadalignSettings {
  const config = vscode.workspace.getConfiguration('radalign', scope);
  const model = modelPathFor(config.inspect<string>('modelPath'), vscode.workspace.isTrusted);
  const layout = config.get<string>('layout', 'auto');
  const smoothing = config.get<number>('heatmapSmoothing', DEFAULT_HEATMAP_SMOOTHING);
  return {
    modelPath: model.value,
    ...(model.ignored !== undefined ? { ignoredWorkspaceModelPath: model.ignored } : {}),
    batchSize: positiveOrUndefined(config.get<number>('batchSize')),
    threads: positiveOrUndefined(config.get<number>('threads')),
    layout: (LAYOUT_SETTINGS as readonly string[]).includes(layout) ? (layout as LayoutSetting) : 'auto',
    heatmapSmoothing: Number.isInteger(smoothing) && smoothing >= 0 ? Math.min(smoothing, MAX_HEATMAP_SMOOTHING) : DEFAULT_HEATMAP_SMOOTHING,
  };
}

/** `radalign.reviewerName`, else the OS user name: recorded with every flag. */
export function reviewerName(): string {
  const set = vscode.workspace.getConfiguration('radalign').get<string>('reviewerName', '').trim();
  return set || defaultReviewerName();
}

/** 0 (the settings' default) means "let the engine decide". */
function positiveOrUndefined(value: number | undefined): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
