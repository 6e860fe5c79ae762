// Connects one review-panel webview to the review session: pushes what to render whenever the
// session's results, selection or review (verdicts, flags, adjudications, assignment) change,
// applies the webview's intents to the session (as the session's reviewer),
// and answers its requests. The shown pair's record is read (from disk, or the session's cache)
// before its state is sent; a newer push overtakes an older one still reading. Free of `vscode`
// (the webview is reached through a small port), so
// unit tests drive it with a fake webview and a real ReviewSession. Every image path the results
// name passes the dataset path gate (dataset-files.ts) before it is routed, turned into a webview
// URI or decoded; a refused image reaches the webview as 'unavailable', with the reason.
import type { PairResult } from '../../engine/results';
import type { FlagReason, Verdict } from '../../engine/review/types';
import {
  HOST_METHODS,
  checkWebviewToHost,
  type HostRequests,
  type HostToWebview,
  type ImageRef,
  type PixelImage,
  type RenderReport,
  type WebviewRequests,
  type WebviewToHost,
} from '../../protocol/review-panel-protocol';
import { PendingRequests, answer } from '../../protocol/request-reply';
import { l10n } from '../l10n';
import { messages } from '../messages';
import { Emitter, type Event } from '../review/emitter';
import type { ReviewSession } from '../review/review-session';
import { datasetFile } from './dataset-files';
import type { ImageRoute } from './image-route';
import { buildPanelState, type ShownPair } from './panel-state';
import { describeError } from '../../engine/describe-error';

type Disposable = { dispose(): void };

/** The webview as the connection sees it. */
export interface WebviewPort {
  post(message: HostToWebview): void;
  onMessage(listener: (message: unknown) => void): Disposable;
}

/** The current review session and its replacements (SessionManager fits). */
export interface SessionSource {
  readonly current: ReviewSession | undefined;
  readonly onDidChangeSession: Event<ReviewSession | undefined>;
}

export interface PanelConnectionDeps {
  sessions: SessionSource;
  port: WebviewPort;
  /** 'follow' shows the session's selection; 'pinned' shows `pinnedPairId` with its own sentence. */
  mode: 'follow' | 'pinned';
  pinnedPairId?: string;
  /** A follow panel restored after a reload: the pair to select when the session has no selection yet. */
  restoreSelection?: { pairId: string; sentence: number | null };
  /** `radalign.advanceAfterVerdict`: after a verdict given with its key or button, go to the next unreviewed pair of my share. */
  advanceAfterVerdict: () => boolean;
  /** Called only with paths that passed the gate, as are the two below. */
  routeImage: (absPath: string) => Promise<ImageRoute>;
  toWebviewUri: (absPath: string) => string;
  decodeImage: (absPath: string) => Promise<PixelImage>;
  openOther: (pairId: string) => void;
  log: { warn(message: string): void; error(message: string): void };
  /** Errors the user should see (a verdict or flag that could not be written). */
  showError: (message: string) => void;
}

export class PanelConnection {
  private session: ReviewSession | undefined;
  private sessionSubscriptions: Disposable[] = [];
  private readonly subscriptions: Disposable[] = [];
  private pinnedSentence: number | null = null;
  private restore: PanelConnectionDeps['restoreSelection'];
  /** How each gated file reaches the webview (the format sniff is cached; the gate never is). */
  private routes = new Map<string, ImageRoute>();
  /** Per image path as the results name it, from the latest push: the gated file and its route, or why it was refused. */
  private access = new Map<string, ImageAccess>();
  private pushSeq = 0;
  private pushScheduled = false;
  private readonly requests: PendingRequests<typeof HOST_METHODS>;
  private readonly rendered = new Emitter<RenderReport>();
  /** Fires with every report of what the webview drew. */
  readonly onDidRender = this.rendered.event;
  lastRender: RenderReport | undefined;

  constructor(private readonly deps: PanelConnectionDeps) {
    this.restore = deps.restoreSelection;
    this.requests = new PendingRequests((m) => deps.port.post(m), { methods: HOST_METHODS, timeoutMs: 30_000 });
    this.subscriptions.push(
      deps.port.onMessage((m) => void this.receive(m)),
      deps.sessions.onDidChangeSession((s) => this.attach(s)),
    );
    this.attach(deps.sessions.current);
  }

  get mode(): 'follow' | 'pinned' {
    return this.deps.mode;
  }

  /** The pair the panel shows. */
  get pairId(): string | undefined {
    return this.deps.mode === 'pinned' ? this.deps.pinnedPairId : this.session?.selected?.pairId;
  }

  /** Asks the webview something (test hooks). */
  request<M extends keyof HostRequests>(
    method: M,
    params: HostRequests[M]['params'],
  ): Promise<HostRequests[M]['result']> {
    return this.requests.request(method, params);
  }

