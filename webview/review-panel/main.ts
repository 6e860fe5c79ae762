// Entry of the review panel's webview script (bundled to dist/webview/review-panel.js): checks
// every message from the host, answers the host's requests, asks the host for image pixels, and
// hands state to the PanelApp.
import {
  PendingRequests,
  checkHostToWebview,
  readPersistedState,
  type HostToWebview,
  type PersistedPanelState,
  type WebviewRequests,
  type WebviewToHost,
} from '../../src/protocol/review-panel-protocol';
import { ImageStore } from './image-store';
import { PanelApp } from './panel-app';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: PersistedPanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (m: WebviewToHost): void => vscode.postMessage(m);
const saved = readPersistedState(vscode.getState());
const requests = new PendingRequests<WebviewRequests>((m) => post(m as WebviewToHost), 60_000);
const app = new PanelApp(document.getElementById('app')!, {
  post,
  save: (s) => vscode.setState(s),
  images: new ImageStore((pairId, index) => requests.request('load-image', { pairId, index })),
  initialView: saved.view,
});
// Until the host's first state arrives, keep what was saved (a reload before it comes keeps it too).
vscode.setState(saved);

function answer(m: Extract<HostToWebview, { type: 'request' }>): void {
  try {
    if (m.method === 'simulate-input') app.simulate(m.params.steps);
    post({ type: 'reply', requestId: m.requestId, ok: true, result: app.report() });
  } catch (e) {
    post({ type: 'reply', requestId: m.requestId, ok: false, error: e instanceof Error ? e.message : String(e) });
  }
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
  } else answer(m);
});

post({ type: 'ready' });
