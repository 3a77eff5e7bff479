// Extension entry point: wires the parts and returns at once. Nothing heavy happens here; the
// engine starts on first use. (Commands and the chat panel arrive with the extension issue.)

import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // Contributions are declared in package.json; there is nothing to start eagerly.
}

export function deactivate(): void {
  // Engine processes are owned by disposables registered in activate().
}
