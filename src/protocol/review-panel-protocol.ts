// Messages between the extension host and the review panel's webview (webview/review-panel/),
// defined once as valibot schemas: the types are inferred from them, and both sides validate every
// message on arrival with `checkHostToWebview` / `checkWebviewToHost` and log what they reject (a
// webview is another process, and a stale webview after an update can speak an older protocol).
// The host sends what to render (`state`) and answers requests; the webview sends user intents,
// what it rendered, and requests for image pixels. What the panel shows of a pair is a slice of
// the results' schemas (engine/results-schema.ts) and of the review file's (review-format.ts), so
// a field added there is added here. Free of `vscode`, Node and the DOM: imported by both bundles.
import * as v from 'valibot';
import { count, finite, PairResultSchema, reportSourceProblem, SentenceResultSchema } from '../engine/results-schema';
import { FlagEntrySchema, JudgementSchema, mismatchedOnly } from '../engine/review/review-format';
import { FlagReasonSchema, VERDICTS, VerdictSchema } from '../engine/review/types';
import { ViewSettingsSchema } from './panel-persisted-state';
import {
  ReplySchema,
  describeIssues,
  requestSchemas,
  type MethodSchemas,
  type MethodTypes,
  type Reply,
  type RequestTo,
} from './request-reply';

export const REVIEW_PANEL_VIEW_TYPE = 'radalign.review';

const text = v.string('expected text');
const flag = v.boolean('expected true or false');
const pairId = text;

// ------------------------------------------------------------------ what the panel shows

/** A sentence as the results hold it (offsets into `PairView.reportText`), heatmap included. */
export const SentenceViewSchema = SentenceResultSchema;
export type SentenceView = v.InferOutput<typeof SentenceViewSchema>;
export type HeatmapView = NonNullable<SentenceView['heatmap']>;

/**
 * How the webview gets an image: a URL it can load, pixels it requests (`load-image`), or nothing:
 * the host refused the path the results name (outside the dataset folder, a symlink leading out,
 * missing), and the panel shows `reason` instead.
 */
export const ImageSourceSchema = v.variant('kind', [
  v.object({ kind: v.literal('uri'), uri: text }),
  v.object({ kind: v.literal('pixels') }),
  v.object({ kind: v.literal('unavailable'), reason: text }),
]);
export type ImageSource = v.InferOutput<typeof ImageSourceSchema>;

export const ImageRefSchema = v.object({
  /** File name relative to the dataset folder, for the label. */
  name: text,
  source: ImageSourceSchema,
});
export type ImageRef = v.InferOutput<typeof ImageRefSchema>;

/** A verdict or an adjudication as shown: a live one (never a cleared one), a reason only when mismatched. */
const judgementView = v.object({
  ...v.pick(JudgementSchema, ['reviewer', 'note', 'at', 'useReportOf']).entries,
  verdict: VerdictSchema,
  /** Why mismatched, when said (null otherwise). */
  reason: v.nullable(FlagReasonSchema),
});

/** The verdict that settles a pair, and who gave it. */
export const AdjudicationViewSchema = v.pipe(judgementView, ...mismatchedOnly<v.InferOutput<typeof judgementView>>());
export type AdjudicationView = v.InferOutput<typeof AdjudicationViewSchema>;

const verdictView = v.object({
  ...judgementView.entries,
  /** Given by the reviewer using this panel. */
  mine: flag,
});
/** One reviewer's verdict on the pair. */
export const VerdictViewSchema = v.pipe(verdictView, ...mismatchedOnly<v.InferOutput<typeof verdictView>>());
export type VerdictView = v.InferOutput<typeof VerdictViewSchema>;

/** A flag's fields as the review file holds them. */
const flagFields = v.pick(FlagEntrySchema.pipe[0], ['sentence', 'note', 'reviewer', 'at']).entries;

/**
 * A sentence flag, on the sentence it follows now (anchored by its text; see engine/review/anchor.ts):
 * `sentence` indexes `PairView.sentences`.
 */
export const FlagViewSchema = v.object({
  ...flagFields,
  reason: FlagReasonSchema,
  /** Made by the reviewer using this panel (only those can be removed here). */
  mine: flag,
});
export type FlagView = v.InferOutput<typeof FlagViewSchema>;

/**
 * A sentence flag whose sentence is no longer in the report: shown with the text it had, never
 * moved. `sentence` is its index when flagged.
 */
export const OrphanedFlagViewSchema = v.object({
  ...flagFields,
  /** The sentence's text when flagged; null for old flags that did not record it. */
  text: v.nullable(text),
  reason: FlagReasonSchema,
  mine: flag,
});
export type OrphanedFlagView = v.InferOutput<typeof OrphanedFlagViewSchema>;

