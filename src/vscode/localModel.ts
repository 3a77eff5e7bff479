// "Glimpse: Use Local Model Files…": pick a GGUF language model; the matching mmproj next to it is
// found and checked (or asked for), and both paths go into the user's settings.

import path from 'node:path';
import * as vscode from 'vscode';
import { asGlimpseError } from '../core/errors';
import { findProjectorFor } from '../core/models/findProjector';
import { checkModelPair } from '../core/models/pairCheck';
import { updateEngineSettings } from './engineSettingsBatch';

export interface LocalModelChoice {
  readonly modelPath: string;
  readonly mmprojPath?: string;
}

export async function useLocalModel(given?: LocalModelChoice): Promise<{ ok: boolean; mmprojPath?: string; error?: string } | undefined> {
  const picked = given?.modelPath ?? (await vscode.window.showOpenDialog({
    title: 'Glimpse: choose the language model (GGUF)',
    openLabel: 'Use this model',
    canSelectMany: false,
    filters: { 'GGUF models': ['gguf'] },
  }))?.[0]?.fsPath;
  if (!picked) return undefined;
  // A llama-server of the user's own may know architectures the bundled one does not.
  const checks = { bundledEngine: !vscode.workspace.getConfiguration('glimpse').get<string>('serverPath') };
  try {
    let mmprojPath = given?.mmprojPath;
    if (!mmprojPath) {
      const search = await findProjectorFor(picked, checks);
      mmprojPath = search.found?.mmprojPath;
      if (!mmprojPath && !given) {
        const detail = search.rejected.length > 0
          ? `Projectors next to it that do not fit: ${search.rejected.map((r) => path.basename(r.mmprojPath)).join(', ')}.`
          : 'There is no mmproj-*.gguf file next to it.';
        const choice = await vscode.window.showWarningMessage(`${path.basename(picked)} needs its projector (mmproj) to see images. ${detail}`, { modal: true }, 'Choose the Projector…', 'Use Without Vision');
        if (choice === 'Choose the Projector…') {
          mmprojPath = (await vscode.window.showOpenDialog({ title: 'Glimpse: choose the projector (mmproj GGUF)', canSelectMany: false, filters: { 'GGUF projector': ['gguf'] } }))?.[0]?.fsPath;
          if (!mmprojPath) return undefined;
        } else if (choice !== 'Use Without Vision') {
          return undefined;
        }
      }
    }
    const pair = await checkModelPair({ modelPath: picked, mmprojPath }, checks);
    const remote = vscode.workspace.getConfiguration('glimpse').get('backend') === 'remote';
    await updateEngineSettings([['modelPath', picked], ['mmprojPath', mmprojPath ?? ''], ...(remote ? [['backend', 'embedded'] as const] : [])]);
    if (!given) {
      const vision = pair.vision ? `with its projector ${path.basename(pair.vision.mmprojPath)}` : 'without vision (text only)';
      void vscode.window.showInformationMessage(`Glimpse now uses ${pair.modelName} ${vision}.`);
    }
    return { ok: true, mmprojPath };
  } catch (error) {
    const message = asGlimpseError(error).message;
    if (!given) void vscode.window.showErrorMessage(message);
    return { ok: false, error: message };
  }
}
