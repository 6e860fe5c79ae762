// Messages between the extension host and the review panel's webview (webview/review-panel/).
// The host sends what to render (`state`) and answers requests; the webview sends user intents,
// what it rendered, and requests for image pixels. Both sides validate every message on arrival
// with `checkHostToWebview` / `checkWebviewToHost` and log what they reject: a webview is another
// process, and a stale webview (after an update) can speak an older protocol.
// Free of `vscode` and the DOM: imported by both bundles and by unit tests.
import { FLAG_REASONS, VERDICTS, isVerdict, type FlagReason, type Verdict } from '../engine/review/types';

export const REVIEW_PANEL_VIEW_TYPE = 'radalign.review';

export type ColormapName = 'turbo' | 'hot' | 'grey';
export const COLORMAP_NAMES: readonly ColormapName[] = ['turbo', 'hot', 'grey'];

// ------------------------------------------------------------------ what the panel shows

export interface HeatmapView {
  kind: 'patch' | 'occlusion';
  imageIndex: number;
  rows: number;
  cols: number;
  values: number[];
  /** [x0, y0, x1, y1] in original image pixels. */
  box: [number, number, number, number];
}

export interface SentenceView {
  text: string;
  section: string;
  /** Offsets into `PairView.reportText` (end exclusive). */
  start: number;
  end: number;
  /** Image and report-consistency evidence combined (see src/engine/scoring/combine.ts). */
  score: number;
  /** Cosine with the best-matching image. */
  imageScore: number;
  /** Fit with the rest of the report (0..1), or null when it cannot be judged. */
  consistency: number | null;
  negated: boolean;
  uncertain: boolean;
  describesImage: boolean;
  heatmap?: HeatmapView;
}

/** A sentence flag, on the sentence it follows now (anchored by its text; see engine/review/anchor.ts). */
export interface FlagView {
  /** Index of the sentence in `PairView.sentences`. */
  sentence: number;
  reason: FlagReason;
  note: string;
  reviewer: string;
  at: string;
  /** Made by the reviewer using this panel (only those can be removed here). */
  mine: boolean;
}

/** A sentence flag whose sentence is no longer in the report: shown with the text it had, never moved. */
export interface OrphanedFlagView {
  /** The sentence's text when flagged; null for old flags that did not record it. */
  text: string | null;
  /** Sentence index when flagged. */
  sentence: number;
  reason: FlagReason;
  note: string;
  reviewer: string;
  at: string;
  mine: boolean;
}

/** One reviewer's verdict on the pair. */
export interface VerdictView {
  reviewer: string;
  verdict: Verdict;
  /** Why mismatched, when said (null otherwise). */
  reason: FlagReason | null;
  note: string;
  at: string;
  /** The pair whose report the reviewer says belongs to these images, if they said so. */
  useReportOf?: string;
  /** Given by the reviewer using this panel. */
  mine: boolean;
}

/** The verdict that settles a pair, and who gave it. */
export type AdjudicationView = Omit<VerdictView, 'mine'>;

/** The pair's standing (engine/review/review-index.ts): settled verdict, 'disagreed' or 'unreviewed'. */
export type OutcomeView = Verdict | 'disagreed' | 'unreviewed';
export const OUTCOMES: readonly OutcomeView[] = [...VERDICTS, 'disagreed', 'unreviewed'];

/**
 * How the webview gets an image: a URL it can load, pixels it requests (`load-image`), or nothing:
 * the host refused the path the results name (outside the dataset folder, a symlink leading out,
 * missing), and the panel shows `reason` instead.
 */
export type ImageSource = { kind: 'uri'; uri: string } | { kind: 'pixels' } | { kind: 'unavailable'; reason: string };

export interface ImageRef {
  /** File name relative to the dataset folder, for the label. */
  name: string;
  source: ImageSource;
}

export interface PairView {
  id: string;
  reportName: string;
  reportText: string;
  images: ImageRef[];
  score: number;
  suspicion: number;
  rank: number;
  reportRank: number;
  imageRank: number;
  bestReports: { id: string; score: number }[];
  sentences: SentenceView[];
  /** Every reviewer's live verdict, sorted by reviewer. */
  verdicts: VerdictView[];
  adjudication: AdjudicationView | null;
  outcome: OutcomeView;
  /** Reviewers' verdicts differ (whether or not an adjudication settles it). */
  disagreed: boolean;
  /** Sentence flags of every reviewer, on the sentences they follow now. */
  flags: FlagView[];
  /** Sentence flags whose sentence is gone from the report. */
  orphanedFlags: OrphanedFlagView[];
}

