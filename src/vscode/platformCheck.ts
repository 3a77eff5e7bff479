// Warns, once at activation, when this VSIX was built for another platform (core/packagedPlatform.ts).

import * as vscode from 'vscode';
import { platformMismatch, readPackagedPlatform } from '../core/packagedPlatform';
import type { Log } from './log';

export function warnOnPlatformMismatch(extensionPath: string, log: Log): void {
  const warning = platformMismatch(readPackagedPlatform(extensionPath));
  if (!warning) return;
  log.error(warning);
  void vscode.window.showErrorMessage(warning, 'Show Log').then((picked) => {
    if (picked === 'Show Log') log.show(true);
  });
}
