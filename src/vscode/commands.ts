// The commands Glimpse contributes, and how each finds its input: Explain Image takes the file
// from the Explorer (one or several selected), from the image preview's title bar, or from a
// file picker when run from the command palette.

import * as vscode from 'vscode';
import { SUPPORTED_IMAGE_EXTENSIONS } from '../core/images/formats';
import type { AnswerOutcome, ChatController } from './chatController';
import type { EngineHost } from './engineHost';
import type { Log } from './log';
import type { RemoteSetupAnswers } from './remoteSetup';
import type { LocalModelChoice } from './localModel';

export function registerCommands(controller: () => ChatController, engine: () => EngineHost, log: Log, secrets: vscode.SecretStorage): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('glimpse.explainImage', async (clicked?: vscode.Uri, selected?: vscode.Uri[], question?: string): Promise<AnswerOutcome | undefined> => {
      const files = await imagesToExplain(clicked, selected);
      if (!files) return undefined;
      return controller().explain(files, question);
    }),
    vscode.commands.registerCommand('glimpse.openChat', () => {
      controller().openPanel();
    }),
    vscode.commands.registerCommand('glimpse.stopAnswer', () => controller().stop()),
    vscode.commands.registerCommand('glimpse.showLog', () => log.show(true)),
    vscode.commands.registerCommand('glimpse.restartEngine', () => engine().restart('restart requested')),
    vscode.commands.registerCommand('glimpse.useLocalModel', async (choice?: LocalModelChoice) => {
      const { useLocalModel } = require('./localModel') as typeof import('./localModel');
      return useLocalModel(choice);
    }),
    vscode.commands.registerCommand('glimpse.setUpRemote', async (answers?: RemoteSetupAnswers) => {
      const { setUpRemote } = require('./remoteSetup') as typeof import('./remoteSetup');
      return setUpRemote(secrets, engine(), log, answers);
    }),
  ];
}

/** Explorer: the clicked file, or all selected files when it is part of a multi-selection. */
async function imagesToExplain(clicked?: vscode.Uri, selected?: vscode.Uri[]): Promise<vscode.Uri[] | undefined> {
  if (clicked instanceof vscode.Uri) {
    const many = Array.isArray(selected) && selected.length > 1 && selected.some((uri) => uri.toString() === clicked.toString());
    return many ? selected : [clicked];
  }
  const active = activeImagePreview();
  if (active) return [active];
  return vscode.window.showOpenDialog({
    canSelectMany: true,
    openLabel: 'Explain',
    title: 'Glimpse: choose an image to explain',
    filters: { Images: [...SUPPORTED_IMAGE_EXTENSIONS] },
  });
}

/** The file shown in VS Code's built-in image preview, when that is the active editor. */
function activeImagePreview(): vscode.Uri | undefined {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  const input = tab?.input;
  if (input instanceof vscode.TabInputCustom && input.viewType === 'imagePreview.previewEditor') return input.uri;
  return undefined;
}