export type KeyAction =
  | { type: 'next-pair' }
  | { type: 'previous-pair' }
  | { type: 'next-unreviewed' }
  | { type: 'next-sentence' }
  | { type: 'previous-sentence' }
  | { type: 'clear-sentence' }
  /** Sentence selected: flag it with the reason; none: my verdict mismatched with the reason. */
  | { type: 'flag'; reason: FlagReason }
  /** My verdict on the pair (then, when the setting says so, the next unreviewed pair of my share). */
  | { type: 'verdict'; verdict: Verdict }
  /** My flag on the selected sentence off, else my verdict cleared. */
  | { type: 'unflag' }
  | { type: 'toggle-overlay' }
  | { type: 'cycle-colormap' }
  | { type: 'reset-view' };

export interface KeyBinding {
  /** `KeyboardEvent.key` values ('j', 'ArrowDown', 'S'); a shifted letter is its capital. */
  keys: string[];
  action: KeyAction;
  /** What the panel's key legend says. */
  label: string;
}

export interface PanelState {
  /** 'follow': shows the review session's selection; 'pinned': one pair opened for comparison. */
  mode: 'follow' | 'pinned';
  pair: PairView | null;
  /** Selected sentence of `pair`. */
  sentence: number | null;
  /** Pairs in the session (for "rank / total"). */
  total: number;
  /** Who the panel records verdicts and flags as ('' when nothing is scored). */
  reviewer: string;
  progress: ProgressView;
  modelName: string;
  /** Why there is no pair (nothing scored yet, …). */
  notice?: string;
  keymap: KeyBinding[];
  reasons: { id: FlagReason; label: string }[];
}

/** Review progress over the pairs of the results. */
export interface ProgressView {
  /** Pairs with a verdict of anyone (or an adjudication), of `total`. */
  reviewed: number;
  total: number;
  /** Pairs I gave a verdict. */
  mine: number;
  /** My share, when the assignment names me: its size and how many of it I judged. */
  share: { reviewed: number; assigned: number } | null;
  /** Pairs whose reviewers disagree and that no adjudication settles. */
  disagreed: number;
}

/** Pixels decoded by the host (16-bit, DICOM) — see engine/image/display.ts. */
export interface PixelImage {
  width: number;
  height: number;
  sourceWidth: number;
  sourceHeight: number;
  channels: 1 | 3;
  bits: 8 | 16;
  /** The samples' bytes (platform byte order; 16-bit samples are two bytes each). */
  data: Uint8Array;
  window: { center: number; width: number };
  invert: boolean;
  units: { scale: number; offset: number };
}

/** What the webview drew, reported after every render: lets the host (and tests) see the panel work. */
export interface RenderReport {
  pairId: string | null;
  sentences: number;
  selectedSentence: number | null;
  /** Sentence whose heatmap is drawn (selected or hovered), or null. */
  heatmapSentence: number | null;
  heatmapDrawn: boolean;
  imageIndex: number;
  imageLoaded: boolean;
  /**
   * Sentence flags listed in the panel (read from its DOM): the sentence index (null only from
   * panels of an older protocol), reason and reviewer.
   */
  flagsShown: { sentence: number | null; reason: FlagReason; reviewer: string }[];
  /** Flags listed as "sentence no longer in the report", with the text shown for them. */
  orphanedFlagsShown: { text: string; reason: FlagReason; reviewer: string }[];
  /** Verdicts listed in the Verdicts section (read from its DOM), mine marked. */
  verdictsShown: { reviewer: string; verdict: Verdict; mine: boolean }[];
  /** The adjudication shown, if any. */
  adjudicationShown: Verdict | null;
  /** Whether the "disagreed" marker is shown. */
  disagreedShown: boolean;
  /** Settle buttons shown (one per verdict; empty when the pair needs no settling). */
  settleShown: Verdict[];
  /** The header's progress text, as shown. */
  progressShown: string;
  /** The view settings in effect (restored from the webview's saved state after a reload). */
  view: ViewSettings;
}

/**
 * A keystroke, typed text, or a click on the first element matching a CSS selector, that the host
 * asks the webview to perform (integration tests).
 */
