// The commands Glimpse contributes, and how each finds its input: Explain Image takes the file
// from the Explorer (one or several selected), from the image preview's title bar, or from a
// file picker when run from the command palette.

import * as vscode from 'vscode';
import type { AnswerOutcome, ChatController } from './chatController';
import type { EngineHost } from './engineHost';
import type { Log } from './log';
import type { RemoteSetupAnswers } from './remoteSetup';
import type { LocalModelChoice } from './localModel';
import type { ManageModelsRequest } from './manageModels';
import type { GetEngineRequest } from './getEngine';
import type { MockupController } from './mockupController';
import type { MockupCommandArgs } from './mockupCommand';
import { imagesFromContext } from './imagePick';
import type { WalkthroughContext } from './walkthroughContext';

export function registerCommands(
  controller: () => ChatController,
  engine: () => EngineHost,
  mockup: () => MockupController,
  /** Stops whatever is being generated, without creating anything that is not there yet. */
  stopGenerating: () => void,
  log: Log,
  context: vscode.ExtensionContext,
  walkthrough: WalkthroughContext,
): vscode.Disposable[] {
  const secrets = context.secrets;
  return [
    vscode.commands.registerCommand('glimpse.explainImage', async (clicked?: vscode.Uri, selected?: vscode.Uri[], question?: string): Promise<AnswerOutcome | undefined> => {
      const files = await imagesFromContext(clicked, selected, { openLabel: 'Explain', title: 'Glimpse: choose an image to explain', many: true });
      if (!files) return undefined;
      return controller().explain(files, question);
    }),
    vscode.commands.registerCommand('glimpse.generateFromMockup', async (clicked?: vscode.Uri | MockupCommandArgs, selected?: vscode.Uri[]) => {
      const { generateFromMockup } = require('./mockupCommand') as typeof import('./mockupCommand');
      return generateFromMockup(mockup(), context.globalState, () => controller().mockupSource(), clicked, selected);
    }),
    vscode.commands.registerCommand('glimpse.openChat', () => {
      controller().openPanel();
    }),
    vscode.commands.registerCommand('glimpse.stopAnswer', stopGenerating),
    vscode.commands.registerCommand('glimpse.showLog', () => log.show(true)),
    vscode.commands.registerCommand('glimpse.restartEngine', () => engine().restart('restart requested')),
    vscode.commands.registerCommand('glimpse.useLocalModel', async (choice?: LocalModelChoice) => {
      const { useLocalModel } = require('./localModel') as typeof import('./localModel');
      return useLocalModel(choice);
    }),
    vscode.commands.registerCommand('glimpse.manageModels', async (request?: ManageModelsRequest) => {
      const { manageModels } = require('./manageModels') as typeof import('./manageModels');
      return manageModels(context, log, request);
    }),
    // The walkthrough's "explain a sample image" step: a login-form mockup shipped with the extension.
    vscode.commands.registerCommand('glimpse.explainSample', async (): Promise<AnswerOutcome> => {
      return controller().explain([vscode.Uri.joinPath(context.extensionUri, 'media', 'sample', 'mockup.png')]);
    }),
    vscode.commands.registerCommand('glimpse.checkEngine', async () => {
      const { checkEngine } = require('./checkEngine') as typeof import('./checkEngine');
      return checkEngine(log, (ready) => walkthrough.setEngineReady(ready));
    }),
    vscode.commands.registerCommand('glimpse.getEngine', async (request?: GetEngineRequest) => {
      const { getEngine } = require('./getEngine') as typeof import('./getEngine');
      return getEngine(log, () => engine().restart('engine downloaded'), request);
    }),
    vscode.commands.registerCommand('glimpse.setUpRemote', async (answers?: RemoteSetupAnswers) => {
      const { setUpRemote } = require('./remoteSetup') as typeof import('./remoteSetup');
      return setUpRemote(secrets, engine(), log, answers);
    }),
  ];
}
