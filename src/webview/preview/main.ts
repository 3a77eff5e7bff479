// Entry of the mockup preview's webview (bundled to media/preview.js).

import type { PreviewWebviewMessage } from '../../core/mockup/previewProtocol';
import { PreviewView } from './previewView';

interface VsCodeApi {
  postMessage(message: PreviewWebviewMessage): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const view = new PreviewView({ document, postMessage: (message) => vscode.postMessage(message) });
view.mount(document.getElementById('glimpse-preview') ?? document.body);
window.addEventListener('message', (event: MessageEvent<unknown>) => {
  // The generated page may post to its parent: only the host's messages count.
  if (event.source === view.iframe.contentWindow) return;
  view.receive(event.data);
});
vscode.postMessage({ type: 'ready' });