export type InputStep = { key: string; shift?: boolean } | { text: string } | { click: string };

// ------------------------------------------------------------------ requests and replies

/** Requests the webview makes, with their parameters and results. */
export interface WebviewRequests {
  'load-image': { params: { pairId: string; index: number }; result: PixelImage };
}

/** Requests the host makes (test hooks: drive the UI path and read back what it drew). */
export interface HostRequests {
  'simulate-input': { params: { steps: InputStep[] }; result: RenderReport };
  inspect: { params: Record<string, never>; result: RenderReport };
}

type RequestOf<R> = {
  [M in keyof R]: {
    type: 'request';
    requestId: number;
    method: M;
    params: R[M] extends { params: infer P } ? P : never;
  };
}[keyof R];

export type Reply =
  | { type: 'reply'; requestId: number; ok: true; result: unknown }
  | { type: 'reply'; requestId: number; ok: false; error: string };

export type HostToWebview = { type: 'state'; state: PanelState } | Reply | RequestOf<HostRequests>;

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'select-sentence'; pairId: string; sentence: number | null }
  | { type: 'navigate'; to: 'next' | 'previous' | 'next-unreviewed' }
  | { type: 'flag'; pairId: string; sentence: number | null; reason: FlagReason; note: string }
  | { type: 'unflag'; pairId: string; sentence: number | null }
  /**
   * My verdict on the pair (null clears it). `reason`/`note`/`useReportOf` left out keep mine
   * while the verdict stays the same (pressing `x` again keeps the reason), else start empty.
   * `advance`: a verdict given with its key or button: go to the next unreviewed pair of my share
   * when the setting radalign.advanceAfterVerdict is on (follow panels only).
   */
  | {
      type: 'verdict';
      pairId: string;
      verdict: Verdict | null;
      reason?: FlagReason | null;
      note?: string;
      useReportOf?: string;
      advance?: boolean;
    }
  /** Removes my flag whose sentence is gone, named by the text it had (by its index when it recorded none). */
  | { type: 'remove-orphaned-flag'; pairId: string; text: string | null; sentence: number }
  /** Settles the pair (null removes the adjudication). */
  | {
      type: 'adjudicate';
      pairId: string;
      verdict: Verdict | null;
      reason?: FlagReason | null;
      note?: string;
      useReportOf?: string;
    }
  | { type: 'open-other'; pairId: string }
  | { type: 'rendered'; report: RenderReport }
  /** Something went wrong in the webview (a rejected message, a failed image): for the host's log. */
  | { type: 'problem'; message: string }
  | Reply
  | RequestOf<WebviewRequests>;

// ------------------------------------------------------------------ validation

export type Checked<T> = { ok: true; message: T } | { ok: false; problem: string };

