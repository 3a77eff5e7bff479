// The embedded llama-server as a ChatEngine: what the extension and the CLI both talk to when the
// model runs on this machine. Owns the mapping from the checked model pair to what the chat and the
// mockup flow need to know (can it see, how large an image, how many tokens an image takes), and
// the first-token budget (firstTokenBudget.ts): it times each answer that encoded an image, keeps
// the speed per pair (encodeSpeed.ts), and sizes images (or sets --image-max-tokens) to fit.

import fs from 'node:fs';
import path from 'node:path';
import type { Disposable } from '../disposable';
import { imageBudgetFor } from '../models/imageBudget';
import { estimateImageTokens } from '../models/imageTokens';
import { EncodeSpeeds, type EncodeSpeedKey } from '../models/encodeSpeed';
import { planFirstToken, type FirstTokenPlan } from '../models/firstTokenBudget';
import { firstTokenNote } from '../models/firstTokenNote';
import { noProjectorMessage, type ModelPairInfo } from '../models/pairCheck';
import type { ChatTurn } from '../openai/turn';
import { endpointUrl, requestHeaders, type ChatCompletionOptions, type ChatStreamEvent } from '../openai/openAiClient';
import { sendHttpRequest, type HttpResponse } from '../http/httpRequest';
import type { ServerTimings } from '../openai/chatStream';
import type { ChatEngine, EngineDescription, PrefillEngine, PrefillFigures } from './chatEngine';
import { LlamaServer, defaultThreads, type EngineLogger, type LlamaServerConfig } from './llamaServer';
import { locateServer, type LocatedServer } from './locateServer';

export class LocalEngine implements ChatEngine, PrefillEngine, Disposable {
  private readonly speeds: EncodeSpeeds;
  /** Whether the running server's --image-max-tokens came from a measured speed (else from the prior, or none). */
  private capMeasured = false;
  /** The binary the next start will find, located once (describe() runs for every attached image). */
  private located: Promise<LocatedServer | undefined> | undefined;

  /** `server`: the supervised child process (its state, phases and exits are the status bar's). */
  constructor(readonly server: LlamaServer, speeds?: EncodeSpeeds) {
    this.speeds = speeds ?? new EncodeSpeeds(server.config.encodeSpeedFile);
    server.chooseImageTokenCap = async (pair, binary) => {
      const plan = await this.plan(pair, binary);
      this.capMeasured = plan.measured;
      return plan.serverMaxImageTokens;
    };
  }

  static create(config: LlamaServerConfig, logger?: EngineLogger): LocalEngine {
    return new LocalEngine(new LlamaServer(config, logger));
  }

  get config(): LlamaServerConfig {
    return this.server.config;
  }

  /** Read from the GGUF headers: nothing starts. */
  async describe(): Promise<EngineDescription> {
    const pair = await this.server.pairInfo();
    this.located ??= locateServer(this.config.serverPath, this.config.serverSearch).catch(() => {
      this.located = undefined; // not there yet (being built or downloaded): look again next time
      return undefined;
    });
    const binary = this.server.current?.binary ?? (await this.located);
    const plan = await this.plan(pair, binary);
    const running = this.server.current;
    return describeLocalPair(pair, plan, running ? running.imageMaxTokens : plan.serverMaxImageTokens);
  }

  async ensureReady(signal?: AbortSignal): Promise<void> {
    await this.server.start(signal);
  }

  async *chat(turns: readonly ChatTurn[], options: ChatCompletionOptions, signal?: AbortSignal): AsyncGenerator<ChatStreamEvent> {
    await this.applyMeasuredCap(turns, signal);
    const running = this.server.current;
    for await (const event of this.server.chat(turns, options, signal)) {
      if (event.type === 'done' && event.timings && running) await this.recordSpeed(running.pair, running.imageMaxTokens, turns, event.timings);
      yield event;
    }
  }

  /** The first-token plan for this pair on this machine, now. */
  async plan(pair: ModelPairInfo, binary?: LocatedServer): Promise<FirstTokenPlan> {
    const threads = this.config.threads ?? defaultThreads();
    const key = speedKey(pair, threads);
    const accelerated = (binary?.accelerators.length ?? 0) > 0 && this.config.gpuLayers !== 0;
    const measured = key ? await this.speeds.measured(key) : {};
    return planFirstToken(pair, {
      budgetSeconds: this.config.firstTokenBudgetSeconds ?? 0,
      measuredMsPerVisualToken: measured.msPerVisualToken,
      measuredMsPerTextToken: measured.msPerTextToken,
      threads,
      accelerated,
    });
  }

  /**
   * A server started before this machine's speed was measured runs with the prior's cap (or none):
   * once measured, a new conversation about an image starts it again with the measured cap (once;
   * later figures apply at the next start, so the cap does not flap between answers).
   */
  private async applyMeasuredCap(turns: readonly ChatTurn[], signal?: AbortSignal): Promise<void> {
    const running = this.server.current;
    if (!running || this.capMeasured || !isNewImageConversation(turns)) return;
    const plan = await this.plan(running.pair, running.binary);
    if (!plan.measured) return;
    this.capMeasured = plan.serverMaxImageTokens === running.imageMaxTokens;
    if (this.capMeasured) return;
    await this.server.stop();
    await this.server.start(signal);
  }

