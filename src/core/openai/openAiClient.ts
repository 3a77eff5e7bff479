// The one client Glimpse uses to talk to an OpenAI-compatible chat server: the embedded
// llama-server on 127.0.0.1, or a team's remote server (llama-server, vLLM, Ollama, a gateway).
// Streams chat completions over SSE, retries a short rate-limit wait, maps HTTP and stream errors
// to GlimpseErrors that say what to do, and stops the request when the signal aborts. The HTTP
// request itself, with its connect and idle timeouts, is in httpRequest.ts.

import { delay } from '../abort';
import { GlimpseError } from '../errors';
import type { ChatTurn } from './turn';
import { toDataUri } from '../images/prepare';
import { httpStatusError, parseRetryAfter, summariseErrorBody } from './httpErrors';
import { cancelledError, sendHttpRequest, type HttpResponse } from '../http/httpRequest';
import { SseParser, type ServerSentEvent } from './sseParser';

/** Defaults sized for a remote server; the embedded engine answers long before any of them. */
export const defaultConnectTimeoutMs = 15_000;
/** A big model reading a large image can be silent for a long time (llama-server pings every 30 s). */
export const defaultIdleTimeoutMs = 120_000;
export const defaultRateLimitRetries = 2;
export const defaultMaxRetryWaitMs = 10_000;
/** The wait before retrying a 429 that did not say how long to wait (doubled on each retry). */
const fallbackRetryWaitMs = 1_000;
const maxWholeAnswerBytes = 4 * 1024 * 1024;
const chatPath = '/v1/chat/completions';
/** Sent when no model is named; llama-server serves its one model whatever the name. */
const defaultModelName = 'default';