type Guard = (v: Record<string, unknown>) => string | undefined;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isIndex = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isIndexOrNull = (v: unknown): boolean => v === null || isIndex(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';

/** First problem among `[ok, what]` checks, named by `what`. */
function firstProblem(checks: [boolean, string][]): string | undefined {
  for (const [ok, what] of checks) if (!ok) return what;
  return undefined;
}

function checkHeatmap(v: unknown): boolean {
  if (!isRecord(v)) return false;
  const { rows, cols, values, box } = v;
  return (
    (v.kind === 'patch' || v.kind === 'occlusion') &&
    isIndex(v.imageIndex) &&
    isIndex(rows) &&
    isIndex(cols) &&
    rows * cols > 0 &&
    Array.isArray(values) &&
    values.length === rows * cols &&
    values.every(isNum) &&
    Array.isArray(box) &&
    box.length === 4 &&
    box.every(isNum)
  );
}

function checkSentence(v: unknown): boolean {
  return (
    isRecord(v) &&
    isStr(v.text) &&
    isStr(v.section) &&
    isIndex(v.start) &&
    isIndex(v.end) &&
    isNum(v.score) &&
    isNum(v.imageScore) &&
    (v.consistency === null || isNum(v.consistency)) &&
    isBool(v.negated) &&
    isBool(v.uncertain) &&
    isBool(v.describesImage) &&
    (v.heatmap === undefined || checkHeatmap(v.heatmap))
  );
}

const isOptStr = (v: unknown): boolean => v === undefined || isStr(v);
const isReasonOrNull = (v: unknown): boolean => v === null || isReason(v);

function checkFlag(v: unknown): boolean {
  return (
    isRecord(v) &&
    isIndex(v.sentence) &&
    isReason(v.reason) &&
    isStr(v.note) &&
    isStr(v.reviewer) &&
    isStr(v.at) &&
    isBool(v.mine)
  );
}

function checkOrphanedFlag(v: unknown): boolean {
  return (
    isRecord(v) &&
    (v.text === null || isStr(v.text)) &&
    isIndex(v.sentence) &&
    isReason(v.reason) &&
    isStr(v.note) &&
    isStr(v.reviewer) &&
    isStr(v.at) &&
    isBool(v.mine)
  );
}

/** A verdict or adjudication as shown: a reason only on a mismatched verdict. */
function checkJudgement(v: unknown): v is Record<string, unknown> {
  return (
    isRecord(v) &&
    isStr(v.reviewer) &&
    isVerdict(v.verdict) &&
    isReasonOrNull(v.reason) &&
    (v.reason === null || v.verdict === 'mismatched') &&
    isStr(v.note) &&
    isStr(v.at) &&
    isOptStr(v.useReportOf)
  );
}

function checkImageRef(v: unknown): boolean {
  if (!isRecord(v) || !isStr(v.name) || !isRecord(v.source)) return false;
  return (
    (v.source.kind === 'uri' && isStr(v.source.uri)) ||
    v.source.kind === 'pixels' ||
    (v.source.kind === 'unavailable' && isStr(v.source.reason))
  );
}

function checkPair(v: unknown): string | undefined {
  if (!isRecord(v)) return 'pair is not an object';
  return firstProblem([
    [isStr(v.id) && isStr(v.reportName) && isStr(v.reportText), 'pair id/report'],
    [
      isNum(v.score) && isNum(v.suspicion) && isIndex(v.rank) && isNum(v.reportRank) && isNum(v.imageRank),
      'pair scores',
    ],
    [Array.isArray(v.images) && v.images.every(checkImageRef), 'pair images'],
    [
      Array.isArray(v.bestReports) && v.bestReports.every((b) => isRecord(b) && isStr(b.id) && isNum(b.score)),
      'pair bestReports',
    ],
    [Array.isArray(v.sentences) && v.sentences.every(checkSentence), 'pair sentences'],
    [Array.isArray(v.verdicts) && v.verdicts.every((x) => checkJudgement(x) && isBool(x.mine)), 'pair verdicts'],
    [v.adjudication === null || checkJudgement(v.adjudication), 'pair adjudication'],
    [OUTCOMES.includes(v.outcome as OutcomeView) && isBool(v.disagreed), 'pair outcome'],
    [Array.isArray(v.flags) && v.flags.every(checkFlag), 'pair flags'],
    [Array.isArray(v.orphanedFlags) && v.orphanedFlags.every(checkOrphanedFlag), 'pair orphanedFlags'],
  ]);
}

const KEY_ACTION_TYPES = new Set([
  'next-pair',
  'previous-pair',
  'next-unreviewed',
  'next-sentence',
  'previous-sentence',
  'clear-sentence',
  'unflag',
  'toggle-overlay',
  'cycle-colormap',
  'reset-view',
]);

function checkKeyAction(v: unknown): boolean {
  if (!isRecord(v)) return false;
  if (v.type === 'flag') return isReason(v.reason);
  if (v.type === 'verdict') return isVerdict(v.verdict);
  return KEY_ACTION_TYPES.has(v.type as string);
}

function checkState(v: unknown): string | undefined {
  if (!isRecord(v)) return 'state is not an object';
  const keymapOk =
    Array.isArray(v.keymap) &&
    v.keymap.every(
      (b) => isRecord(b) && Array.isArray(b.keys) && b.keys.every(isStr) && isStr(b.label) && checkKeyAction(b.action),
    );
  return (
    firstProblem([
      [v.mode === 'follow' || v.mode === 'pinned', 'state mode'],
      [isIndexOrNull(v.sentence), 'state sentence'],
      [isIndex(v.total) && isStr(v.modelName), 'state counts'],
      [isStr(v.reviewer), 'state reviewer'],
      [checkProgress(v.progress), 'state progress'],
      [v.notice === undefined || isStr(v.notice), 'state notice'],
      [keymapOk, 'state keymap'],
      [
        Array.isArray(v.reasons) && v.reasons.every((r) => isRecord(r) && isReason(r.id) && isStr(r.label)),
        'state reasons',
      ],
    ]) ?? (v.pair === null ? undefined : checkPair(v.pair))
  );
}

function checkProgress(v: unknown): boolean {
  if (!isRecord(v)) return false;
  const share = v.share;
  const shareOk =
    share === null ||
    (isRecord(share) && isIndex(share.reviewed) && isIndex(share.assigned) && share.reviewed <= share.assigned);
  return (
    isIndex(v.reviewed) &&
    isIndex(v.total) &&
    v.reviewed <= v.total &&
    isIndex(v.mine) &&
    isIndex(v.disagreed) &&
    shareOk
  );
}

export function isReason(v: unknown): v is FlagReason {
  return isStr(v) && (FLAG_REASONS as readonly string[]).includes(v);
}

export function checkRenderReport(v: unknown): string | undefined {
  if (!isRecord(v)) return 'report is not an object';
  return firstProblem([
    [v.pairId === null || isStr(v.pairId), 'report pairId'],
    [isIndex(v.sentences) && isIndexOrNull(v.selectedSentence) && isIndexOrNull(v.heatmapSentence), 'report sentences'],
    [isBool(v.heatmapDrawn) && isIndex(v.imageIndex) && isBool(v.imageLoaded), 'report image'],
    [
      Array.isArray(v.flagsShown) &&
        v.flagsShown.every((f) => isRecord(f) && isIndexOrNull(f.sentence) && isReason(f.reason) && isStr(f.reviewer)),
      'report flagsShown',
    ],
    [
      Array.isArray(v.orphanedFlagsShown) &&
        v.orphanedFlagsShown.every((f) => isRecord(f) && isStr(f.text) && isReason(f.reason) && isStr(f.reviewer)),
      'report orphanedFlagsShown',
    ],
    [
      Array.isArray(v.verdictsShown) &&
        v.verdictsShown.every((x) => isRecord(x) && isStr(x.reviewer) && isVerdict(x.verdict) && isBool(x.mine)),
      'report verdictsShown',
    ],
    [
      (v.adjudicationShown === null || isVerdict(v.adjudicationShown)) && isBool(v.disagreedShown),
      'report adjudication',
    ],
    [
      Array.isArray(v.settleShown) && v.settleShown.every(isVerdict) && isStr(v.progressShown),
      'report settle/progress',
    ],
    [
      isRecord(v.view) &&
        COLORMAP_NAMES.includes(v.view.colormap as ColormapName) &&
        isNum(v.view.opacity) &&
        isBool(v.view.overlay),
      'report view',
    ],
  ]);
}

export function checkPixelImage(v: unknown): string | undefined {
  if (!isRecord(v)) return 'image is not an object';
  const bytesPerSample = v.bits === 16 ? 2 : 1;
  const size =
    isIndex(v.width) && isIndex(v.height) && (v.channels === 1 || v.channels === 3)
      ? v.width * v.height * v.channels * bytesPerSample
      : -1;
  return firstProblem([
    [isIndex(v.sourceWidth) && isIndex(v.sourceHeight), 'image source size'],
    [v.bits === 8 || v.bits === 16, 'image bits'],
    [v.data instanceof Uint8Array && v.data.length === size, 'image data (bytes for width × height × channels)'],
    [isRecord(v.window) && isNum(v.window.center) && isNum(v.window.width), 'image window'],
    [isBool(v.invert) && isRecord(v.units) && isNum(v.units.scale) && isNum(v.units.offset), 'image units'],
  ]);
}

function checkInputStep(v: unknown): boolean {
  return (
    isRecord(v) && ((isStr(v.key) && (v.shift === undefined || isBool(v.shift))) || isStr(v.text) || isStr(v.click))
  );
}

function checkReply(v: Record<string, unknown>): string | undefined {
  if (!isIndex(v.requestId)) return 'reply requestId';
  if (v.ok === true) return 'result' in v ? undefined : 'reply result';
  return v.ok === false && isStr(v.error) ? undefined : 'reply ok/error';
}

const HOST_REQUEST_PARAMS: Record<keyof HostRequests, (p: unknown) => boolean> = {
  'simulate-input': (p) => isRecord(p) && Array.isArray(p.steps) && p.steps.every(checkInputStep),
  inspect: isRecord,
};

const WEBVIEW_REQUEST_PARAMS: Record<keyof WebviewRequests, (p: unknown) => boolean> = {
  'load-image': (p) => isRecord(p) && isStr(p.pairId) && isIndex(p.index),
};

function requestGuard(params: Record<string, (p: unknown) => boolean>): Guard {
  return (v) => {
    if (!isIndex(v.requestId)) return 'request requestId';
    const check = isStr(v.method) ? params[v.method] : undefined;
    if (!check) return `unknown request method ${JSON.stringify(v.method)}`;
    return check(v.params) ? undefined : `bad params for ${v.method}`;
  };
}

const HOST_TO_WEBVIEW: Record<HostToWebview['type'], Guard> = {
  state: (v) => checkState(v.state),
  reply: checkReply,
  request: requestGuard(HOST_REQUEST_PARAMS),
};

const WEBVIEW_TO_HOST: Record<WebviewToHost['type'], Guard> = {
  ready: () => undefined,
  'select-sentence': (v) => firstProblem([[isStr(v.pairId) && isIndexOrNull(v.sentence), 'select-sentence target']]),
  navigate: (v) =>
    firstProblem([[v.to === 'next' || v.to === 'previous' || v.to === 'next-unreviewed', 'navigate to']]),
  flag: (v) =>
    firstProblem([
      [isStr(v.pairId) && isIndexOrNull(v.sentence), 'flag target'],
      [isReason(v.reason), 'flag reason'],
      [isStr(v.note), 'flag note'],
    ]),
  unflag: (v) => firstProblem([[isStr(v.pairId) && isIndexOrNull(v.sentence), 'unflag target']]),
  verdict: (v) =>
    firstProblem([
      [isStr(v.pairId), 'verdict pairId'],
      [v.verdict === null || isVerdict(v.verdict), 'verdict verdict'],
      [
        v.reason === undefined || (isReasonOrNull(v.reason) && (v.reason === null || v.verdict === 'mismatched')),
        'verdict reason (only for mismatched)',
      ],
      [isOptStr(v.note), 'verdict note'],
      [
        v.useReportOf === undefined || (isStr(v.useReportOf) && v.verdict === 'mismatched'),
        'verdict useReportOf (only for mismatched)',
      ],
      [v.advance === undefined || isBool(v.advance), 'verdict advance'],
    ]),
  'remove-orphaned-flag': (v) =>
    firstProblem([
      [isStr(v.pairId) && (v.text === null || isStr(v.text)) && isIndex(v.sentence), 'remove-orphaned-flag target'],
    ]),
  adjudicate: (v) =>
    firstProblem([
      [isStr(v.pairId), 'adjudicate pairId'],
      [v.verdict === null || isVerdict(v.verdict), 'adjudicate verdict'],
      [
        v.reason === undefined || (isReasonOrNull(v.reason) && (v.reason === null || v.verdict === 'mismatched')),
        'adjudicate reason (only for mismatched)',
      ],
      [isOptStr(v.note), 'adjudicate note'],
      [
        v.useReportOf === undefined || (isStr(v.useReportOf) && v.verdict === 'mismatched'),
        'adjudicate useReportOf (only for mismatched)',
      ],
    ]),
  'open-other': (v) => firstProblem([[isStr(v.pairId), 'open-other pairId']]),
  rendered: (v) => checkRenderReport(v.report),
  problem: (v) => firstProblem([[isStr(v.message), 'problem message']]),
  reply: checkReply,
  request: requestGuard(WEBVIEW_REQUEST_PARAMS),
};

function check<T>(guards: Record<string, Guard>, value: unknown): Checked<T> {
  if (!isRecord(value)) return { ok: false, problem: 'message is not an object' };
  const guard = isStr(value.type) && Object.hasOwn(guards, value.type) ? guards[value.type] : undefined;
  if (!guard) return { ok: false, problem: `unknown message type ${JSON.stringify(value.type)}` };
  const problem = guard(value);
  return problem ? { ok: false, problem: `${value.type}: ${problem}` } : { ok: true, message: value as T };
}

/** Validates a message arriving in the webview. */
export function checkHostToWebview(value: unknown): Checked<HostToWebview> {
  return check(HOST_TO_WEBVIEW, value);
}

/** Validates a message arriving in the host. */
export function checkWebviewToHost(value: unknown): Checked<WebviewToHost> {
  return check(WEBVIEW_TO_HOST, value);
}

/** Result checks per request method, for the side that receives the reply. */
export const REPLY_RESULT_CHECKS: {
  [M in keyof WebviewRequests | keyof HostRequests]: (v: unknown) => string | undefined;
} = {
  'load-image': checkPixelImage,
  'simulate-input': checkRenderReport,
  inspect: checkRenderReport,
};

// ------------------------------------------------------------------ request bookkeeping

/**
 * The asking side's half of the request/reply envelope: numbers requests, matches replies,
 * checks each result's shape, and fails requests that get no reply in time.
 */
export class PendingRequests<R extends { [K in keyof R]: { params: unknown; result: unknown } }> {
  private next = 1;
  private readonly pending = new Map<
    number,
    {
      method: keyof R & string;
      resolve: (v: never) => void;
      reject: (e: Error) => void;
      timer: ReturnType<typeof setTimeout>;
    }
  >();

  constructor(
    private readonly post: (message: {
      type: 'request';
      requestId: number;
      method: keyof R & string;
      params: unknown;
    }) => void,
    private readonly timeoutMs = 30_000,
  ) {}

  request<M extends keyof R & string>(method: M, params: R[M]['params']): Promise<R[M]['result']> {
    const requestId = this.next++;
    return new Promise<R[M]['result']>((resolve, reject) => {
      const timer = setTimeout(
        () => this.settle(requestId, new Error(`${method}: no reply within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      this.pending.set(requestId, { method, resolve: resolve as (v: never) => void, reject, timer });
      this.post({ type: 'request', requestId, method, params });
    });
  }

  /** Settles the request a reply answers; false when it answers none (late, or unknown). */
  receive(reply: Reply): boolean {
    const entry = this.pending.get(reply.requestId);
    if (!entry) return false;
    if (!reply.ok) return this.settle(reply.requestId, new Error(`${entry.method}: ${reply.error}`));
    const check = (REPLY_RESULT_CHECKS as Record<string, ((v: unknown) => string | undefined) | undefined>)[
      entry.method
    ];
    const problem = check?.(reply.result);
    return this.settle(
      reply.requestId,
      problem ? new Error(`${entry.method}: ill-formed result (${problem})`) : undefined,
      reply.result,
    );
  }

  /** Fails every open request (the other side went away). */
  dispose(why = 'the panel was closed'): void {
    for (const id of [...this.pending.keys()]) this.settle(id, new Error(why));
  }

  private settle(requestId: number, error: Error | undefined, result?: unknown): boolean {
    const entry = this.pending.get(requestId);
    if (!entry) return false;
    this.pending.delete(requestId);
    clearTimeout(entry.timer);
    if (error) entry.reject(error);
    else entry.resolve(result as never);
    return true;
  }
}

// ------------------------------------------------------------------ state kept by the webview

/** View settings the user chose in the panel; kept across hide/show and window reloads. */
export interface ViewSettings {
  colormap: ColormapName;
  /** Peak heatmap opacity, 0..1. */
  opacity: number;
  overlay: boolean;
}

export const DEFAULT_VIEW_SETTINGS: ViewSettings = { colormap: 'turbo', opacity: 0.6, overlay: true };

/**
 * What the webview saves with `vscode.setState`; VS Code hands it to the host's panel serializer
 * after a window reload, so the host learns which pair the panel showed.
 */
export interface PersistedPanelState {
  mode: 'follow' | 'pinned';
  pairId: string | null;
  sentence: number | null;
  view: ViewSettings;
}

/** Reads saved state leniently: anything missing or malformed falls back to defaults. */
export function readPersistedState(v: unknown): PersistedPanelState {
  const r = isRecord(v) ? v : {};
  const view = isRecord(r.view) ? r.view : {};
  const opacity = isNum(view.opacity) ? Math.min(1, Math.max(0, view.opacity)) : DEFAULT_VIEW_SETTINGS.opacity;
  return {
    mode: r.mode === 'pinned' ? 'pinned' : 'follow',
    pairId: isStr(r.pairId) ? r.pairId : null,
    sentence: isIndex(r.sentence) ? r.sentence : null,
    view: {
      colormap: COLORMAP_NAMES.includes(view.colormap as ColormapName)
        ? (view.colormap as ColormapName)
        : DEFAULT_VIEW_SETTINGS.colormap,
      opacity,
      overlay: isBool(view.overlay) ? view.overlay : DEFAULT_VIEW_SETTINGS.overlay,
    },
  };
}
