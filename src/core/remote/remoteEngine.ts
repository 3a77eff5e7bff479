// A team's remote OpenAI-compatible server as a ChatEngine: the same streaming client as the
// embedded engine, a capability probe that decides whether images may be sent (never dropped
// silently: a model known to be blind is refused with the reason), and a size budget for images.

import type { ChatTurn } from '../openai/turn';
import type { ChatEngine, EngineDescription } from '../engine/chatEngine';
import { streamChatCompletion, type ChatCompletionOptions, type ChatStreamEvent, type OpenAiEndpoint } from '../openai/openAiClient';
import type { ImageBudget } from '../images/budget';
import { probeVision, type VisionProbe } from './capabilityProbe';
import { assertCanSee } from './visionGuard';

export type VisionSetting = 'auto' | 'yes' | 'no';

/** Remote projectors are unknown: a size that keeps screenshot text readable on any of them. */
export const remoteImageBudget: ImageBudget = { maxLongSide: 1344, maxPixels: 1344 * 1008 };

export class RemoteEngine implements ChatEngine {
  private probe: Promise<VisionProbe> | undefined;

  constructor(
    readonly endpoint: OpenAiEndpoint,
    private readonly visionSetting: VisionSetting = 'auto',
  ) {}

  /** Asks the server once what it is and whether the model sees; a failed probe is asked again next time. */
  probeServer(signal?: AbortSignal): Promise<VisionProbe> {
    if (!this.probe) {
      this.probe = probeVision(this.endpoint, this.endpoint.model, signal);
      this.probe.catch(() => (this.probe = undefined));
    }
    return this.probe;
  }

  async describe(signal?: AbortSignal): Promise<EngineDescription> {
    const probe = await this.probeServer(signal);
    const modelLabel = `${probe.model ?? this.endpoint.model ?? 'remote model'} (${new URL(this.endpoint.baseUrl).host})`;
    const base = { modelLabel, imageBudget: remoteImageBudget };
    if (this.visionSetting === 'yes') return { ...base, vision: true };
    if (this.visionSetting === 'no') {
      return { ...base, vision: false, visionRefusal: `Glimpse is set to treat ${modelLabel} as a model that cannot read images (the remote server's vision option is "no"). Set that option to "auto" or "yes" if it can, or pick a vision model.`, visionRefusalOptions: ['remoteVision'] };
    }
    try {
      const vision = assertCanSee(probe);
      return { ...base, vision: vision === 'unknown' ? 'unknown' : true };
    } catch (error) {
      return { ...base, vision: false, visionRefusal: error instanceof Error ? error.message : String(error) };
    }
  }

  async ensureReady(): Promise<void> {
    // Nothing to start: the server is someone else's. Connection problems surface on the request.
  }

  async *chat(turns: readonly ChatTurn[], options: ChatCompletionOptions, signal?: AbortSignal): AsyncGenerator<ChatStreamEvent> {
    const probe = await this.probe?.catch(() => undefined);
    // cache_prompt and slots are llama-server's; other servers would reject or ignore them.
    const serverOptions: ChatCompletionOptions = probe?.server === 'llama-server' ? options : { ...options, cachePrompt: undefined, slotId: undefined };
    yield* streamChatCompletion(this.endpoint, turns, serverOptions, signal);
  }
}