/** The pair's standing (engine/review/review-index.ts): settled verdict, 'disagreed' or 'unreviewed'. */
export const OUTCOMES = [...VERDICTS, 'disagreed', 'unreviewed'] as const;
export type OutcomeView = (typeof OUTCOMES)[number];

const pairView = v.object({
  /** `reportFile` (relative to the dataset folder) or `reportRow` (its manifest row, "table.csv#row 3"): one of them. */
  ...v.pick(PairResultSchema.pipe[0], [
    'id',
    'reportFile',
    'reportRow',
    'reportText',
    'cosine',
    'suspicion',
    'rank',
    'reportRank',
    'imageRank',
    'bestReports',
    'sentences',
  ]).entries,
  images: v.array(ImageRefSchema, 'expected an array'),
  /** Every reviewer's live verdict, sorted by reviewer. */
  verdicts: v.array(VerdictViewSchema, 'expected an array'),
  adjudication: v.nullable(AdjudicationViewSchema),
  outcome: v.picklist(OUTCOMES),
  /** Reviewers' verdicts differ (whether or not an adjudication settles it). */
  disagreed: flag,
  /** Sentence flags of every reviewer, on the sentences they follow now. */
  flags: v.array(FlagViewSchema, 'expected an array'),
  /** Sentence flags whose sentence is gone from the report. */
  orphanedFlags: v.array(OrphanedFlagViewSchema, 'expected an array'),
});
export const PairViewSchema = v.pipe(
  pairView,
  v.forward(
    v.check(
      (p) => reportSourceProblem(p) === undefined,
      (issue) => reportSourceProblem(issue.input) ?? 'expected a reportFile or a reportRow',
    ),
    ['reportFile'],
  ),
);
export type PairView = v.InferOutput<typeof PairViewSchema>;

/** Key actions without a parameter. */
const PLAIN_KEY_ACTIONS = [
  'next-pair',
  'previous-pair',
  'next-unreviewed',
  'next-sentence',
  'previous-sentence',
  'clear-sentence',
  /** My flag on the selected sentence off, else my verdict cleared. */
  'unflag',
  'toggle-overlay',
  'cycle-colormap',
  'reset-view',
] as const;

export const KeyActionSchema = v.variant('type', [
  v.object({ type: v.picklist(PLAIN_KEY_ACTIONS) }),
  /** Sentence selected: flag it with the reason; none: my verdict mismatched with the reason. */
  v.object({ type: v.literal('flag'), reason: FlagReasonSchema }),
  /** My verdict on the pair (then, when the setting says so, the next unreviewed pair of my share). */
  v.object({ type: v.literal('verdict'), verdict: VerdictSchema }),
]);
export type KeyAction = v.InferOutput<typeof KeyActionSchema>;

export const KeyBindingSchema = v.object({
  /** `KeyboardEvent.key` values ('j', 'ArrowDown', 'S'); a shifted letter is its capital. */
  keys: v.array(text, 'expected an array of keys'),
  action: KeyActionSchema,
  /** What the panel's key legend says. */
  label: text,
});
export type KeyBinding = v.InferOutput<typeof KeyBindingSchema>;

/** Review progress over the pairs of the results. */
export const ProgressViewSchema = v.pipe(
  v.object({
    /** Pairs with a verdict of anyone (or an adjudication), of `total`. */
    reviewed: count,
    total: count,
    /** Pairs I gave a verdict. */
    mine: count,
    /** My share, when the assignment names me: its size and how many of it I judged. */
    share: v.nullable(
      v.pipe(
        v.object({ reviewed: count, assigned: count }),
        v.forward(
          v.check((s) => s.reviewed <= s.assigned, 'expected reviewed ≤ assigned'),
          ['reviewed'],
        ),
      ),
    ),
    /** Pairs whose reviewers disagree and that no adjudication settles. */
    disagreed: count,
  }),
  v.forward(
    v.check((p) => p.reviewed <= p.total, 'expected reviewed ≤ total'),
    ['reviewed'],
  ),
);
export type ProgressView = v.InferOutput<typeof ProgressViewSchema>;

export const PanelStateSchema = v.object({
  /** 'follow': shows the review session's selection; 'pinned': one pair opened for comparison. */
  mode: v.picklist(['follow', 'pinned']),
  pair: v.nullable(PairViewSchema),
  /** Selected sentence of `pair`. */
  sentence: v.nullable(count),
  /** Pairs in the session (for "rank / total"). */
  total: count,
  /** Who the panel records verdicts and flags as ('' when nothing is scored). */
  reviewer: text,
  progress: ProgressViewSchema,
  modelName: text,
  /** Why there is no pair (nothing scored yet, …). */
  notice: v.optional(text),
  keymap: v.array(KeyBindingSchema, 'expected an array of key bindings'),
  reasons: v.array(v.object({ id: FlagReasonSchema, label: text }), 'expected an array of reasons'),
  /** The verdicts' words in the display language. */
  verdicts: v.array(v.object({ id: VerdictSchema, label: text }), 'expected an array of verdicts'),
});
export type PanelState = v.InferOutput<typeof PanelStateSchema>;

