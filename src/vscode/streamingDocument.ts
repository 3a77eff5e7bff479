// An editor document that code streams into: each update replaces only what changed after the
// common prefix (usually an append), edits never overlap (the latest text waits for the edit in
// flight), and the caller can tell its own edits from the user's.

import * as vscode from 'vscode';

export class StreamingDocument {
  private applying = false;
  private wanted: string | undefined;
  private idle: Promise<void> = Promise.resolve();
  private finishIdle: (() => void) | undefined;

  constructor(readonly document: vscode.TextDocument) {}

  /** True while one of our own edits is being applied (change events then come from us). */
  get isApplying(): boolean {
    return this.applying;
  }

  /** Shows `text` in the document; calls made while an edit is in flight coalesce to the latest. */
  set(text: string): void {
    this.wanted = text;
    if (this.applying) return;
    this.idle = new Promise((resolve) => { this.finishIdle = resolve; });
    void this.drain();
  }

  /** Resolves when every text given to set() is in the document. */
  settled(): Promise<void> {
    return this.idle;
  }

  private async drain(): Promise<void> {
    this.applying = true;
    try {
      while (this.wanted !== undefined && !this.document.isClosed) {
        const text = this.wanted;
        this.wanted = undefined;
        await this.replaceChanged(text);
      }
    } finally {
      this.applying = false;
      this.finishIdle?.();
    }
  }

  private async replaceChanged(text: string): Promise<void> {
    const current = this.document.getText();
    if (current === text) return;
    const common = commonPrefixLength(current, text);
    const edit = new vscode.WorkspaceEdit();
    const start = this.document.positionAt(common);
    const end = this.document.positionAt(current.length);
    edit.replace(this.document.uri, new vscode.Range(start, end), text.slice(common));
    await vscode.workspace.applyEdit(edit);
  }
}

export function commonPrefixLength(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let i = 0;
  while (i < limit && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  // Never split a surrogate pair.
  if (i > 0 && i < limit && isHighSurrogate(a.charCodeAt(i - 1))) i--;
  return i;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
