// A copy of the tiny pair the runner configured, in a folder of its own, for tests that point the
// settings at another pair; and putting the runner's settings back afterwards.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';

export interface CopiedPair {
  /** The runner's own settings, to put back. */
  readonly saved: { readonly modelPath: string; readonly mmprojPath: string };
  readonly folder: string;
  readonly modelPath: string;
  readonly mmprojPath: string;
}

/** Copies the configured pair as `<name>.gguf` and `mmproj-<name>-f16.gguf` (found next to it by name). */
export function copyConfiguredPair(name: string): CopiedPair {
  const config = vscode.workspace.getConfiguration('glimpse');
  const modelPath = config.inspect<string>('modelPath')?.globalValue;
  const mmprojPath = config.inspect<string>('mmprojPath')?.globalValue;
  assert.ok(modelPath && mmprojPath, 'the runner configured the tiny pair');
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), `glimpse-${name}-`));
  const copy = { folder, modelPath: path.join(folder, `${name}.gguf`), mmprojPath: path.join(folder, `mmproj-${name}-f16.gguf`) };
  fs.copyFileSync(modelPath, copy.modelPath);
  fs.copyFileSync(mmprojPath, copy.mmprojPath);
  return { saved: { modelPath, mmprojPath }, ...copy };
}

/** Puts the runner's pair back in the settings and deletes the copy. */
export async function restoreConfiguredPair(pair: CopiedPair | undefined): Promise<void> {
  if (!pair) return;
  const config = vscode.workspace.getConfiguration('glimpse');
  await config.update('modelPath', pair.saved.modelPath, vscode.ConfigurationTarget.Global);
  await config.update('mmprojPath', pair.saved.mmprojPath, vscode.ConfigurationTarget.Global);
  fs.rmSync(pair.folder, { recursive: true, force: true });
}
