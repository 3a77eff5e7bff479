// A ChatEngine for unit tests of the mockup flow: answers each chat call with the next script, and
// records what it was sent and how often it was asked to get ready.

import type { ChatEngine, EngineDescription } from '../../../src/core/engine/chatEngine';
import { GlimpseError } from '../../../src/core/errors';
import type { ChatCompletionOptions, ChatStreamEvent } from '../../../src/core/openai/openAiClient';
import type { ChatTurn } from '../../../src/core/openai/turn';

export interface Script {
  readonly deltas: readonly string[];
  readonly finishReason?: string;
  /** Throw this after the deltas instead of finishing. */
  readonly error?: Error;
  /** Keep yielding after an abort (an engine that does not watch the signal). */
  readonly ignoresAbort?: boolean;
}

/** A ChatEngine that answers each chat call with the next script, and records what it was sent. */
export class ScriptedEngine implements ChatEngine {
  readonly calls: Array<{ turns: readonly ChatTurn[]; options: ChatCompletionOptions }> = [];
  readyCalls = 0;

  constructor(private readonly scripts: Script[], private readonly description: Partial<EngineDescription> = {}) {}

  async describe(): Promise<EngineDescription> {
    return { modelLabel: 'Test VLM', vision: true, imageBudget: { maxLongSide: 1344 }, ...this.description };
  }

  async ensureReady(): Promise<void> {
    this.readyCalls++;
  }

  async *chat(turns: readonly ChatTurn[], options: ChatCompletionOptions, signal?: AbortSignal): AsyncGenerator<ChatStreamEvent> {
    this.calls.push({ turns, options });
    const script = this.scripts.shift();
    if (!script) throw new Error('no script left');
    for (const text of script.deltas) {
      await new Promise((resolve) => setImmediate(resolve));
      // Like the real client: an aborted request ends with a 'cancelled' error.
      if (signal?.aborted && !script.ignoresAbort) throw new GlimpseError('cancelled', 'The request was cancelled.');
      yield { type: 'delta', text };
    }
    if (script.error) throw script.error;
    yield { type: 'done', finishReason: script.finishReason ?? 'stop' };
  }
}