/** Pixels decoded by the host (16-bit, DICOM) — see engine/image/display.ts. */
export const PixelImageSchema = v.pipe(
  v.object({
    width: count,
    height: count,
    sourceWidth: count,
    sourceHeight: count,
    channels: v.picklist([1, 3]),
    bits: v.picklist([8, 16]),
    /** The samples' bytes (platform byte order; 16-bit samples are two bytes each). */
    data: v.custom<Uint8Array>((x) => x instanceof Uint8Array, 'expected bytes (a Uint8Array)'),
    window: v.object({ center: finite, width: finite }),
    invert: flag,
    units: v.object({ scale: finite, offset: finite }),
  }),
  v.forward(
    v.check(
      (p) => p.data.length === p.width * p.height * p.channels * (p.bits / 8),
      (issue) => {
        const p = issue.input;
        return `expected width × height × channels × bits/8 = ${p.width * p.height * p.channels * (p.bits / 8)} bytes, got ${p.data.length}`;
      },
    ),
    ['data'],
  ),
);
export type PixelImage = v.InferOutput<typeof PixelImageSchema>;

// ------------------------------------------------------------------ what the webview drew

/**
 * What the webview drew, reported after every render, read from its own DOM: lets the host (and
 * tests) see what the page shows, not the state it was sent.
 */
export const RenderReportSchema = v.object({
  pairId: v.nullable(text),
  sentences: count,
  selectedSentence: v.nullable(count),
  /** Sentence whose heatmap is drawn (selected or hovered), or null. */
  heatmapSentence: v.nullable(count),
  heatmapDrawn: flag,
  imageIndex: count,
  imageLoaded: flag,
  /** The report pane's text, as rendered. */
  reportShown: text,
  /**
   * Sentence flags listed in the panel: the sentence index (null only from panels of an older
   * protocol), reason and reviewer, and the row's text as shown.
   */
  flagsShown: v.array(
    v.object({ sentence: v.nullable(count), reason: FlagReasonSchema, reviewer: text, text }),
    'expected an array',
  ),
  /** Flags listed as "sentence no longer in the report", with the text shown for them. */
  orphanedFlagsShown: v.array(v.object({ text, reason: FlagReasonSchema, reviewer: text }), 'expected an array'),
  /** Verdicts listed in the Verdicts section, mine marked, and the row's text as shown. */
  verdictsShown: v.array(v.object({ reviewer: text, verdict: VerdictSchema, mine: flag, text }), 'expected an array'),
  /** The adjudication shown, if any. */
  adjudicationShown: v.nullable(VerdictSchema),
  /** Whether the "disagreed" marker is shown. */
  disagreedShown: flag,
  /** Settle buttons shown (one per verdict; empty when the pair needs no settling). */
  settleShown: v.array(VerdictSchema, 'expected an array'),
  /** The header's progress text, as shown. */
  progressShown: text,
  /** The view settings in effect (restored from the webview's saved state after a reload). */
  view: ViewSettingsSchema,
});
export type RenderReport = v.InferOutput<typeof RenderReportSchema>;

/** A render report and what the canvases hold (pixels are read only on request: it costs a frame's worth). */
export const InspectionSchema = v.object({
  ...RenderReportSchema.entries,
  /** Pixels of the heatmap layer that are not transparent: 0 when no heatmap is drawn. */
  heatmapPixels: count,
  /** Pixels of the viewer (the heatmap layer's size), to compare with. */
  viewerPixels: count,
});
export type Inspection = v.InferOutput<typeof InspectionSchema>;

/**
 * A keystroke, typed text, or a click on the first element matching a CSS selector, that the host
 * asks the webview to perform (integration tests).
 */
export const InputStepSchema = v.union(
  [v.object({ key: text, shift: v.optional(flag) }), v.object({ text }), v.object({ click: text })],
  'expected a step {key, shift?}, {text} or {click}',
);
export type InputStep = v.InferOutput<typeof InputStepSchema>;

// ------------------------------------------------------------------ requests

/** Requests the webview makes. */
export const WEBVIEW_METHODS = {
  'load-image': { params: v.object({ pairId, index: count }), result: PixelImageSchema },
} satisfies MethodSchemas;
export type WebviewRequests = MethodTypes<typeof WEBVIEW_METHODS>;

