// Messages between the extension host and the scoring worker (dist/score-worker.js), a forked
// Node process. One request per worker, in the shared request/reply envelope (request-reply.ts):
// the worker scores, saves the results store in the folder's `.radalign/` (or, when that is
// refused, a temporary folder), sends progress meanwhile, replies with where the store is (a
// path, never the results themselves: 227,000 pairs do not fit a message) or why it failed, and
// exits. Cancelling is killing the process.
import * as v from 'valibot';
import type { Limits } from '../engine/limits';
import type { DeviceChoice } from '../engine/model/types';
import type { ScoreProgress } from '../engine/pipeline/score-dataset';
import { count, finite } from '../engine/results-schema';
import { LAYOUT_CHOICES } from '../engine/types';
import { ReplySchema, requestSchemas, type MethodSchemas, type MethodTypes } from './request-reply';

const text = v.string('expected text');
const isObject = (x: unknown): boolean => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Host → worker: what to score. */
const ScoreParamsSchema = v.object({
  /** Absolute dataset folder. */
  folder: text,
  /** Absolute model folder. */
  modelDir: text,
  batchSize: v.optional(count),
  threads: v.optional(count),
  /**
   * Execution provider to ask for (`radalign.device`); default 'cpu'. One that cannot be used falls back to CPU with a
   * note; an unknown value is refused by the engine with a message naming the allowed ones (so any text passes here).
   */
  device: v.optional(v.custom<DeviceChoice>((x) => typeof x === 'string', 'expected text')),
  /** Pairing layout hint (`radalign.layout`); default 'auto'. */
  layout: v.optional(v.picklist(LAYOUT_CHOICES)),
  /** Passes of patch-heatmap smoothing (`radalign.heatmapSmoothing`); default the engine's. */
  heatmapSmoothing: v.optional(finite),
  /** Per-input limits (`radalign.limits.*`); the engine's defaults for those left out (the engine checks them). */
  limits: v.optional(v.custom<Partial<Limits>>(isObject, 'expected an object')),
});
export type ScoreParams = v.InferOutput<typeof ScoreParamsSchema>;

/** Where the worker wrote the results store: the dataset's `.radalign`, or a temporary folder the host reads and removes. */
const StoreAtSchema = v.variant('in', [
  v.object({ in: v.literal('dataset') }),
  v.object({ in: v.literal('temporary'), dir: text }),
]);
export type StoreAt = v.InferOutput<typeof StoreAtSchema>;

/** Where the results were saved, or why they could not be (e.g. `.radalign` is a planted link). */
const SaveOutcomeSchema = v.variant('ok', [
  v.object({ ok: v.literal(true), file: text }),
  v.object({ ok: v.literal(false), problem: text }),
]);
export type SaveOutcome = v.InferOutput<typeof SaveOutcomeSchema>;

const WorkerErrorSchema = v.object({
  /**
   * 'model': the model folder is missing or broken (the user should fix `radalign.modelPath`);
   * 'dataset': the run could not start on this folder; 'internal': anything else (a bug).
   */
  kind: v.picklist(['model', 'dataset', 'internal']),
  message: text,
  stack: v.optional(text),
});
export type WorkerError = v.InferOutput<typeof WorkerErrorSchema>;

/** The run's outcome: a failed run is a reply too (the request was handled; scoring failed). */
const ScoreResultSchema = v.variant('status', [
  v.object({ status: v.literal('done'), store: StoreAtSchema, saved: SaveOutcomeSchema }),
  v.object({ status: v.literal('failed'), error: WorkerErrorSchema }),
]);
export type ScoreResult = v.InferOutput<typeof ScoreResultSchema>;

export const SCORE_METHODS = {
  score: { params: ScoreParamsSchema, result: ScoreResultSchema },
} satisfies MethodSchemas;
export type ScoreRequests = MethodTypes<typeof SCORE_METHODS>;

/** What the worker accepts. */
export const ScoreRequestSchema = requestSchemas(SCORE_METHODS);

const ProgressMessageSchema = v.object({
  type: v.literal('progress'),
  progress: v.custom<ScoreProgress>(isObject, 'expected progress'),
});

/** Worker → host: progress while scoring, then the reply. */
export const WorkerMessageSchema = v.union([ProgressMessageSchema, ReplySchema]);
export type WorkerMessage = v.InferOutput<typeof WorkerMessageSchema>;
