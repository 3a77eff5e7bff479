// Extension entry point: wires the parts and returns at once. Nothing heavy happens here: the
// engine, sharp and the GGUF reader load on first use (the chat controller and engine host are
// created lazily by the first command that needs them).

import * as vscode from 'vscode';
import type { ChatController } from './vscode/chatController';
import type { EngineHost } from './vscode/engineHost';
import { registerCommands } from './vscode/commands';
import { createLog } from './vscode/log';
import { StatusBar } from './vscode/statusBar';

let engineHost: EngineHost | undefined;

/** What activate() returns: used by the integration tests (and by nothing else). */
export interface GlimpseApi {
  chat(): ChatController;
  engine(): EngineHost;
}

export function activate(context: vscode.ExtensionContext): GlimpseApi {
  const started = performance.now();
  const log = createLog();
  const statusBar = new StatusBar();
  let controller: ChatController | undefined;

  const engine = (): EngineHost => {
    if (!engineHost) {
      // Loaded on first use: keeps activation free of the engine's and images' dependencies.
      const { EngineHost: Host } = require('./vscode/engineHost') as typeof import('./vscode/engineHost');
      engineHost = new Host(log, statusBar, context.secrets);
      context.subscriptions.push(engineHost);
    }
    return engineHost;
  };
  const chat = (): ChatController => {
    if (!controller) {
      const { ChatController: Controller } = require('./vscode/chatController') as typeof import('./vscode/chatController');
      controller = new Controller(context.extensionUri, engine(), log);
      context.subscriptions.push(controller);
    }
    return controller;
  };

  context.subscriptions.push(log, statusBar, ...registerCommands(chat, engine, log, context.secrets));
  log.info(`Glimpse activated in ${(performance.now() - started).toFixed(1)} ms.`);
  return { chat, engine };
}

export async function deactivate(): Promise<void> {
  // Wait for the engine process to be gone: VS Code gives deactivate a few seconds.
  await engineHost?.shutdown();
  engineHost = undefined;
}
