// What a streamed chat answer is made of, as the rest of Glimpse receives it: text deltas, then
// one done event with the finish reason, token usage and (from llama-server) timings.

/** Prompt-processing and generation figures reported by llama-server in its final chunk. */
export interface ServerTimings {
  readonly cachedTokens: number;
  readonly promptTokens: number;
  readonly promptMs: number;
  readonly promptPerSecond: number;
  readonly predictedTokens: number;
  readonly predictedMs: number;
  readonly predictedPerSecond: number;
}

export interface CompletionUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cachedTokens?: number;
}

export type ChatStreamEvent =
  | { readonly type: 'delta'; readonly text: string }
  | {
      readonly type: 'done';
      readonly finishReason: string | null;
      readonly usage?: CompletionUsage;
      readonly timings?: ServerTimings;
    };
