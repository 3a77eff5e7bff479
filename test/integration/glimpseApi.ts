// What the integration tests reach the extension through: its id and the API activate() returns.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GlimpseApi } from '../../src/extension';

export const extensionId = 'glimpse-dev.glimpse';

/** The extension's API, activating it first when needed. */
export async function glimpseApi(): Promise<GlimpseApi> {
  const extension = vscode.extensions.getExtension<GlimpseApi>(extensionId);
  assert.ok(extension, 'the extension is installed');
  return extension.isActive ? extension.exports : await extension.activate();
}
