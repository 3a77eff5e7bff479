// The live preview beside the generated code: the mockup, the page rendered in an iframe with
// sandbox="allow-scripts" (no allow-same-origin: the page cannot reach the webview, VS Code or
// Glimpse) and a CSP with no network, and the visual score with its headless render. The webview
// is hosted by webviewHost.ts; this file keeps the preview's state and sends it on every `ready`.
//
// CSP of this panel ('inline-for-srcdoc' in webviewPage.ts): a srcdoc iframe inherits its parent's
// policy, so the panel's own policy must allow what generated pages legitimately need: inline
// <style> and inline <script> (a page's own scripts, Tailwind's runtime). A nonce would switch
// 'unsafe-inline' off for the iframe too, so the panel loads its script from the extension
// (cspSource) instead, and never builds DOM from model output itself (the code goes only into the
// iframe's srcdoc). Images: data: only; no connect-src, so neither the panel nor the page can make
// a request.

import * as vscode from 'vscode';
import { loadTailwindRuntime } from '../core/mockup/tailwindRuntime';
import { parsePreviewWebviewMessage, type PreviewHostMessage, type PreviewScore, type PreviewWebviewMessage } from '../core/mockup/previewProtocol';
import type { MockupTarget } from '../core/mockup/targets';
import type { Log } from './log';
import { Throttle } from '../core/throttle';
import { createWebviewPanel, WebviewHost } from './webviewHost';

/** Streamed or edited code reaches the iframe at most this often (each update reloads the page). */
const codeUpdateIntervalMs = 300;

export interface PreviewMockup {
  readonly dataUri: string;
  readonly width: number;
  readonly height: number;
  readonly label: string;
}

export class MockupPreview implements vscode.Disposable {
  static readonly viewType = 'glimpse.mockupPreview';

  private readonly host: WebviewHost<PreviewWebviewMessage, PreviewHostMessage>;
  private disposed = false;
  private mockup: PreviewMockup | undefined;
  private code: Extract<PreviewHostMessage, { type: 'code' }> | undefined;
  private score: PreviewScore | undefined;
  private status: string | undefined;
  private runtimeSent = false;
  private runtimeMissingReported = false;
  /** Streamed tokens and keystrokes arrive far faster than a page is worth re-rendering. */
  private readonly codeUpdates = new Throttle<void>(() => void this.sendCode(), codeUpdateIntervalMs);
  private readonly rescoreEmitter = new vscode.EventEmitter<void>();

  readonly onDidRequestRescore = this.rescoreEmitter.event;
  readonly onDidDispose: vscode.Event<void>;

  static open(extensionUri: vscode.Uri, log: Log, mockupName: string): MockupPreview {
    const panel = createWebviewPanel(MockupPreview.viewType, `Preview: ${mockupName}`, extensionUri, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
    return new MockupPreview(panel, extensionUri, log);
  }

  private constructor(panel: vscode.WebviewPanel, private readonly extensionUri: vscode.Uri, private readonly log: Log) {
    this.host = new WebviewHost(panel, extensionUri, log, {
      page: { title: 'Glimpse preview', stylesheet: 'preview.css', script: 'preview.js', rootId: 'glimpse-preview', scripts: 'inline-for-srcdoc' },
      parse: parsePreviewWebviewMessage,
      logTags: { dropped: 'preview', fromWebview: 'preview' },
    });
    // First among the listeners: the throttle stops before the owner hears of the end.
    this.host.onDidDispose(() => this.dispose());
    this.onDidDispose = this.host.onDidDispose;
    // Hidden webviews are destroyed; the page says `ready` again when shown and gets the state.
    this.host.onDidReceiveMessage((message) => {
      if (message.type === 'rescore') this.rescoreEmitter.fire();
      else void this.onReady();
    });
  }

  showMockup(mockup: PreviewMockup): void {
    this.mockup = mockup;
    this.post({ type: 'mockup', ...mockup });
  }

  /**
   * The page to show. While it streams, and as the user edits it, the page is re-rendered at most
   * once per interval with the latest code; the end of the answer is shown at once.
   */
  updateCode(code: string, target: MockupTarget, state: 'streaming' | 'edited' | 'final'): void {
    this.code = { type: 'code', code, preview: target.preview, targetLabel: target.label, streaming: state === 'streaming' };
    if (state === 'final') this.codeUpdates.now();
    else this.codeUpdates.push();
  }

  setStatus(text: string): void {
    this.status = text;
    this.post({ type: 'status', text });
  }

  showScore(score: PreviewScore): void {
    this.score = score;
    this.post({ type: 'score', ...score });
  }

  private async sendCode(): Promise<void> {
    const code = this.code;
    if (!code) return;
    if (code.preview === 'tailwind') await this.sendRuntime();
    if (code === this.code) this.post(code);
  }

  /** Tailwind's browser runtime (media/vendor, bundled at build time), once per webview. */
  private async sendRuntime(): Promise<void> {
    if (this.runtimeSent || !this.host.isReady) return;
    const runtime = await loadTailwindRuntime(vscode.Uri.joinPath(this.extensionUri, 'media').fsPath);
    if (runtime === undefined && !this.runtimeMissingReported) {
      this.runtimeMissingReported = true;
      this.log.warn('[preview] the Tailwind runtime is missing (media/vendor/tailwind-browser.js): the page is shown unstyled; run `npm run build`.');
    }
    if (runtime !== undefined && this.host.isReady && !this.runtimeSent) {
      this.runtimeSent = true;
      this.post({ type: 'runtime', tailwind: runtime });
    }
  }

  private post(message: PreviewHostMessage): void {
    this.host.post(message);
  }

  /** A (re)loaded webview gets the whole state, the Tailwind runtime included (a new page has none). */
  private async onReady(): Promise<void> {
    this.runtimeSent = false;
    if (this.mockup) this.post({ type: 'mockup', ...this.mockup });
    if (this.status !== undefined) this.post({ type: 'status', text: this.status });
    if (this.score) this.post({ type: 'score', ...this.score });
    await this.sendCode();
  }

  /** Also when the user closes the panel (the host's end ends the preview). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.codeUpdates.dispose();
    this.host.dispose();
    this.rescoreEmitter.dispose();
  }
}
