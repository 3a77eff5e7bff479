// Where downloaded models live and which one is in use: pairs under the extension's global storage
// (`<globalStorage>/models/<id>/`), the bundled catalog, and the two settings that make a pair the
// active one (glimpse.modelPath + glimpse.mmprojPath, machine-scoped, so written to the user's
// Global settings like "Use Local Model Files…" does).

import * as vscode from 'vscode';
import { bundledCatalogPath, loadCatalog, type ModelCatalog } from '../core/models/catalog';
import { defaultDownloadBaseUrl } from '../core/models/download/downloadPair';
import { listInstalledPairs, type InstalledPair } from '../core/models/installedModels';
import type { ActiveModelSettings } from '../core/models/modelChoices';
import { checkModelPair, type ModelPairInfo } from '../core/models/pairCheck';
import { readConfig } from './config';
import { updateEngineSettings } from './engineSettingsBatch';

/** The folder holding one sub-folder per installed pair. */
export function modelsDirectory(context: Pick<vscode.ExtensionContext, 'globalStorageUri'>): string {
  return vscode.Uri.joinPath(context.globalStorageUri, 'models').fsPath;
}

let catalogCache: { path: string; catalog: Promise<ModelCatalog> } | undefined;

/** The catalog shipped with the extension (read and validated once per session). */
export function bundledCatalog(extensionUri: vscode.Uri): Promise<ModelCatalog> {
  const file = bundledCatalogPath(extensionUri.fsPath);
  if (catalogCache?.path !== file) {
    const catalog = loadCatalog(file);
    catalogCache = { path: file, catalog };
    catalog.catch(() => (catalogCache = undefined));
  }
  return catalogCache.catalog;
}

export function installedPairs(context: Pick<vscode.ExtensionContext, 'globalStorageUri'>): Promise<InstalledPair[]> {
  return listInstalledPairs(modelsDirectory(context));
}

/** The configured model and projector (user settings only: they are machine-scoped). */
export function activeModelSettings(): ActiveModelSettings {
  const config = readConfig();
  return { modelPath: config.modelPath, mmprojPath: config.mmprojPath };
}

/** glimpse.modelDownloadBaseUrl from the user's settings (machine-scoped: never a workspace's value), else Hugging Face. */
export function downloadBaseUrl(): string {
  return readConfig().modelDownloadBaseUrl ?? defaultDownloadBaseUrl;
}

/**
 * Makes the pair the one Glimpse uses: checks that the two files load as a vision pair (GGUF
 * headers only), then writes both paths to the user's settings and switches a remote backend back
 * to the embedded engine, as one change: the engine restarts once, with both files.
 */
export async function setActivePair(pair: Pick<InstalledPair, 'modelPath' | 'projectorPath'>): Promise<ModelPairInfo> {
  const info = await checkModelPair({ modelPath: pair.modelPath, mmprojPath: pair.projectorPath });
  const remote = vscode.workspace.getConfiguration('glimpse').inspect<string>('backend')?.globalValue === 'remote';
  await updateEngineSettings([['modelPath', pair.modelPath], ['mmprojPath', pair.projectorPath], ...(remote ? [['backend', 'embedded'] as const] : [])]);
  return info;
}

/** Removes the model and projector from the user's settings (the active pair was deleted). */
export async function clearActivePair(): Promise<void> {
  await updateEngineSettings([['modelPath', undefined], ['mmprojPath', undefined]]);
}
