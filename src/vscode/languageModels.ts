// Glimpse inside VS Code's own AI features: the model in the chat's model picker (vendor
// "glimpse", contributes.languageModelChatProviders) and the glimpse_lookAtImage tool
// (contributes.languageModelTools). Both reach the engine only on first use: registering them
// loads no engine, image library or model.

import * as vscode from 'vscode';
import type { EngineHost } from './engineHost';
import type { Log } from './log';

export interface LanguageModels {
  /** The provider, when this VS Code took it (tests ask it what it offers). */
  readonly provider?: import('./chatModelProvider').ChatModelProvider;
  readonly disposables: readonly vscode.Disposable[];
}

export function registerLanguageModels(engine: () => EngineHost, log: Log): LanguageModels {
  const { ChatModelProvider, languageModelVendor } = require('./chatModelProvider') as typeof import('./chatModelProvider');
  const { LookAtImageTool, lookAtImageToolName } = require('./lookAtImageTool') as typeof import('./lookAtImageTool');
  const registered: vscode.Disposable[] = [];
  let offered: LanguageModels['provider'];
  // A VS Code without these APIs (a fork that leaves them out) still gets the rest of Glimpse.
  try {
    const provider = new ChatModelProvider(engine, log);
    registered.push(provider, vscode.lm.registerLanguageModelChatProvider(languageModelVendor, provider));
    offered = provider;
  } catch (error) {
    log.warn(`[language model] VS Code's chat cannot offer Glimpse's model here: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    registered.push(vscode.lm.registerTool(lookAtImageToolName, new LookAtImageTool(engine, log)));
  } catch (error) {
    log.warn(`[tool] ${lookAtImageToolName} is not available here: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { provider: offered, disposables: registered };
}
