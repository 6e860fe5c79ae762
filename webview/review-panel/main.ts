// Entry of the review panel's webview script (bundled to dist/webview/review-panel.js): checks
// every message from the host, answers the host's requests, asks the host for image pixels, and
// hands state to the PanelApp.
import { readPersistedState, type PersistedPanelState } from '../../src/protocol/panel-persisted-state';
import { PendingRequests, answer } from '../../src/protocol/request-reply';
import {
  WEBVIEW_METHODS,
  checkHostToWebview,
  type HostToWebview,
  type WebviewToHost,
} from '../../src/protocol/review-panel-protocol';
import { ImageStore } from './image-store';
import { useBundle } from './l10n';
import { PanelApp } from './panel-app';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: PersistedPanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const root = document.getElementById('app')!;
useBundle(root.dataset.l10n);
const vscode = acquireVsCodeApi();
const post = (m: WebviewToHost): void => vscode.postMessage(m);
const saved = readPersistedState(vscode.getState());
const requests = new PendingRequests(post, { methods: WEBVIEW_METHODS, timeoutMs: 60_000 });
const app = new PanelApp(root, {
  post,
  save: (s) => vscode.setState(s),
  images: new ImageStore((pairId, index) => requests.request('load-image', { pairId, index })),
  initialView: saved.view,
});
// Until the host's first state arrives, keep what was saved (a reload before it comes keeps it too).
vscode.setState(saved);

/** The host's requests (test hooks): perform input, or read back what the page shows. */
function perform(m: Extract<HostToWebview, { type: 'request' }>): void {
  void answer(m.requestId, () => {
    if (m.method === 'inspect') return app.inspect();
    app.simulate(m.params.steps);
    return app.report();
  }).then(post);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const checked = checkHostToWebview(event.data);
  if (!checked.ok) {
    post({ type: 'problem', message: `rejected a message from the host (${checked.problem})` });
    return;
  }
  const m = checked.message;
  if (m.type === 'state') app.setState(m.state);
  else if (m.type === 'reply') {
    if (!requests.receive(m)) post({ type: 'problem', message: `a reply to unknown request ${m.requestId}` });
  } else perform(m);
});

post({ type: 'ready' });
