// The extension's settings (declared under `contributes.configuration` in package.json).
import * as vscode from 'vscode';
import type { Limits } from '../engine/limits';
import { DEFAULT_DEVICE, isDeviceChoice } from '../engine/model/execution-providers';
import type { DeviceChoice } from '../engine/model/types';
import { LAYOUT_CHOICES, type LayoutChoice } from '../engine/types';
import { modelPathFor } from './model-location';

export type LayoutSetting = LayoutChoice;

export interface RadalignSettings {
  /** '' = the bundled default model. A workspace's value is ignored in untrusted workspaces. */
  modelPath: string;
  /** The workspace's modelPath when it was ignored for lack of trust, for a message. */
  ignoredWorkspaceModelPath?: string;
  /** Undefined = the engine's default. */
  batchSize?: number;
  threads?: number;
  /** `radalign.device`: execution provider to ask for; an accelerator that cannot be used falls back to CPU. */
  device: DeviceChoice;
  layout: LayoutSetting;
  /** Smoothing passes of patch heatmaps (0 = raw patch similarities). */
  heatmapSmoothing: number;
  /** Per-input limits set by the user (0 in a setting = the engine's default, left out here). */
  limits: Partial<Limits>;
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
    device: deviceSetting(config.get<string>('device', DEFAULT_DEVICE)),
    layout: (LAYOUT_CHOICES as readonly string[]).includes(layout) ? (layout as LayoutSetting) : 'auto',
    heatmapSmoothing:
      Number.isInteger(smoothing) && smoothing >= 0
        ? Math.min(smoothing, MAX_HEATMAP_SMOOTHING)
        : DEFAULT_HEATMAP_SMOOTHING,
    limits: limitSettings(config),
  };
}

/** `radalign.reviewerName` as set (trimmed); '' when not set (then the git user, else the OS user: resolveReviewerName). */
export function configuredReviewerName(): string {
  return vscode.workspace.getConfiguration('radalign').get<string>('reviewerName', '').trim();
}

/** `radalign.advanceAfterVerdict`: after a verdict, go on to the next pair awaiting mine. */
export function advanceAfterVerdict(): boolean {
  return vscode.workspace.getConfiguration('radalign').get<boolean>('advanceAfterVerdict', true) !== false;
}

/** `radalign.limits.*`: the limits a user raised (or lowered); 0 or unset keeps the engine's default. */
function limitSettings(config: vscode.WorkspaceConfiguration): Partial<Limits> {
  const limits: Partial<Limits> = {};
  for (const key of ['maxImagePixels', 'maxReportBytes', 'maxManifestRows'] as const) {
    const value = positiveOrUndefined(config.get<number>(`limits.${key}`));
    if (value !== undefined) limits[key] = value;
  }
  return limits;
}

/** `radalign.device`, lower-cased; a value outside the enum (hand-edited settings.json) is the default. */
function deviceSetting(value: unknown): DeviceChoice {
  const v = typeof value === 'string' ? value.trim().toLowerCase() : value;
  return isDeviceChoice(v) ? v : DEFAULT_DEVICE;
}

/** 0 (the settings' default) means "let the engine decide". */
function positiveOrUndefined(value: number | undefined): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
