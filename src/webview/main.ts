// Entry of the chat panel's webview (bundled to media/chat.js): builds the view into
// #glimpse-chat, forwards the host's messages to it, then tells the host it is ready.

import type { WebviewMessage } from '../core/protocol';
import { ChatView } from './view';
import type { ViewState } from './view';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: ViewState): void;
}

/** Provided by VS Code inside webviews; may be called only once per page. */
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const view = new ChatView({
  document,
  postMessage: (message) => vscode.postMessage(message),
  state: vscode,
});
view.mount(document.getElementById('glimpse-chat') ?? document.body);
window.addEventListener('message', (event: MessageEvent<unknown>) => view.receive(event.data));
vscode.postMessage({ type: 'ready' });
