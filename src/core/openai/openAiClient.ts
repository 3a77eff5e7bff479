// The one client Glimpse uses to talk to an OpenAI-compatible chat server: the embedded
// llama-server on 127.0.0.1, or a team's remote server (llama-server, vLLM, Ollama, a gateway).
// Streams chat completions over SSE, retries a short rate-limit wait, maps HTTP and stream errors
// to GlimpseErrors that say what to do, and stops the request when the signal aborts. The HTTP
// request itself, with its connect and idle timeouts, is in httpRequest.ts; reading the answer in
// readAnswer.ts; the deadlines and size limits that end a runaway answer in answerWatch.ts and
// streamLimits.ts.

import { delay } from '../abort';
import { GlimpseError } from '../errors';
import type { ChatTurn } from './turn';
import { toDataUri } from '../images/prepare';
import { httpStatusError, parseRetryAfter } from './httpErrors';
import { cancelledError, sendHttpRequest, UnsupportedEncodingError, type HttpResponse } from '../http/httpRequest';
import { AnswerWatch } from './answerWatch';
import type { ChatStreamEvent } from './chatStream';
import { readAnswer } from './readAnswer';
import { requestSecrets } from './serverText';
import { defaultFirstTextTimeoutMs, defaultNoProgressTimeoutMs, defaultStreamLimits, type StreamLimits } from './streamLimits';

export type { ChatStreamEvent, CompletionUsage, ServerTimings } from './chatStream';

/** Defaults sized for a remote server; the embedded engine answers long before any of them. */
export const defaultConnectTimeoutMs = 15_000;
/** A big model reading a large image can be silent for a long time (llama-server pings every 30 s). */
export const defaultIdleTimeoutMs = 120_000;
export const defaultRateLimitRetries = 2;
export const defaultMaxRetryWaitMs = 10_000;
/** The wait before retrying a 429 that did not say how long to wait (doubled on each retry). */
const fallbackRetryWaitMs = 1_000;
/** An error answer is read this far (a JSON error cut here still gives its message: see partialJson.ts). */
const maxErrorBodyBytes = 1024 * 1024;
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
  /** The longest the whole request may take, retries included, in ms; 0 or undefined: no limit (the user's requestTimeout option). */
  readonly requestTimeoutMs?: number;
  /** Before the answer text begins: the longest the server may keep the connection busy without starting it. Default 10 min (see streamLimits.ts). */
  readonly firstTextTimeoutMs?: number;
  /** Once the answer text has begun: the longest time without new text (keep-alives and empty updates do not count). Default 2 min. */
  readonly noProgressTimeoutMs?: number;
  /** Size limits of the stream; the defaults (streamLimits.ts) are far above any real answer. */
  readonly streamLimits?: Partial<StreamLimits>;
}

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

  const limits: StreamLimits = { ...defaultStreamLimits, ...options.streamLimits };
  const watch = new AnswerWatch({
    serverLabel: endpoint.baseUrl,
    requestTimeoutMs: options.requestTimeoutMs ?? 0,
    firstTextTimeoutMs: options.firstTextTimeoutMs ?? defaultFirstTextTimeoutMs,
    noProgressTimeoutMs: options.noProgressTimeoutMs ?? defaultNoProgressTimeoutMs,
    maxAnswerBytes: limits.maxAnswerBytes,
  }, signal);
  const secrets = requestSecrets(endpoint);
  let response: HttpResponse | undefined;
  try {
    response = await openStream(endpoint, JSON.stringify(body), options, watch.signal, secrets);
    yield* readAnswer(response, { serverLabel: endpoint.baseUrl, secrets, watch, limits, signal: watch.signal });
  } catch (error) {
    // A deadline stops the request by aborting it: report the deadline, not a "Stopped.".
    throw watch.explain(error);
  } finally {
    watch.dispose();
    // Closing the connection is what tells the server to stop generating.
    response?.close();
  }
}

/** Sends the request, retrying a short rate-limit wait; returns a 200 answer or throws. */
async function openStream(endpoint: OpenAiEndpoint, body: string, options: ChatCompletionOptions, signal: AbortSignal, secrets: readonly string[]): Promise<HttpResponse> {
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
    const text = await errorBody(response);
    // Nothing has been streamed yet (this is the status line), so a retry repeats nothing.
    const retryable = response.status === 429 || (response.status === 503 && retryAfterMs !== undefined);
    const waitMs = retryAfterMs ?? fallbackRetryWaitMs * 2 ** attempt;
    if (retryable && attempt < retries && waitMs <= maxWaitMs) {
      options.onRetry?.({ attempt: attempt + 1, waitMs, status: response.status });
      await delay(waitMs, { signal, cancelled: cancelledError });
      continue;
    }
    throw httpStatusError(response.status, response.statusText, text, contentType, retryAfterMs, { serverLabel: endpoint.baseUrl, path: chatPath, model: endpoint.model ?? defaultModelName, secrets });
  }
}

/** An error answer's body, for its message; a compressed one is left out (its status still says what happened). */
async function errorBody(response: HttpResponse): Promise<string> {
  try {
    return await response.text(maxErrorBodyBytes);
  } catch (error) {
    if (error instanceof UnsupportedEncodingError) return '';
    throw error;
  }
}

/** The URL of `path` on the endpoint; an address that is not a URL is refused with what to fix. */
export function endpointUrl(endpoint: OpenAiEndpoint, path: string): URL {
  try {
    return new URL(`${endpoint.baseUrl.replace(/\/+$/, '')}${path}`);
  } catch {
    throw new GlimpseError('remote-invalid-url', `"${endpoint.baseUrl}" is not a server address. Enter one like https://gpu.example.com:8080.`);
  }
}
