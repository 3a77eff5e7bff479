// Extension entry point: wires the parts and returns at once. Nothing heavy happens here: the
// engine, sharp and the GGUF reader load on first use (the chat controller and engine host are
// created lazily by the first command that needs them).

import * as vscode from 'vscode';
import type { ChatController } from './vscode/chatController';
import type { EngineHost } from './vscode/engineHost';
import type { MockupController } from './vscode/mockupController';
import type { ConversationHistory } from './core/history/conversationHistory';
import { registerCommands } from './vscode/commands';
import { createLog } from './vscode/log';
import { initInstallation } from './vscode/installation';
import { warnOnPlatformMismatch } from './vscode/platformCheck';
import { WalkthroughContext } from './vscode/walkthroughContext';
import { StatusBar } from './vscode/statusBar';
import { registerLanguageModels } from './vscode/languageModels';

let engineHost: EngineHost | undefined;

/** What activate() returns: used by the integration tests (and by nothing else). */
export interface GlimpseApi {
  chat(): ChatController;
  engine(): EngineHost;
  history(): ConversationHistory;
  mockup(): MockupController;
  /** What Glimpse offers VS Code's chat as a language model (empty where it is off or unavailable). */
  languageModelInformation(): Promise<vscode.LanguageModelChatInformation[]>;
}

export function activate(context: vscode.ExtensionContext): GlimpseApi {
  const started = performance.now();
  initInstallation(context);
  const log = createLog();
  const statusBar = new StatusBar();
  let controller: ChatController | undefined;

  const engine = (): EngineHost => {
    if (!engineHost) {
      // Loaded on first use: keeps activation free of the engine's and images' dependencies.
      const { EngineHost: Host } = require('./vscode/engineHost') as typeof import('./vscode/engineHost');
      // One record per engine process in the global storage: the next start ends one that a window
      // killed without stopping it left running (several windows share the folder).
      const processRecordDir = vscode.Uri.joinPath(context.globalStorageUri, 'engine-processes').fsPath;
      // How fast this machine encodes each pair's images (the first-token budget), kept across sessions.
      const encodeSpeedFile = vscode.Uri.joinPath(context.globalStorageUri, 'encode-speeds.json').fsPath;
      engineHost = new Host(log, statusBar, context.secrets, undefined, processRecordDir, encodeSpeedFile);
      context.subscriptions.push(engineHost);
    }
    return engineHost;
  };
  let history: ConversationHistory | undefined;
  const conversations = (): ConversationHistory => {
    if (!history) {
      const { HistoryStore } = require('./core/history/historyStore') as typeof import('./core/history/historyStore');
      const { ConversationHistory: History } = require('./core/history/conversationHistory') as typeof import('./core/history/conversationHistory');
      const root = vscode.Uri.joinPath(context.globalStorageUri, 'history').fsPath;
      history = new History(new HistoryStore(root), (message) => log.warn(`[history] ${message}`));
    }
    return history;
  };
  // "Glimpse: Stop" is in the command palette while an answer or a mockup's code is being generated.
  const updateGenerating = () =>
    void vscode.commands.executeCommand('setContext', 'glimpse.generating', Boolean(controller?.isAnswering || mockupController?.isGenerating));
  const stopGenerating = () => {
    controller?.stop();
    mockupController?.stop();
  };
  const chat = (): ChatController => {
    if (!controller) {
      const { ChatController: Controller } = require('./vscode/chatController') as typeof import('./vscode/chatController');
      controller = new Controller(context.extensionUri, engine(), log, conversations());
      context.subscriptions.push(controller, controller.onDidPost((message) => message.type === 'busy' && updateGenerating()));
    }
    return controller;
  };

  const languageModels = registerLanguageModels(engine, log);
  const walkthrough = new WalkthroughContext();
  let mockupController: MockupController | undefined;
  const mockup = (): MockupController => {
    if (!mockupController) {
      const { MockupController: Controller } = require('./vscode/mockupController') as typeof import('./vscode/mockupController');
      mockupController = new Controller(context.extensionUri, engine(), log);
      context.subscriptions.push(mockupController, mockupController.onDidChangeGenerating(updateGenerating));
    }
    return mockupController;
  };

  context.subscriptions.push(
    log,
    statusBar,
    walkthrough,
    ...registerCommands(chat, engine, mockup, stopGenerating, log, context, walkthrough),
    ...languageModels.disposables,
    vscode.commands.registerCommand('glimpse.openConversation', () => {
      const { openConversation } = require('./vscode/historyCommands') as typeof import('./vscode/historyCommands');
      return openConversation(conversations(), chat(), log);
    }),
    // Brings the chat panel back after a window reload, with the last conversation.
    vscode.window.registerWebviewPanelSerializer('glimpse.chat', {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        chat().openPanel(panel);
      },
    }),
  );
  warnOnPlatformMismatch(context.extensionPath, log);
  log.info(`Glimpse activated in ${(performance.now() - started).toFixed(1)} ms.`);
  const languageModelInformation = async () =>
    (await languageModels.provider?.provideLanguageModelChatInformation({ silent: true }, new vscode.CancellationTokenSource().token)) ?? [];
  return { chat, engine, history: conversations, mockup, languageModelInformation };
}

export async function deactivate(): Promise<void> {
  // Wait for the engine process to be gone: VS Code gives deactivate a few seconds.
  await engineHost?.shutdown();
  engineHost = undefined;
}
