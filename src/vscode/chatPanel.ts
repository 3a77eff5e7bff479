// The chat panel's webview: the host scaffold (webviewHost.ts: strict CSP with a nonce, media/
// only, the `ready` handshake, validated messages) with the chat's page and protocol. Until the
// webview says `ready` nothing is posted: the owner answers `ready` with a full snapshot.

import * as vscode from 'vscode';
import { parseWebviewMessage, type HostMessage, type WebviewMessage } from '../core/protocol';
import type { Log } from './log';
import { createWebviewPanel, webviewOptions, WebviewHost } from './webviewHost';

export class ChatPanel implements vscode.Disposable {
  static readonly viewType = 'glimpse.chat';

  private readonly host: WebviewHost<WebviewMessage, HostMessage>;

  /** Valid messages from the webview, `ready` included (answer it with a full snapshot). */
  readonly onDidReceiveMessage: vscode.Event<Exclude<WebviewMessage, { type: 'log' }>>;
  readonly onDidDispose: vscode.Event<void>;

  /** `existing`: a panel VS Code restored after a reload (see the serializer in extension.ts). */
  constructor(extensionUri: vscode.Uri, log: Log, existing?: vscode.WebviewPanel) {
    if (existing) existing.webview.options = webviewOptions(extensionUri);
    const panel = existing ?? createWebviewPanel(ChatPanel.viewType, 'Glimpse', extensionUri, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false });
    this.host = new WebviewHost(panel, extensionUri, log, {
      page: { title: 'Glimpse', stylesheet: 'chat.css', script: 'chat.js', rootId: 'glimpse-chat', scripts: 'nonce' },
      parse: parseWebviewMessage,
      logTags: { dropped: 'panel', fromWebview: 'webview' },
    });
    this.onDidReceiveMessage = this.host.onDidReceiveMessage;
    this.onDidDispose = this.host.onDidDispose;
  }

  reveal(): void {
    this.host.panel.reveal(vscode.ViewColumn.Beside, false);
  }

  /** Sends when the webview is listening; otherwise drops it (the snapshot after `ready` covers it). */
  post(message: HostMessage): void {
    this.host.post(message);
  }

  dispose(): void {
    this.host.dispose();
  }
}