export interface OpenAiEndpoint {
  /** e.g. http://127.0.0.1:8080 (no trailing /v1). */
  readonly baseUrl: string;
  readonly apiKey?: string;
  readonly model?: string;
  /** Further headers sent with every request (e.g. a gateway's); the API key's header wins over them. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A rate-limited request about to be sent again. */
export interface RetryNotice {
  /** 1 for the first retry. */
  readonly attempt: number;
  readonly waitMs: number;
  readonly status: number;
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
  /** Limit for opening the connection (TCP, and TLS for https). Default 15 s. */
  readonly connectTimeoutMs?: number;
  /** Limit for silence once connected, before or during the answer; keep-alive comments count as activity. Default 120 s. */
  readonly idleTimeoutMs?: number;
  /** How many times a 429 (or a 503 with Retry-After) is retried before it is reported. Default 2. */
  readonly rateLimitRetries?: number;
  /** The longest wait retried automatically; a longer one is reported with its wait. Default 10 s. */
  readonly maxRetryWaitMs?: number;
  /** Called before each automatic retry (e.g. to show "rate limited, retrying in 2 s"). */
  readonly onRetry?: (notice: RetryNotice) => void;
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

/** The endpoint's extra headers, then its API key. */
export function requestHeaders(endpoint: OpenAiEndpoint): Record<string, string> {
  return { ...endpoint.headers, ...authHeaders(endpoint) };
}

export async function* streamChatCompletion(
  endpoint: OpenAiEndpoint,
  turns: readonly ChatTurn[],
  options: ChatCompletionOptions,
  signal?: AbortSignal,
): AsyncGenerator<ChatStreamEvent> {
  const body: Record<string, unknown> = {
    model: endpoint.model ?? defaultModelName,
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

  const response = await openStream(endpoint, JSON.stringify(body), options, signal);
  try {
    yield* readAnswer(response, endpoint, signal);
  } finally {
    // Closing the connection is what tells the server to stop generating.
    response.close();
  }
}

/** Sends the request, retrying a short rate-limit wait; returns a 200 answer or throws. */
async function openStream(endpoint: OpenAiEndpoint, body: string, options: ChatCompletionOptions, signal?: AbortSignal): Promise<HttpResponse> {
  const url = endpointUrl(endpoint, chatPath);
  const retries = options.rateLimitRetries ?? defaultRateLimitRetries;
  const maxWaitMs = options.maxRetryWaitMs ?? defaultMaxRetryWaitMs;
  for (let attempt = 0; ; attempt++) {
    const response = await sendHttpRequest(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...requestHeaders(endpoint) },
      body,
      connectTimeoutMs: options.connectTimeoutMs ?? defaultConnectTimeoutMs,
      idleTimeoutMs: options.idleTimeoutMs ?? defaultIdleTimeoutMs,
      signal,
      serverLabel: endpoint.baseUrl,
    });
    if (response.status >= 200 && response.status < 300) return response;

    const contentType = String(response.headers['content-type'] ?? '');
    const retryAfterMs = parseRetryAfter(response.headers);
    const text = await response.text();
    // Nothing has been streamed yet (this is the status line), so a retry repeats nothing.
    const retryable = response.status === 429 || (response.status === 503 && retryAfterMs !== undefined);
    const waitMs = retryAfterMs ?? fallbackRetryWaitMs * 2 ** attempt;
    if (retryable && attempt < retries && waitMs <= maxWaitMs) {
      options.onRetry?.({ attempt: attempt + 1, waitMs, status: response.status });
      await delay(waitMs, { signal, cancelled: cancelledError });
      continue;
    }
    throw httpStatusError(response.status, response.statusText, text, contentType, retryAfterMs, { serverLabel: endpoint.baseUrl, path: chatPath, model: endpoint.model ?? defaultModelName });
  }
}

async function* readAnswer(response: HttpResponse, endpoint: OpenAiEndpoint, signal?: AbortSignal): AsyncGenerator<ChatStreamEvent> {
  const contentType = String(response.headers['content-type'] ?? '');
  if (/application\/json/i.test(contentType)) {
    // A server that ignored `stream: true` and sent the whole answer at once.
    yield* readWholeAnswer(await response.text(maxWholeAnswerBytes), endpoint);
    return;
  }
  if (contentType && !/text\/event-stream/i.test(contentType)) throw await notAStreamError(response, contentType, endpoint);

  let finishReason: string | null = null;
  let usage: CompletionUsage | undefined;
  let timings: ServerTimings | undefined;
  for await (const event of serverSentEvents(response)) {
    if (event.data === '[DONE]') {
      yield { type: 'done', finishReason, usage, timings };
      return;
    }
    const payload = parseChunk(event.data, endpoint);
    // OpenAI and llama-server send {error: {...}}; vLLM may send the error object itself.
    const error = payload.error ?? (payload.object === 'error' ? payload : undefined);
    if (error) throw streamError(error, endpoint);
    const choice = Array.isArray(payload.choices) ? payload.choices[0] : undefined;
    const text = choice?.delta?.content;
    if (typeof text === 'string' && text.length > 0) yield { type: 'delta', text };
    if (choice?.finish_reason) finishReason = choice.finish_reason;
    if (payload.usage) usage = readUsage(payload.usage);
    if (payload.timings) timings = readTimings(payload.timings);
  }
  if (signal?.aborted) throw cancelledError();
  if (finishReason === null && usage === undefined) {
    throw new GlimpseError('engine-request-failed', `The server at ${endpoint.baseUrl} ended the answer before it was complete. Try again; if it keeps happening, check the server's log.`);
  }
  yield { type: 'done', finishReason, usage, timings };
}

/** The URL of `path` on the endpoint; an address that is not a URL is refused with what to fix. */
export function endpointUrl(endpoint: OpenAiEndpoint, path: string): URL {
  try {
    return new URL(`${endpoint.baseUrl.replace(/\/+$/, '')}${path}`);
  } catch {
    throw new GlimpseError('remote-invalid-url', `"${endpoint.baseUrl}" is not a server address. Enter one like https://gpu.example.com:8080.`);
  }
}

/** The events of the body, across chunk boundaries; a last event without its blank line included. */
async function* serverSentEvents(response: HttpResponse): AsyncGenerator<ServerSentEvent> {
  const parser = new SseParser();
  for await (const bytes of response.chunks()) yield* parser.push(bytes);
  yield* parser.end();
}

function* readWholeAnswer(text: string, endpoint: OpenAiEndpoint): Generator<ChatStreamEvent> {
  const payload = parseChunk(text, endpoint);
  if (payload.error) throw streamError(payload.error, endpoint);
  const choice = Array.isArray(payload.choices) ? payload.choices[0] : undefined;
  const content = choice?.message?.content;
  if (typeof content !== 'string') {
    throw new GlimpseError('remote-bad-response', `The server at ${endpoint.baseUrl} answered with JSON that is not a chat completion. Check that the address is an OpenAI-compatible API.`);
  }
  if (content.length > 0) yield { type: 'delta', text: content };
  yield { type: 'done', finishReason: choice.finish_reason ?? null, usage: payload.usage ? readUsage(payload.usage) : undefined, timings: payload.timings ? readTimings(payload.timings) : undefined };
}

async function notAStreamError(response: HttpResponse, contentType: string, endpoint: OpenAiEndpoint): Promise<GlimpseError> {
  let detail = '';
  try {
    detail = summariseErrorBody(await response.text(), contentType);
  } catch {
    // the body is only for the message
  }
  return new GlimpseError(
    'remote-bad-response',
    `The server at ${endpoint.baseUrl} answered with ${contentType.split(';')[0]} instead of a stream of tokens${detail ? ` ("${detail}")` : ''}. ` +
      'The address may lead to a web page, a proxy\'s login or error page, or something other than an OpenAI-compatible API: check the server address.',
  );
}

function parseChunk(data: string, endpoint: OpenAiEndpoint): any {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object') {
    throw new GlimpseError(
      'remote-bad-response',
      `The server at ${endpoint.baseUrl} sent a part of its answer that is not a JSON object (${data.slice(0, 200).trim()}). ` +
        'It may not be an OpenAI-compatible server, or a proxy in between changed the stream: check the server address.',
    );
  }
  return parsed;
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

function streamError(raw: any, endpoint: OpenAiEndpoint): GlimpseError {
  const message = String(typeof raw === 'string' ? raw : (raw?.message ?? JSON.stringify(raw))).trim().replace(/\.$/, '');
  return new GlimpseError(
    'engine-request-failed',
    `The server at ${endpoint.baseUrl} reported an error while answering: ${message}. Try again; a shorter conversation, fewer images or a smaller answer limit may help if the message is about the context size.`,
  );
}
