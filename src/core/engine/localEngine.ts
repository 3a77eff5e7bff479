// The embedded llama-server as a ChatEngine: what the extension and the CLI both talk to when the
// model runs on this machine. Owns the mapping from the checked model pair to what the chat and the
// mockup flow need to know (can it see, how large an image, how many tokens an image takes).

import fs from 'node:fs';
import path from 'node:path';
import type { Disposable } from '../disposable';
import { imageBudgetFor } from '../models/imageBudget';
import { estimateImageTokens } from '../models/imageTokens';
import { noProjectorMessage, type ModelPairInfo } from '../models/pairCheck';
import type { ChatTurn } from '../openai/turn';
import type { ChatCompletionOptions, ChatStreamEvent } from '../openai/openAiClient';
import type { ChatEngine, EngineDescription, PrefillEngine, PrefillFigures } from './chatEngine';
import { LlamaServer, type EngineLogger, type LlamaServerConfig } from './llamaServer';

export class LocalEngine implements ChatEngine, PrefillEngine, Disposable {
  /** `server`: the supervised child process (its state, phases and exits are the status bar's). */
  constructor(readonly server: LlamaServer) {}

  static create(config: LlamaServerConfig, logger?: EngineLogger): LocalEngine {
    return new LocalEngine(new LlamaServer(config, logger));
  }

  get config(): LlamaServerConfig {
    return this.server.config;
  }

  /** Read from the GGUF headers: nothing starts. */
  async describe(): Promise<EngineDescription> {
    return describeLocalPair(await this.server.pairInfo());
  }

  async ensureReady(signal?: AbortSignal): Promise<void> {
    await this.server.start(signal);
  }

  chat(turns: readonly ChatTurn[], options: ChatCompletionOptions, signal?: AbortSignal): AsyncGenerator<ChatStreamEvent> {
    return this.server.chat(turns, options, signal);
  }

  /** Prefill while typing never starts a stopped engine. */
  async prefill(turns: readonly ChatTurn[], signal: AbortSignal): Promise<PrefillFigures | undefined> {
    if (!this.server.current) return undefined;
    return this.server.prefill(turns, signal);
  }

  dispose(): Promise<void> {
    return this.server.dispose();
  }
}

/** What a checked pair can do, as the chat and the mockup flow need it. */
export function describeLocalPair(pair: ModelPairInfo): EngineDescription {
  const vision = pair.vision;
  return {
    modelLabel: localModelLabel(pair.modelName),
    vision: Boolean(vision),
    visionRefusal: vision ? undefined : noProjectorMessage(pair.modelName),
    visionRefusalOptions: vision ? undefined : ['mmprojPath'],
    imageBudget: imageBudgetFor(pair),
    imageTokens: vision ? (width, height) => estimateImageTokens(vision, { width, height }) : undefined,
  };
}

/** The model's name for the UI; the project's synthetic test models say what they are. */
export function localModelLabel(modelName: string): string {
  return /synthetic/i.test(modelName) ? `${modelName} (synthetic demo model: random weights, gibberish answers)` : modelName;
}

/**
 * Tells two engine configurations apart: equal keys run the same files (symlinks and relative paths
 * resolved) with the same settings, so a settings change that keeps the key needs no restart.
 */
export function localEngineKey(config: LlamaServerConfig): string {
  const { modelPath, mmprojPath, ...settings } = config;
  return JSON.stringify({ model: canonicalPath(modelPath), projector: canonicalPath(mmprojPath), ...settings });
}

function canonicalPath(file: string | undefined): string {
  if (!file) return '';
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}
