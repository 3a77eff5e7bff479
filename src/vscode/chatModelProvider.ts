// Glimpse's model in VS Code's own chat and model picker (vscode.lm, vendor "glimpse"): the local
// pair, or the team's server when glimpse.backend is remote. Requests go through the same engine
// as the panel (EngineHost: lazy start with its progress and status bar) and the same core flow
// for images (core/chat/relayedChat.ts: budget, orientation, transcoding); VS Code's cancellation
// stops generation in llama-server. An image sent to a model that cannot see is refused with a
// LanguageModelError that names the model and says what to do, never dropped.

import * as vscode from 'vscode';
import { relayChat, type RelayedMessage } from '../core/chat/relayedChat';
import { PreparedImageCache } from '../core/images/preparedImageCache';
import { estimateRelayedTokens, estimateTextTokens } from '../core/chat/tokenEstimate';
import type { EngineDescription } from '../core/engine/chatEngine';
import { asGlimpseError } from '../core/errors';
import { readConfig } from './config';
import type { EngineHost } from './engineHost';
import type { Log } from './log';
import { toRelayedMessages } from './relayedMessages';
import { editorErrorText } from './settingNames';

export const languageModelVendor = 'glimpse';

/** The context a remote server is assumed to take when it does not say (and glimpse.contextSize is unset). */
const remoteContextFallback = 8192;

export class ChatModelProvider implements vscode.LanguageModelChatProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly images = new PreparedImageCache();
  private readonly subscriptions: vscode.Disposable[];
  /** What the model offered last can do (its image budget and token count, for counting). */
  private offered: EngineDescription | undefined;

  readonly onDidChangeLanguageModelChatInformation = this.changed.event;

  constructor(
    private readonly engine: () => EngineHost,
    private readonly log: Log,
  ) {
    this.subscriptions = [
      this.changed,
      vscode.workspace.onDidChangeConfiguration((event) => {
        // The model, its context, the answer length or the switch itself: VS Code asks again.
        if (event.affectsConfiguration('glimpse')) this.changed.fire();
      }),
    ];
  }

  async provideLanguageModelChatInformation(_options: vscode.PrepareLanguageModelChatModelOptions, token: vscode.CancellationToken): Promise<vscode.LanguageModelChatInformation[]> {
    const settings = readConfig();
    if (!settings.languageModelEnabled) return [];
    let description: EngineDescription;
    const host = this.engine();
    try {
      // Never host.describe(): it would apply a burst of settings writes before the burst is over.
      description = await host.describeSettled(abortSignalOf(token));
    } catch (error) {
      // No model yet, or one that does not load: nothing to offer until the settings change.
      this.log.info(`[language model] no model to offer VS Code's chat: ${asGlimpseError(error).message}`);
      return [];
    }
    this.offered = description;
    const remote = settings.backend === 'remote';
    const context = (await host.contextWindow()) ?? settings.contextSize ?? remoteContextFallback;
    const maxOutputTokens = Math.max(1, Math.min(settings.maxTokens, context - 1));
    return [
      {
        id: remote ? 'glimpse-remote' : 'glimpse-local',
        name: `${description.modelLabel} (${remote ? 'Glimpse, team server' : 'Glimpse, local'})`,
        family: 'glimpse',
        version: description.modelLabel,
        detail: remote ? 'team server' : 'on this machine',
        tooltip: remote
          ? `${description.modelLabel} on the server in glimpse.remote.url, through Glimpse.`
          : `${description.modelLabel}, run by llama.cpp on this machine: nothing you send leaves it.${description.vision === false ? ' It cannot see images (no mmproj projector).' : ''}`,
        maxInputTokens: Math.max(1, context - maxOutputTokens),
        maxOutputTokens,
        capabilities: { imageInput: description.vision !== false, toolCalling: false },
      },
    ];
  }

  async provideLanguageModelChatResponse(
    model: vscode.LanguageModelChatInformation,
    messages: readonly vscode.LanguageModelChatRequestMessage[],
    options: vscode.ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const settings = readConfig();
    const controller = new AbortController();
    const cancel = token.onCancellationRequested(() => controller.abort());
    const relayed = toRelayedMessages(messages, this.log);
    const maxTokens = positiveNumber(options.modelOptions?.maxTokens) ?? positiveNumber(options.modelOptions?.max_tokens) ?? model.maxOutputTokens;
    const temperature = finiteNumber(options.modelOptions?.temperature) ?? settings.temperature;
    this.log.info(`[language model] a request from VS Code's chat: ${relayed.length} messages, ${imageCount(relayed)} images`);
    try {
      const events = relayChat(this.engine(), { messages: relayed, limits: { maxFileBytes: settings.maxImageBytes } }, { maxTokens, temperature }, controller.signal, this.images);
      for await (const event of events) {
        if (event.type === 'delta') progress.report(new vscode.LanguageModelTextPart(event.text));
      }
    } catch (error) {
      if (token.isCancellationRequested) return;
      const failure = asGlimpseError(error);
      this.log.warn(`[language model] ${failure.message}${failure.detail ? `\n${failure.detail}` : ''}`);
      throw new vscode.LanguageModelError(editorErrorText(failure));
    } finally {
      cancel.dispose();
    }
  }

  /** Counted by llama-server's tokenizer while it runs; estimated otherwise (a count never starts the engine). */
  async provideTokenCount(_model: vscode.LanguageModelChatInformation, text: string | vscode.LanguageModelChatRequestMessage, token: vscode.CancellationToken): Promise<number> {
    const signal = abortSignalOf(token);
    const host = this.engine();
    if (typeof text === 'string') return (await host.countTokens(text, signal)) ?? estimateTextTokens(text);
    const [message] = toRelayedMessages([text], this.log);
    return estimateRelayedTokens(message, {
      imageTokens: this.offered?.imageTokens,
      imageBudget: this.offered?.imageBudget,
      countText: (part) => host.countTokens(part, signal),
    });
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}

function abortSignalOf(token: vscode.CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

function imageCount(messages: readonly RelayedMessage[]): number {
  return messages.reduce((count, message) => count + message.parts.filter((part) => part.kind === 'image').length, 0);
}

function positiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : undefined;
}

function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
