// The status bar item: the model's name and the engine's state; clicking it opens the log.

import * as vscode from 'vscode';
import type { EngineStatus } from '../core/protocol';

const icons: Record<EngineStatus, string> = {
  idle: '$(eye)',
  sleeping: '$(eye-closed)',
  loading: '$(loading~spin)',
  generating: '$(sync~spin)',
  error: '$(error)',
};

const words: Record<EngineStatus, string> = {
  idle: 'ready',
  sleeping: 'asleep: the model is unloaded after a while without questions and loads again on the next one',
  loading: 'loading model…',
  generating: 'answering…',
  error: 'error',
};

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('glimpse.status', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'Glimpse';
    this.item.command = 'glimpse.showLog';
  }

  /** `model` undefined: nothing configured yet; the item stays hidden until first use. */
  update(status: EngineStatus, model: string | undefined, detail?: string): void {
    if (!model) {
      this.item.hide();
      return;
    }
    this.item.text = `${icons[status]} ${model}`;
    this.item.tooltip = `Glimpse: ${model} — ${words[status]}${detail ? `\n${detail}` : ''}\nClick to show the log.`;
    this.item.backgroundColor = status === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