/** Requests the host makes (test hooks: drive the UI path and read back what it drew). */
export const HOST_METHODS = {
  'simulate-input': {
    params: v.object({ steps: v.array(InputStepSchema, 'expected an array') }),
    result: RenderReportSchema,
  },
  inspect: { params: v.object({}), result: InspectionSchema },
} satisfies MethodSchemas;
export type HostRequests = MethodTypes<typeof HOST_METHODS>;

// ------------------------------------------------------------------ messages

const HostMessageSchema = v.variant('type', [v.object({ type: v.literal('state'), state: PanelStateSchema })]);

export type HostToWebview = v.InferOutput<typeof HostMessageSchema> | Reply | RequestTo<HostRequests>;

const sentenceTarget = { pairId, sentence: v.nullable(count) };

/** A verdict's or an adjudication's details. Left out, they keep mine while the verdict stays the same. */
const judgementDetails = {
  reason: v.optional(v.nullable(FlagReasonSchema)),
  note: v.optional(text),
  useReportOf: v.optional(text),
};

const verdictMessage = v.object({
  type: v.literal('verdict'),
  pairId,
  verdict: v.nullable(VerdictSchema),
  ...judgementDetails,
  advance: v.optional(flag),
});
const adjudicateMessage = v.object({
  type: v.literal('adjudicate'),
  pairId,
  verdict: v.nullable(VerdictSchema),
  ...judgementDetails,
});

const WebviewMessageSchema = v.variant('type', [
  v.object({ type: v.literal('ready') }),
  v.object({ type: v.literal('select-sentence'), ...sentenceTarget }),
  v.object({ type: v.literal('navigate'), to: v.picklist(['next', 'previous', 'next-unreviewed']) }),
  v.object({ type: v.literal('flag'), ...sentenceTarget, reason: FlagReasonSchema, note: text }),
  v.object({ type: v.literal('unflag'), ...sentenceTarget }),
  /**
   * My verdict on the pair (null clears it). `reason`/`note`/`useReportOf` left out keep mine
   * while the verdict stays the same (pressing `x` again keeps the reason), else start empty.
   * `advance`: a verdict given with its key or button: go to the next unreviewed pair of my share
   * when the setting radalign.advanceAfterVerdict is on (follow panels only).
   */
  v.pipe(verdictMessage, ...mismatchedOnly<v.InferOutput<typeof verdictMessage>>()),
  /** Removes my flag whose sentence is gone, named by the text it had (by its index when it recorded none). */
  v.object({ type: v.literal('remove-orphaned-flag'), pairId, text: v.nullable(text), sentence: count }),
  /** Settles the pair (null removes the adjudication). */
  v.pipe(adjudicateMessage, ...mismatchedOnly<v.InferOutput<typeof adjudicateMessage>>()),
  v.object({ type: v.literal('open-other'), pairId }),
  v.object({ type: v.literal('rendered'), report: RenderReportSchema }),
  /** Something went wrong in the webview (a rejected message, a failed image): for the host's log. */
  v.object({ type: v.literal('problem'), message: text }),
]);

export type WebviewToHost = v.InferOutput<typeof WebviewMessageSchema> | Reply | RequestTo<WebviewRequests>;

// ------------------------------------------------------------------ validation

export type Checked<T> = { ok: true; message: T } | { ok: false; problem: string };

const HOST_TO_WEBVIEW = { messages: HostMessageSchema, requests: requestSchemas(HOST_METHODS) };
const WEBVIEW_TO_HOST = { messages: WebviewMessageSchema, requests: requestSchemas(WEBVIEW_METHODS) };

/** Validates a message arriving in the webview. */
export function checkHostToWebview(value: unknown): Checked<HostToWebview> {
  return check(HOST_TO_WEBVIEW, value);
}

/** Validates a message arriving in the host. */
export function checkWebviewToHost(value: unknown): Checked<WebviewToHost> {
  return check(WEBVIEW_TO_HOST, value);
}

function check<T>(schemas: { messages: v.GenericSchema; requests: v.GenericSchema }, value: unknown): Checked<T> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, problem: 'message is not an object' };
  const { type, method } = value as { type?: unknown; method?: unknown };
  const schema = type === 'reply' ? ReplySchema : type === 'request' ? schemas.requests : schemas.messages;
  const parsed = v.safeParse(schema, value);
  if (parsed.success) return { ok: true, message: parsed.output as T };
  const first = parsed.issues[0];
  // The variant's own issue: the type (or method) names no message (or request) of this direction.
  const key = first.type === 'variant' && first.path?.length === 1 ? first.path[0].key : undefined;
  if (key === 'type' || key === 'method')
    return {
      ok: false,
      problem: `unknown ${key === 'type' ? 'message type' : 'request method'} ${JSON.stringify(first.input)}`,
    };
  const label = type === 'request' ? `request ${String(method)}` : `${String(type)} message`;
  return { ok: false, problem: `${label}: ${describeIssues(parsed.issues)}` };
}
