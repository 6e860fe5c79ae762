// Messages between the extension host and the scoring worker (dist/score-worker.js), a forked
// Node process. One request per worker: the worker scores, saves the results store in the folder's
// `.radalign/` (or, when that is refused, a temporary folder), replies with `result` naming where
// the store is (a path, never the results themselves: 227,000 pairs do not fit a message) or
// `error`, and exits. Cancelling is killing the process.
import type { LayoutName, ScoreProgress } from '../engine';
import type { Limits } from '../engine/limits';
import type { DeviceChoice } from '../engine/model/types';

/** Host → worker: what to score. */
export interface ScoreRequest {
  type: 'score';
  /** Absolute dataset folder. */
  folder: string;
  /** Absolute model folder. */
  modelDir: string;
  batchSize?: number;
  threads?: number;
  /**
   * Execution provider to ask for (`radalign.device`); default 'cpu'. One that cannot be used falls back to CPU with a
   * note; an unknown value is refused by the engine with a message naming the allowed ones.
   */
  device?: DeviceChoice;
  /** Pairing layout hint (`radalign.layout`); default 'auto'. */
  layout?: LayoutName | 'auto';
  /** Passes of patch-heatmap smoothing (`radalign.heatmapSmoothing`); default the engine's. */
  heatmapSmoothing?: number;
  /** Per-input limits (`radalign.limits.*`); the engine's defaults for those left out. */
  limits?: Partial<Limits>;
}

/** Worker → host. */
export type WorkerMessage =
  | { type: 'progress'; progress: ScoreProgress }
  | { type: 'result'; store: StoreAt; saved: SaveOutcome }
  | { type: 'error'; error: WorkerError };

/** Where the worker wrote the results store: the dataset's `.radalign`, or a temporary folder the host reads and removes. */
export type StoreAt = { in: 'dataset' } | { in: 'temporary'; dir: string };

/** Where the results were saved, or why they could not be (e.g. `.radalign` is a planted link). */
export type SaveOutcome = { ok: true; file: string } | { ok: false; problem: string };

export interface WorkerError {
  /**
   * 'model': the model folder is missing or broken (the user should fix `radalign.modelPath`);
   * 'dataset': the run could not start on this folder; 'internal': anything else (a bug).
   */
  kind: 'model' | 'dataset' | 'internal';
  message: string;
  stack?: string;
}

const WORKER_MESSAGE_TYPES: ReadonlySet<string> = new Set(['progress', 'result', 'error']);

/** IPC delivers `unknown`: accept only our message shapes. */
export function isWorkerMessage(value: unknown): value is WorkerMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    WORKER_MESSAGE_TYPES.has((value as { type?: unknown }).type as string)
  );
}

export function isScoreRequest(value: unknown): value is ScoreRequest {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<ScoreRequest>;
  return (
    r.type === 'score' &&
    typeof r.folder === 'string' &&
    typeof r.modelDir === 'string' &&
    (r.device === undefined || typeof r.device === 'string')
  );
}
