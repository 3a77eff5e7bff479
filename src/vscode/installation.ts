// Where this installation keeps its engines: the one a platform VSIX carries (<extension>/engine)
// and the ones "Get the Engine" downloads (<global storage>/engines). Set once at activation.

import path from 'node:path';
import type * as vscode from 'vscode';

let paths: { extensionPath: string; globalStoragePath: string } | undefined;

export function initInstallation(context: Pick<vscode.ExtensionContext, 'extensionPath' | 'globalStorageUri'>): void {
  paths = { extensionPath: context.extensionPath, globalStoragePath: context.globalStorageUri.fsPath };
}

/** `<extension>/engine`: where a platform VSIX carries llama-server and its libraries. */
export function bundledEngineDirectory(): string | undefined {
  return paths ? path.join(paths.extensionPath, 'engine') : undefined;
}

/** `<global storage>/engines`: where "Get the Engine" unpacks llama.cpp releases. */
export function downloadedEnginesDirectory(): string | undefined {
  return paths ? path.join(paths.globalStoragePath, 'engines') : undefined;
}

export function extensionPath(): string | undefined {
  return paths?.extensionPath;
}
