// Hosts the chat panel's webview: a strict CSP with a nonce, local resources from media/ only, a
// `ready` handshake, and runtime validation of everything the webview sends (unknown or malformed
// messages are dropped and logged). Until the webview says `ready` (after creation, and again each
// time a hidden panel is shown), nothing is posted: the owner answers `ready` with a full snapshot.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { parseWebviewMessage, type HostMessage, type WebviewMessage } from '../core/protocol';
import type { Log } from './log';

export class ChatPanel implements vscode.Disposable {
  static readonly viewType = 'glimpse.chat';

  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private disposed = false;
  private readonly onMessageEmitter = new vscode.EventEmitter<WebviewMessage>();
  private readonly onDisposeEmitter = new vscode.EventEmitter<void>();

  /** Valid messages from the webview, `ready` included (answer it with a full snapshot). */
  readonly onDidReceiveMessage = this.onMessageEmitter.event;
  readonly onDidDispose = this.onDisposeEmitter.event;

  /** `existing`: a panel VS Code restored after a reload (see the serializer in extension.ts). */
  constructor(private readonly extensionUri: vscode.Uri, private readonly log: Log, existing?: vscode.WebviewPanel) {
    const media = vscode.Uri.joinPath(extensionUri, 'media');
    const options = { enableScripts: true, localResourceRoots: [media] };
    this.panel = existing ?? vscode.window.createWebviewPanel(ChatPanel.viewType, 'Glimpse', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, {
      ...options,
      retainContextWhenHidden: false,
    });
    if (existing) existing.webview.options = options;
    this.panel.iconPath = vscode.Uri.joinPath(media, 'glimpse.svg');
    this.panel.webview.html = this.html();
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      this.panel.onDidDispose(() => this.dispose()),
      // A hidden webview is destroyed (no retained context); it says `ready` again when shown.
      this.panel.onDidChangeViewState(() => {
        if (!this.panel.visible) this.ready = false;
      }),
    );
  }

  reveal(): void {
    this.panel.reveal(vscode.ViewColumn.Beside, false);
  }

  /** Sends when the webview is listening; otherwise drops it (the snapshot after `ready` covers it). */
  post(message: HostMessage): void {
    if (this.disposed || !this.ready) return;
    void this.panel.webview.postMessage(message);
  }

  private receive(raw: unknown): void {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.log.warn(`[panel] dropped a message from the webview: ${parsed.reason}`);
      return;
    }
    const message = parsed.message;
    if (message.type === 'ready') this.ready = true;
    if (message.type === 'log') {
      this.log[message.level](`[webview] ${message.message}`);
      return;
    }
    this.onMessageEmitter.fire(message);
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = randomBytes(18).toString('base64');
    const media = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', file)).toString();
    const csp = [
      "default-src 'none'",
      'img-src data:',
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${media('chat.css')}">
<title>Glimpse</title>
</head>
<body>
<main id="glimpse-chat"></main>
<script nonce="${nonce}" src="${media('chat.js')}"></script>
</body>
</html>`;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.onDisposeEmitter.fire();
    this.panel.dispose();
    for (const d of this.disposables) d.dispose();
    this.onMessageEmitter.dispose();
    this.onDisposeEmitter.dispose();
  }
}
