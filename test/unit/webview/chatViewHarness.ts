// Builds the chat view in a fresh jsdom for the webview tests: collects what it posts and saves,
// and runs animation frames only when a test asks.

import { JSDOM } from 'jsdom';
import type { HostMessage, WebviewMessage } from '../../../src/core/protocol';
import { renderMarkdown } from '../../../src/webview/markdown';
import { ChatView } from '../../../src/webview/view';
import type { ViewState } from '../../../src/webview/view';

export function setUpChatView(options: { savedState?: unknown; defaultRenderer?: boolean } = {}) {
  const dom = new JSDOM('<!DOCTYPE html><body><main id="glimpse-chat"></main></body>');
  const document = dom.window.document;
  const posted: WebviewMessage[] = [];
  const frames: (() => void)[] = [];
  const saved: ViewState[] = [];
  let renders = 0;
  const view = new ChatView({
    document,
    postMessage: (message) => posted.push(message),
    state: { getState: () => options.savedState, setState: (state) => saved.push(state) },
    requestFrame: (callback) => frames.push(callback),
    renderMarkdown: options.defaultRenderer ? undefined : (text) => {
      renders += 1;
      return renderMarkdown(text, dom.window);
    },
  });
  view.mount(document.getElementById('glimpse-chat')!);
  const runFrames = () => frames.splice(0).forEach((frame) => frame());
  const send = (...messages: HostMessage[]) => messages.forEach((message) => view.receive(message));
  const $ = (selector: string) => document.querySelector(selector);
  const textarea = () => $('textarea') as HTMLTextAreaElement;
  const key = (init: { key: string; shiftKey?: boolean }) =>
    textarea().dispatchEvent(new dom.window.KeyboardEvent('keydown', { ...init, bubbles: true, cancelable: true }));
  return { dom, document, view, posted, saved, runFrames, send, $, textarea, key, renderCount: () => renders };
}
