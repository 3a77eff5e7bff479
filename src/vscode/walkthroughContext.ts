// Context keys the walkthrough ticks its steps with: "Choose a model" is done once a model pair (or
// a remote server) is set, whichever way it was set (Manage Models, Use Local Model Files, the
// Settings editor, a settings.json edit). Kept current as the settings change.

import * as vscode from 'vscode';
import { readConfig } from './config';

export const modelChosenContext = 'glimpse.modelChosen';

function updateModelChosen(): void {
  const config = readConfig();
  const chosen = config.backend === 'remote' ? config.remote.url !== '' : Boolean(config.modelPath);
  void vscode.commands.executeCommand('setContext', modelChosenContext, chosen);
}

export function trackWalkthroughContext(): vscode.Disposable {
  updateModelChosen();
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration('glimpse')) updateModelChosen();
  });
}