  private async recordSpeed(pair: ModelPairInfo, imageMaxTokens: number | undefined, turns: readonly ChatTurn[], timings: ServerTimings): Promise<void> {
    const key = speedKey(pair, this.config.threads ?? defaultThreads());
    if (!key || !pair.vision) return;
    const vision = pair.vision;
    const tokensOf = (turn: ChatTurn | undefined) => (turn?.images ?? []).reduce((sum, image) => sum + (estimateImageTokens(vision, image, { maxTokens: imageMaxTokens }) ?? 0), 0);
    // Nothing cached: every image was encoded; otherwise only the newest question's.
    const encoded = timings.cachedTokens > 0 ? [turns.filter((turn) => turn.role === 'user').at(-1)] : turns;
    const visualTokens = encoded.reduce((sum, turn) => sum + tokensOf(turn), 0);
    if (visualTokens === 0) {
      // A follow-up: the text's own cost, taken off later image answers.
      if (timings.promptTokens >= minTextSample) await this.speeds.record(key, timings.promptMs, timings.promptTokens, 'text');
      return;
    }
    if (timings.promptTokens < visualTokens) return;
    const { msPerTextToken } = await this.speeds.measured(key);
    const textMs = (msPerTextToken ?? 0) * (timings.promptTokens - visualTokens);
    await this.speeds.record(key, Math.max(timings.promptMs - textMs, timings.promptMs / 2), visualTokens);
  }

  /** Prefill while typing never starts a stopped engine. */
  async prefill(turns: readonly ChatTurn[], signal: AbortSignal): Promise<PrefillFigures | undefined> {
    if (!this.server.current) return undefined;
    return this.server.prefill(turns, signal);
  }

  /**
   * The model's own token count of `text` (llama-server's /tokenize, without BOS and with
   * special-looking text read as plain text, as a user's text is sent); undefined while the server
   * is not running (a count never starts it) or when the count fails.
   */
  async countTokens(text: string, signal?: AbortSignal): Promise<number | undefined> {
    const running = this.server.current;
    if (!running) return undefined;
    const { endpoint } = running;
    let response: HttpResponse | undefined;
    try {
      response = await sendHttpRequest(endpointUrl(endpoint, tokenizePath), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...requestHeaders(endpoint) },
        body: JSON.stringify({ content: text, add_special: false, parse_special: false }),
        connectTimeoutMs: tokenizeTimeoutMs,
        idleTimeoutMs: tokenizeTimeoutMs,
        signal,
        serverLabel: endpoint.baseUrl,
      });
      if (response.status !== 200) return undefined;
      // Each token id is at most 7 digits and a comma, and every token holds at least a byte of the text.
      const answer = await response.textWithin(Buffer.byteLength(text, 'utf8') * 8 + 1024);
      if (!answer.complete) return undefined;
      const tokens: unknown = (JSON.parse(answer.text) as { tokens?: unknown }).tokens;
      return Array.isArray(tokens) ? tokens.length : undefined;
    } catch {
      return undefined;
    } finally {
      response?.close();
    }
  }

  dispose(): Promise<void> {
    return this.server.dispose();
  }
}

const tokenizePath = '/tokenize';
/** The embedded server tokenizes a long prompt in milliseconds; a count waits no longer than this. */
const tokenizeTimeoutMs = 10_000;

/**
 * What a checked pair can do, as the chat and the mockup flow need it; `plan` and `imageMaxTokens`
 * (the server's --image-max-tokens) size its images for the first-token budget.
 */
export function describeLocalPair(pair: ModelPairInfo, plan?: FirstTokenPlan, imageMaxTokens?: number): EngineDescription {
  const vision = pair.vision;
  const options = { maxTokens: imageMaxTokens };
  return {
    modelLabel: localModelLabel(pair.modelName),
    vision: Boolean(vision),
    visionRefusal: vision ? undefined : noProjectorMessage(pair.modelName),
    visionRefusalOptions: vision ? undefined : ['mmprojPath'],
    imageBudget: imageBudgetFor(pair, plan?.maxImageTokens),
    imageTokens: vision ? (width, height) => estimateImageTokens(vision, { width, height }, options) : undefined,
    imageNote: vision && plan ? (image) => firstTokenNote(vision, plan, image, imageMaxTokens) : undefined,
  };
}

/** Fewer prompt tokens than this time the request's overhead, not the text. */
const minTextSample = 16;

function speedKey(pair: ModelPairInfo, threads: number): EncodeSpeedKey | undefined {
  if (!pair.vision) return undefined;
  return { modelPath: pair.modelPath, modelFileSize: pair.modelFileSize, mmprojPath: pair.vision.mmprojPath, mmprojFileSize: pair.vision.fileSize, threads };
}

/** Only the last question carries images: a conversation that starts about an image (nothing to re-encode). */
function isNewImageConversation(turns: readonly ChatTurn[]): boolean {
  const withImages = turns.filter((turn) => (turn.images?.length ?? 0) > 0);
  return withImages.length === 1 && withImages[0] === turns.filter((t) => t.role === 'user').at(-1);
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