  /** Resolves with the first report (the latest, or a coming one) that satisfies `accept`. */
  waitForRender(accept: (report: RenderReport) => boolean, timeoutMs = 15_000): Promise<RenderReport> {
    if (this.lastRender && accept(this.lastRender)) return Promise.resolve(this.lastRender);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.dispose();
        reject(
          new Error(
            `the review panel did not render as expected within ${timeoutMs} ms; last: ${JSON.stringify(this.lastRender)}`,
          ),
        );
      }, timeoutMs);
      const sub = this.onDidRender((r) => {
        if (!accept(r)) return;
        clearTimeout(timer);
        sub.dispose();
        resolve(r);
      });
    });
  }

  /** Sends the current state, coalescing bursts of session events into one message. */
  schedulePush(): void {
    if (this.pushScheduled) return;
    this.pushScheduled = true;
    queueMicrotask(() => {
      this.pushScheduled = false;
      void this.push();
    });
  }

  dispose(): void {
    for (const d of [...this.sessionSubscriptions, ...this.subscriptions]) d.dispose();
    this.requests.rejectAll('the panel was closed');
    this.rendered.dispose();
  }

  private attach(session: ReviewSession | undefined): void {
    for (const d of this.sessionSubscriptions) d.dispose();
    this.session = session;
    this.routes.clear();
    this.access.clear();
    this.sessionSubscriptions = session
      ? [
          session.onDidChangeSelection(() => this.schedulePush()),
          session.onDidChangeReview(() => this.schedulePush()),
          session.onDidChangeResults(() => this.schedulePush()),
        ]
      : [];
    this.applyRestore();
    this.schedulePush();
  }

  /** After a reload the session (read from disk) arrives later than the panel: select then. */
  private applyRestore(): void {
    const session = this.session;
    if (!session || !this.restore) return;
    if (!session.selected && session.has(this.restore.pairId))
      session.select(this.restore.pairId, this.restore.sentence);
    this.restore = undefined;
  }

  private async push(): Promise<void> {
    const seq = ++this.pushSeq;
    const session = this.session;
    const pairId = this.pairId;
    const shown = await this.readShown(session, pairId);
    if ('pair' in shown && session && shown.pair) await this.resolveRoutes(session, shown.pair);
    if (seq !== this.pushSeq) return; // a newer push is on its way
    if ('problem' in shown) this.deps.log.warn(`review panel: pair ${pairId} could not be read: ${shown.problem}`);
    const sentence = this.deps.mode === 'pinned' ? this.pinnedSentence : (session?.selected?.sentence ?? null);
    const state = buildPanelState(session, { mode: this.deps.mode, pairId, sentence }, shown, (p, i) =>
      this.imageRef(p, i),
    );
    this.deps.port.post({ type: 'state', state });
  }

  /** The record of the pair to show (none when no pair is to be shown or the results lack it). */
  private async readShown(session: ReviewSession | undefined, pairId: string | undefined): Promise<ShownPair> {
    if (!session || pairId === undefined) return { pair: undefined };
    try {
      return { pair: await session.pairDetails(pairId) };
    } catch (e) {
      return { problem: describeError(e) };
    }
  }

  private async resolveRoutes(session: ReviewSession, pair: PairResult): Promise<void> {
    await Promise.all(
      pair.images.map(async (rel) => {
        const gated = await datasetFile(session.folder, rel);
        if (!gated.ok) return void this.access.set(rel, { ok: false, reason: gated.reason });
        let route = this.routes.get(gated.path);
        if (!route) this.routes.set(gated.path, (route = await this.deps.routeImage(gated.path)));
        this.access.set(rel, { ok: true, path: gated.path, route });
      }),
    );
  }

  private imageRef(pair: PairResult, index: number): ImageRef {
    const name = pair.images[index]!;
    const access = this.access.get(name);
    // Not resolved (yet): the webview asks for pixels, and load-image gates the path itself.
    if (!access) return { name, source: { kind: 'pixels' } };
    if (!access.ok) return { name, source: { kind: 'unavailable', reason: access.reason } };
    return access.route === 'uri'
      ? { name, source: { kind: 'uri', uri: this.deps.toWebviewUri(access.path) } }
      : { name, source: { kind: 'pixels' } };
  }

  private async receive(raw: unknown): Promise<void> {
    const checked = checkWebviewToHost(raw);
    if (!checked.ok) {
      this.deps.log.warn(`review panel: ignored a message from the webview (${checked.problem})`);
      return;
    }
    try {
      await this.handle(checked.message);
    } catch (e) {
      const message = describeError(e);
      this.deps.log.error(`review panel: ${message}`);
      this.deps.showError(message);
    }
  }

  private async handle(m: WebviewToHost): Promise<void> {
    const session = this.session;
    switch (m.type) {
      case 'ready':
        this.schedulePush();
        return;
      case 'rendered':
        this.lastRender = m.report;
        this.rendered.fire(m.report);
        return;
      case 'problem':
        this.deps.log.warn(`review panel (webview): ${m.message}`);
        return;
      case 'reply':
        if (!this.requests.receive(m)) this.deps.log.warn(`review panel: a reply to unknown request ${m.requestId}`);
        return;
      case 'request':
        this.deps.port.post(await answer(m.requestId, () => this.loadImage(m.params)));
        return;
      case 'open-other':
        this.deps.openOther(m.pairId);
        return;
    }
    if (!session) return; // the intents below need scored results
    switch (m.type) {
      case 'select-sentence':
        if (m.pairId !== this.pairId) return; // stale: the panel moved on meanwhile
        if (this.deps.mode === 'pinned') {
          this.pinnedSentence = m.sentence;
          this.schedulePush();
        } else session.select(m.pairId, m.sentence);
        return;
      case 'navigate':
        if (this.deps.mode === 'pinned') return; // a comparison panel stays on its pair
        if (m.to === 'next-unreviewed') session.moveToAwaitingMyVerdict(1);
        else session.move(m.to === 'next' ? 1 : -1);
        return;
      case 'flag':
        await session.flag({ pairId: m.pairId, sentence: m.sentence }, m.reason, m.note);
        return;
      case 'unflag':
        await session.unflag({ pairId: m.pairId, sentence: m.sentence });
        return;
      case 'verdict':
        await session.verdict(
          m.pairId,
          m.verdict,
          keptDetails(session.review.verdictOf(m.pairId, session.reviewer), m),
        );
        // Only when the panel still shows that pair: a verdict that took long to write does not pull the user back.
        if (
          m.advance &&
          m.verdict !== null &&
          this.deps.mode === 'follow' &&
          this.deps.advanceAfterVerdict() &&
          session.selected?.pairId === m.pairId
        ) {
          session.moveToAwaitingMyVerdict(1);
        }
        return;
      case 'remove-orphaned-flag': {
        const pair = await session.pairDetails(m.pairId);
        if (!pair) throw new Error(messages.noPairWithId(m.pairId, session.folder));
        const matches = session
          .anchoredFlags(pair)
          .orphaned.filter(
            (f) =>
              f.reviewer === session.reviewer &&
              (m.text !== null ? f.sentenceText === m.text : f.sentenceText === undefined && f.sentence === m.sentence),
          );
        for (const f of matches) await session.removeFlag(f);
        return;
      }
      case 'adjudicate':
        await session.adjudicate(m.pairId, m.verdict, keptDetails(session.review.get(m.pairId)?.adjudication, m));
        return;
    }
  }

  /** The pixels of one of the shown pair's images; fails with why it cannot be shown. */
  private async loadImage({ pairId, index }: WebviewRequests['load-image']['params']): Promise<PixelImage> {
    const session = this.session;
    const rel = session?.entry(pairId)?.images[index];
    if (!session || rel === undefined) throw new Error(l10n.t('no image {0} for pair {1}', index, pairId));
    const gated = await datasetFile(session.folder, rel);
    if (!gated.ok) {
      this.deps.log.warn(`review panel: image not shown: ${gated.reason}`);
      throw new Error(gated.reason);
    }
    try {
      return await this.deps.decodeImage(gated.path);
    } catch (e) {
      this.deps.log.warn(`review panel: ${describeError(e)}`);
      throw e;
    }
  }
}

/**
 * A verdict's reason, note and reported pair: as the message says, else (left out) the ones of the
 * judgement it replaces while the verdict stays the same, else none. A reason and a reported pair
 * belong to mismatched verdicts only.
 */
function keptDetails(
  previous: { verdict: Verdict | null; reason: FlagReason | null; note: string; useReportOf?: string } | undefined,
  m: { verdict: Verdict | null; reason?: FlagReason | null; note?: string; useReportOf?: string },
): { reason: FlagReason | null; note: string; useReportOf?: string } {
  const same = previous !== undefined && previous.verdict === m.verdict;
  const mismatched = m.verdict === 'mismatched';
  const reason = mismatched ? (m.reason !== undefined ? m.reason : same ? previous.reason : null) : null;
  const useReportOf = mismatched ? (m.useReportOf ?? (same ? previous.useReportOf : undefined)) : undefined;
  return { reason, note: m.note ?? (same ? previous.note : ''), ...(useReportOf !== undefined ? { useReportOf } : {}) };
}

type ImageAccess = { ok: true; path: string; route: ImageRoute } | { ok: false; reason: string };
