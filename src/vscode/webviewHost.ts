// Hosts one of Glimpse's webviews: local resources from media/ only, the page and its CSP
// (webviewPage.ts, a fresh nonce per load), a `ready` handshake, and runtime validation of
// everything the webview sends: a message that does not parse is dropped with a log line, the
// webview's own log lines go to the log, the rest goes to the owner. Nothing is posted until the
// webview says `ready` (after it loads, and again each time a hidden panel is shown, since a hidden
// webview is destroyed): the owner answers `ready` with its whole state.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ParseResult } from '../core/parseMessage';
import type { Log } from './log';
import { pageHtml, type WebviewPage } from './webviewPage';

/** The log line every Glimpse webview may send. */
interface WebviewLogLine {
  readonly type: 'log';
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
}

export interface WebviewHostOptions<In> {
  readonly page: WebviewPage;
  /** Checks a message from the webview (the protocol's parse function). */
  readonly parse: (raw: unknown) => ParseResult<In>;
  /** Log tags: for messages dropped here, and for the webview's own log lines. */
  readonly logTags: { readonly dropped: string; readonly fromWebview: string };
}

/** Scripts on, local resources from media/ only. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')] };
}

/** A new panel for a Glimpse webview; hidden, its webview is destroyed (it says `ready` again when shown). */
export function createWebviewPanel(viewType: string, title: string, extensionUri: vscode.Uri, show: { readonly viewColumn: vscode.ViewColumn; readonly preserveFocus: boolean }): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(viewType, title, show, { ...webviewOptions(extensionUri), retainContextWhenHidden: false });
}

export class WebviewHost<In extends { readonly type: string }, Out> implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private disposed = false;
  private readonly messageEmitter = new vscode.EventEmitter<Exclude<In, WebviewLogLine>>();
  private readonly disposeEmitter = new vscode.EventEmitter<void>();

  /** Valid messages from the webview other than log lines, `ready` included (answer it with the whole state). */
  readonly onDidReceiveMessage = this.messageEmitter.event;
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(readonly panel: vscode.WebviewPanel, private readonly extensionUri: vscode.Uri, private readonly log: Log, private readonly options: WebviewHostOptions<In>) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'glimpse.svg');
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
    );
  }

  /** Whether the webview is listening (it said `ready` and has not been hidden since). */
  get isReady(): boolean {
    return this.ready && !this.disposed;
  }

  /** Sends when the webview is listening; otherwise drops it (the owner's answer to `ready` covers it). */
  post(message: Out): void {
    if (!this.isReady) return;
    void this.panel.webview.postMessage(message);
  }

  private receive(raw: unknown): void {
    const parsed = this.options.parse(raw);
    if (!parsed.ok) {
      this.log.warn(`[${this.options.logTags.dropped}] dropped a message from the webview: ${parsed.reason}`);
      return;
    }
    const message = parsed.message;
    if (message.type === 'ready') this.ready = true;
    if (message.type === 'log') {
      const line = message as unknown as WebviewLogLine;
      this.log[line.level](`[${this.options.logTags.fromWebview}] ${line.message}`);
      return;
    }
    this.messageEmitter.fire(message as Exclude<In, WebviewLogLine>);
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = randomBytes(18).toString('base64');
    const mediaUri = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', file)).toString();
    return pageHtml(this.options.page, webview.cspSource, mediaUri, nonce);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeEmitter.fire();
    this.panel.dispose();
    for (const d of this.disposables) d.dispose();
    this.messageEmitter.dispose();
    this.disposeEmitter.dispose();
  }
}
