// The one client Glimpse uses to talk to an OpenAI-compatible chat server: the embedded
// llama-server on 127.0.0.1, or (later) a team's remote server. Streams chat completions over SSE,
// maps HTTP and stream errors to GlimpseErrors, and stops the request when the signal aborts.

import { GlimpseError } from '../errors';
import type { ChatTurn } from '../chat/turn';
import { toDataUri } from '../images/prepare';
import { SseParser } from './sseParser';

export interface OpenAiEndpoint {
  /** e.g. http://127.0.0.1:8080 (no trailing /v1). */
  readonly baseUrl: string;
  readonly apiKey?: string;
  readonly model?: string;
}

export interface ChatCompletionOptions {
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly seed?: number;
  /** llama-server: keep the prompt's KV cache so a follow-up reuses the image prefix. */
  readonly cachePrompt?: boolean;
  /** llama-server: pin the conversation to one slot. */
  readonly slotId?: number;
  /** Further server-specific body fields (e.g. llama-server's `ignore_eos`), sent as given. */
  readonly extraBody?: Readonly<Record<string, unknown>>;
}

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

type MessageContent = string | Array<{ type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } }>;

/** Builds the OpenAI `messages` array: images first, then the text, in each user message. */
export function toOpenAiMessages(turns: readonly ChatTurn[]): Array<{ role: string; content: MessageContent }> {
  return turns.map((turn) => {
    if (!turn.images || turn.images.length === 0) return { role: turn.role, content: turn.text };
    return {
      role: turn.role,
      content: [
        ...turn.images.map((image) => ({ type: 'image_url' as const, image_url: { url: toDataUri(image) } })),
        { type: 'text' as const, text: turn.text },
      ],
    };
  });
}

export function authHeaders(endpoint: OpenAiEndpoint): Record<string, string> {
  return endpoint.apiKey ? { authorization: `Bearer ${endpoint.apiKey}` } : {};
}

export async function* streamChatCompletion(
  endpoint: OpenAiEndpoint,
  turns: readonly ChatTurn[],
  options: ChatCompletionOptions,
  signal?: AbortSignal,
): AsyncGenerator<ChatStreamEvent> {
  const body: Record<string, unknown> = {
    model: endpoint.model ?? 'default',
    messages: toOpenAiMessages(turns),
    stream: true,
    stream_options: { include_usage: true },
  };
  if (options.maxTokens !== undefined) body.max_tokens = options.maxTokens;
  if (options.temperature !== undefined) body.temperature = options.temperature;
  if (options.seed !== undefined) body.seed = options.seed;
  if (options.cachePrompt !== undefined) body.cache_prompt = options.cachePrompt;
  if (options.slotId !== undefined) body.id_slot = options.slotId;
  Object.assign(body, options.extraBody);

  throwIfAborted(signal);
  let response: Response;
  try {
    response = await fetch(`${endpoint.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...authHeaders(endpoint) },
      body: JSON.stringify(body),
      signal,
    });
  } catch (error) {
    throw requestError(error, endpoint, signal);
  }
  if (!response.ok || !response.body) {
    throw await httpError(response, endpoint);
  }

  const parser = new SseParser();
  let finishReason: string | null = null;
  let usage: CompletionUsage | undefined;
  let timings: ServerTimings | undefined;
  const reader = response.body.getReader();
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        throw requestError(error, endpoint, signal);
      }
      const events = chunk.done ? parser.end() : parser.push(chunk.value);
      for (const event of events) {
        if (event.data === '[DONE]') {
          yield { type: 'done', finishReason, usage, timings };
          return;
        }
        const payload = parseJson(event.data);
        if (payload.error) throw streamError(payload.error);
        const choice = Array.isArray(payload.choices) ? payload.choices[0] : undefined;
        const text = choice?.delta?.content;
        if (typeof text === 'string' && text.length > 0) yield { type: 'delta', text };
        if (choice?.finish_reason) finishReason = choice.finish_reason;
        if (payload.usage) usage = readUsage(payload.usage);
        if (payload.timings) timings = readTimings(payload.timings);
      }
      if (chunk.done) break;
    }
  } finally {
    // Closing the body closes the connection: llama-server notices and stops generating.
    reader.cancel().catch(() => undefined);
  }
  if (signal?.aborted) throw cancelled();
  if (finishReason === null && usage === undefined) {
    throw new GlimpseError('engine-request-failed', `The server at ${endpoint.baseUrl} ended the answer before it was complete.`);
  }
  yield { type: 'done', finishReason, usage, timings };
}

function parseJson(data: string): any {
  try {
    return JSON.parse(data);
  } catch {
    throw new GlimpseError('engine-request-failed', `The server sent a chunk that is not JSON: ${data.slice(0, 200)}`);
  }
}

function readUsage(raw: any): CompletionUsage {
  return {
    promptTokens: Number(raw.prompt_tokens ?? 0),
    completionTokens: Number(raw.completion_tokens ?? 0),
    cachedTokens: raw.prompt_tokens_details?.cached_tokens,
  };
}

function readTimings(raw: any): ServerTimings {
  return {
    cachedTokens: Number(raw.cache_n ?? 0),
    promptTokens: Number(raw.prompt_n ?? 0),
    promptMs: Number(raw.prompt_ms ?? 0),
    promptPerSecond: Number(raw.prompt_per_second ?? 0),
    predictedTokens: Number(raw.predicted_n ?? 0),
    predictedMs: Number(raw.predicted_ms ?? 0),
    predictedPerSecond: Number(raw.predicted_per_second ?? 0),
  };
}

function cancelled(): GlimpseError {
  return new GlimpseError('cancelled', 'Stopped.');
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw cancelled();
}

function requestError(error: unknown, endpoint: OpenAiEndpoint, signal?: AbortSignal): GlimpseError {
  if (signal?.aborted) return cancelled();
  if (error instanceof GlimpseError) return error;
  const inner = error instanceof Error ? (error as { cause?: { code?: string; message?: string } }).cause : undefined;
  const cause = inner?.code ?? inner?.message ?? (error instanceof Error ? error.message : String(error));
  return new GlimpseError('engine-request-failed', `The connection to ${endpoint.baseUrl} failed (${cause}).`, error instanceof Error ? error.stack : undefined);
}

function streamError(raw: any): GlimpseError {
  const message = typeof raw === 'string' ? raw : (raw?.message ?? JSON.stringify(raw));
  return new GlimpseError('engine-request-failed', `The server reported an error while answering: ${message}`);
}

async function httpError(response: Response, endpoint: OpenAiEndpoint): Promise<GlimpseError> {
  let detail = '';
  try {
    const text = await response.text();
    try {
      const parsed = JSON.parse(text);
      detail = parsed?.error?.message ?? parsed?.message ?? text;
    } catch {
      detail = text;
    }
  } catch {
    // body unreadable: keep the status alone
  }
  const hint = response.status === 401 || response.status === 403
    ? ' Check the API key.'
    : response.status === 404 ? ' Check the server URL and model name.' : '';
  return new GlimpseError(
    'engine-request-failed',
    `The server at ${endpoint.baseUrl} answered ${response.status} ${response.statusText}${detail ? `: ${detail.slice(0, 300)}` : ''}.${hint}`,
  );
}
