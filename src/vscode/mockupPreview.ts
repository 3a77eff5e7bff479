// The live preview beside the generated code: the mockup, the page rendered in an iframe with
// sandbox="allow-scripts" (no allow-same-origin: the page cannot reach the webview, VS Code or
// Glimpse) and a CSP with no network, and the visual score with its headless render.
//
// CSP of this panel: a srcdoc iframe inherits its parent's policy, so the panel's own policy must
// allow what generated pages legitimately need: inline <style> and inline <script> (a page's own
// scripts, Tailwind's runtime). A nonce would switch 'unsafe-inline' off for the iframe too, so the
// panel loads its script from the extension (cspSource) instead, and never builds DOM from model
// output itself (the code goes only into the iframe's srcdoc). Images: data: only; no connect-src,
// so neither the panel nor the page can make a request.

import * as vscode from 'vscode';
import { loadTailwindRuntime } from '../core/mockup/tailwindRuntime';
import { parsePreviewWebviewMessage, type PreviewHostMessage, type PreviewScore } from '../core/mockup/previewProtocol';
import type { MockupTarget } from '../core/mockup/targets';
import type { Log } from './log';
import { Throttle } from '../core/throttle';

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

  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
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
  private readonly disposeEmitter = new vscode.EventEmitter<void>();

  readonly onDidRequestRescore = this.rescoreEmitter.event;
  readonly onDidDispose = this.disposeEmitter.event;

  static open(extensionUri: vscode.Uri, log: Log, mockupName: string): MockupPreview {
    const media = vscode.Uri.joinPath(extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel(
      MockupPreview.viewType,
      `Preview: ${mockupName}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: [media], retainContextWhenHidden: false },
    );
    return new MockupPreview(panel, extensionUri, log);
  }

  private constructor(private readonly panel: vscode.WebviewPanel, private readonly extensionUri: vscode.Uri, private readonly log: Log) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'glimpse.svg');
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
      // Hidden webviews are destroyed; the page says `ready` again when shown and gets the state.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
    );
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
    if (this.runtimeSent || !this.ready) return;
    const runtime = await loadTailwindRuntime(vscode.Uri.joinPath(this.extensionUri, 'media').fsPath);
    if (runtime === undefined && !this.runtimeMissingReported) {
      this.runtimeMissingReported = true;
      this.log.warn('[preview] the Tailwind runtime is missing (media/vendor/tailwind-browser.js): the page is shown unstyled; run `npm run build`.');
    }
    if (runtime !== undefined && this.ready && !this.runtimeSent) {
      this.runtimeSent = true;
      this.post({ type: 'runtime', tailwind: runtime });
    }
  }

  private post(message: PreviewHostMessage): void {
    if (this.disposed) return;
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private receive(raw: unknown): void {
    const parsed = parsePreviewWebviewMessage(raw);
    if (!parsed.ok) {
      this.log.warn(`[preview] dropped a message from the webview: ${parsed.reason}`);
      return;
    }
    const message = parsed.message;
    if (message.type === 'log') this.log[message.level](`[preview] ${message.message}`);
    else if (message.type === 'rescore') this.rescoreEmitter.fire();
    else void this.onReady();
  }

  /** A (re)loaded webview gets the whole state, the Tailwind runtime included (a new page has none). */
  private async onReady(): Promise<void> {
    this.ready = true;
    this.runtimeSent = false;
    if (this.mockup) this.post({ type: 'mockup', ...this.mockup });
    if (this.status !== undefined) this.post({ type: 'status', text: this.status });
    if (this.score) this.post({ type: 'score', ...this.score });
    await this.sendCode();
  }

  private html(): string {
    const webview = this.panel.webview;
    const media = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', file)).toString();
    const csp = [
      "default-src 'none'",
      'img-src data:',
      `style-src ${webview.cspSource} 'unsafe-inline'`,
      `font-src data:`,
      `script-src ${webview.cspSource} 'unsafe-inline'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${media('preview.css')}">
<title>Glimpse preview</title>
</head>
<body>
<main id="glimpse-preview"></main>
<script src="${media('preview.js')}"></script>
</body>
</html>`;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.codeUpdates.dispose();
    this.disposeEmitter.fire();
    this.panel.dispose();
    for (const d of this.disposables) d.dispose();
    this.rescoreEmitter.dispose();
    this.disposeEmitter.dispose();
  }
}
