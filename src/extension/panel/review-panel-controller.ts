// Creates, reveals and restores the review panels: one that follows the review session's
// selection, and pinned ones opened beside it to compare with another pair. Each panel's
// content comes from its PanelConnection; this file does only the VS Code side.
import * as vscode from 'vscode';
import { readPersistedState } from '../../protocol/panel-persisted-state';
import { REVIEW_PANEL_VIEW_TYPE } from '../../protocol/review-panel-protocol';
import type { ExtensionDeps } from '../deps';
import { DisplayWorkerClient } from './display-worker-client';
import { DISPLAY_MAX_SIDE } from './display-worker-protocol';
import { routeImage } from './image-route';
import { PanelConnection } from './panel-connection';
import { panelHtml } from './panel-html';
import { sessionOrExplain } from '../command-outcome';
import { l10n } from '../l10n';
import { showError } from '../notify';
import { advanceAfterVerdict, readSettings } from '../settings';

interface OpenPanel {
  panel: vscode.WebviewPanel;
  connection: PanelConnection;
}

export class ReviewPanelController implements vscode.Disposable {
  private main: OpenPanel | undefined;
  private readonly pinned = new Map<string, OpenPanel>();
  private readonly decoder: DisplayWorkerClient;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly deps: ExtensionDeps) {
    this.decoder = new DisplayWorkerClient(
      vscode.Uri.joinPath(deps.context.extensionUri, 'dist', 'display-worker.js').fsPath,
    );
    // A newly scored dataset may live outside the folders the open panels may read from.
    this.subscriptions.push(
      deps.sessions.onDidChangeSession(() => {
        for (const open of this.all()) open.panel.webview.options = this.webviewOptions();
      }),
    );
  }

  /** The panel that follows the selection (integration tests reach it through the test-hook command). */
  get mainPanel(): OpenPanel | undefined {
    return this.main;
  }

  pinnedPanel(pairId: string): OpenPanel | undefined {
    return this.pinned.get(pairId);
  }

  /**
   * "radalign: Open review": shows the session's selection; with none, the first pair awaiting my
   * verdict (in my share, when the assignment names me), else the most suspicious pair.
   */
  openReview(): OpenPanel | undefined {
    const session = sessionOrExplain(this.deps.sessions);
    if (!session) return undefined;
    if (!session.selected && session.count && !session.moveToAwaitingMyVerdict(1)) session.select(session.entry(1)!.id);
    if (this.main) this.main.panel.reveal(undefined, false);
    else this.main = this.create(this.newPanel(l10n.t('radalign review'), vscode.ViewColumn.Active), 'follow');
    return this.main;
  }

  /** Opens another pair beside the review panel, pinned to that pair. */
  openPinned(pairId: string): OpenPanel {
    const existing = this.pinned.get(pairId);
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside, true);
      return existing;
    }
    const open = this.create(
      this.newPanel(l10n.t('radalign: {0}', pairId), vscode.ViewColumn.Beside, true),
      'pinned',
      pairId,
    );
    return open;
  }

  /** The panel serializer's path: a panel VS Code brings back after a window reload. */
  restore(panel: vscode.WebviewPanel, saved: unknown): OpenPanel {
    const state = readPersistedState(saved);
    panel.webview.options = this.webviewOptions();
    if (state.mode === 'pinned' && state.pairId !== null) return this.create(panel, 'pinned', state.pairId);
    if (this.main) {
      // Only one panel follows the selection; a second restored one is not needed.
      panel.dispose();
      return this.main;
    }
    const restoreSelection = state.pairId === null ? undefined : { pairId: state.pairId, sentence: state.sentence };
    this.main = this.create(panel, 'follow', undefined, restoreSelection);
    return this.main;
  }

  dispose(): void {
    for (const open of this.all()) open.panel.dispose();
    for (const d of this.subscriptions) d.dispose();
    this.decoder.dispose();
  }

  private all(): OpenPanel[] {
    return [...(this.main ? [this.main] : []), ...this.pinned.values()];
  }

  private newPanel(title: string, column: vscode.ViewColumn, preserveFocus = false): vscode.WebviewPanel {
    // retainContextWhenHidden stays off (memory): the webview rebuilds from the host's state and its own saved view settings.
    return vscode.window.createWebviewPanel(
      REVIEW_PANEL_VIEW_TYPE,
      title,
      { viewColumn: column, preserveFocus },
      this.webviewOptions(),
    );
  }

  /** `radalign.limits.maxImagePixels` of the folder under review, when the user set it. */
  private maxImagePixels(): number | undefined {
    const folder = this.deps.sessions.current?.folder;
    return readSettings(folder ? vscode.Uri.file(folder) : undefined).limits.maxImagePixels;
  }

  private webviewOptions(): vscode.WebviewOptions {
    const ext = this.deps.context.extensionUri;
    const folder = this.deps.sessions.current?.folder;
    return {
      enableScripts: true,
      localResourceRoots: [
        vscode.Uri.joinPath(ext, 'dist', 'webview'),
        vscode.Uri.joinPath(ext, 'media'),
        ...(folder ? [vscode.Uri.file(folder)] : []),
      ],
    };
  }

  private create(
    panel: vscode.WebviewPanel,
    mode: 'follow' | 'pinned',
    pinnedPairId?: string,
    restoreSelection?: { pairId: string; sentence: number | null },
  ): OpenPanel {
    const webview = panel.webview;
    const ext = this.deps.context.extensionUri;
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(ext, 'dist', 'webview', 'review-panel.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(ext, 'media', 'review-panel.css')).toString(),
      title: panel.title,
      // The webview's own strings: the translations VS Code loaded for this display language, if any.
      l10n: vscode.l10n.bundle,
      lang: vscode.env.language,
      loading: l10n.t('Loading…'),
    });
    const log = this.deps.log;
    const connection = new PanelConnection({
      sessions: this.deps.sessions,
      port: {
        post: (m) => {
          void webview
            .postMessage(m)
            .then(undefined, (e: unknown) => log.warn(`review panel: postMessage failed: ${String(e)}`));
        },
        onMessage: (listener) => webview.onDidReceiveMessage(listener),
      },
      mode,
      pinnedPairId,
      restoreSelection,
      advanceAfterVerdict: () => advanceAfterVerdict(),
      routeImage,
      toWebviewUri: (abs) => webview.asWebviewUri(vscode.Uri.file(abs)).toString(),
      decodeImage: (abs) => this.decoder.decode(abs, DISPLAY_MAX_SIDE, this.maxImagePixels()),
      openOther: (pairId) => void this.openPinned(pairId),
      log,
      // Messages can quote dataset text (a pair id): showError keeps links from forming in them.
      showError: (message) => void showError(message),
    });
    const open: OpenPanel = { panel, connection };
    if (mode === 'pinned' && pinnedPairId !== undefined) this.pinned.set(pinnedPairId, open);
    const titleFollows =
      mode === 'follow'
        ? connection.onDidRender(
            (r) => (panel.title = r.pairId ? l10n.t('radalign review: {0}', r.pairId) : l10n.t('radalign review')),
          )
        : undefined;
    panel.onDidDispose(() => {
      connection.dispose();
      titleFollows?.dispose();
      if (this.main === open) this.main = undefined;
      if (pinnedPairId !== undefined && this.pinned.get(pinnedPairId) === open) this.pinned.delete(pinnedPairId);
    });
    return open;
  }
}
