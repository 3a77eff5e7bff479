// Turns an OpenAI-compatible server's HTTP error answers into GlimpseErrors that say what to do:
// a bad key (401/403), a wrong address or model name (404), rate limiting (429, with the wait the
// server asked for), a failing server (5xx). Also reads Retry-After and shortens error bodies
// (JSON error objects, HTML proxy pages) to one readable line.

import type { IncomingHttpHeaders } from 'node:http';
import { GlimpseError } from '../errors';

/** A 429 (or 503) the client did not retry; `retryAfterMs` is the wait the server asked for, if it said. */
export class RemoteRateLimitedError extends GlimpseError {
  constructor(message: string, readonly retryAfterMs: number | undefined) {
    super('remote-rate-limited', message);
  }
}

export interface HttpErrorContext {
  readonly serverLabel: string;
  /** The request path, e.g. /v1/chat/completions. */
  readonly path: string;
  /** The model the request named, for a 404. */
  readonly model?: string;
}

/**
 * The wait a 429/503 answer asks for, in milliseconds: `retry-after-ms` (sent by OpenAI), else
 * `retry-after` as seconds or as an HTTP date. Undefined when absent or unreadable.
 */
export function parseRetryAfter(headers: IncomingHttpHeaders, now = Date.now()): number | undefined {
  const milliseconds = headerValue(headers['retry-after-ms']);
  if (milliseconds !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(milliseconds)) return Math.ceil(Number(milliseconds));
  const value = headerValue(headers['retry-after'])?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** One line out of an error body: the JSON error message, an HTML page's title (or text), or the text. */
export function summariseErrorBody(text: string, contentType = ''): string {
  const trimmed = text.trim();
  if (!trimmed) return '';
  try {
    const parsed = JSON.parse(trimmed);
    const message = parsed?.error?.message ?? parsed?.error ?? parsed?.message ?? parsed?.detail;
    if (typeof message === 'string') return clip(message);
    if (message !== undefined) return clip(JSON.stringify(message));
  } catch {
    // not JSON
  }
  if (/html/i.test(contentType) || /^<(!doctype|html|head|body)/i.test(trimmed)) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(trimmed)?.[1];
    const text = (title ?? trimmed.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' '));
    return clip(decodeEntities(text));
  }
  return clip(trimmed);
}

/** llama-server's and vLLM's wording when the prompt (plus the answer budget) exceeds the context. */
const contextFull = /exceeds the available context size|maximum context length|context length exceeded|too many tokens/i;

/** The GlimpseError for a non-2xx answer (429 included: the caller decides whether to retry first). */
export function httpStatusError(status: number, statusText: string, body: string, contentType: string, retryAfterMs: number | undefined, context: HttpErrorContext): GlimpseError {
  const detail = summariseErrorBody(body, contentType);
  const answered = `${context.serverLabel} answered ${status}${statusText ? ` ${statusText}` : ''}${detail ? `: "${detail}"` : ''}`;
  if ((status === 400 || status === 500) && imagesRefused.test(detail)) {
    const model = context.model ? `"${context.model}"` : 'its model';
    return new GlimpseError(
      'remote-no-vision',
      `${answered}. The server cannot read images with ${model}. Pick a vision model on that server (or ask whoever runs it to load one with its projector), or ask without images.`,
    );
  }
  if (status === 400 && contextFull.test(detail)) {
    return new GlimpseError(
      'context-full',
      `${answered}. The conversation no longer fits the model's context. Start a new conversation (Explain Image again, or attach the image to a fresh question), ` +
        'lower the answer length limit (max tokens), or raise the context size if the model supports a longer context.',
      { optionsToChange: ['maxTokens', 'contextSize'] },
    );
  }
  if (status === 401 || status === 403) {
    return new GlimpseError(
      'remote-unauthorized',
      `${answered}. The server refused the API key${status === 403 ? ' (or the key may not use this model)' : ''}: check the key set for this server, and that it has not expired.`,
    );
  }
  if (status === 404) {
    const model = context.model ? `the model name "${context.model}"` : 'the model name';
    return new GlimpseError(
      'remote-not-found',
      `${answered} for ${context.path}. Check the server address (the part before /v1) and ${model}: the server lists the models it serves at /v1/models.`,
    );
  }
  if (status === 429) {
    const wait = retryAfterMs !== undefined ? `asks to wait ${describeWait(retryAfterMs)}` : 'did not say how long to wait';
    return new RemoteRateLimitedError(`${answered}. The server is rate limiting requests and ${wait}: try again then, or ask whoever runs it for a higher limit.`, retryAfterMs);
  }
  if (status >= 500) {
    const wait = status === 503 && retryAfterMs !== undefined ? ` It asks to wait ${describeWait(retryAfterMs)}.` : '';
    return new GlimpseError(
      'remote-server-error',
      `${answered}. The server failed while handling the request.${wait} Try again; if it keeps failing, tell whoever runs the server (the message above is its own).`,
    );
  }
  return new GlimpseError('engine-request-failed', `${answered}. Check the server address, the model name and the request settings.`);
}

/** How llama-server, vLLM, OpenAI and Ollama word "this model does not take images". */
const imagesRefused = /image input is not supported|not a multimodal model|image_url is only supported|does not support (image|vision|multimodal)|images? (is|are) not supported|model does not support images/i;

export function describeWait(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const secondsTotal = Math.ceil(ms / 1000);
  if (secondsTotal < 120) return `${secondsTotal} s`;
  return `${Math.ceil(secondsTotal / 60)} min`;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function clip(text: string, max = 300): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}
