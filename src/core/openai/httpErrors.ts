// Turns an OpenAI-compatible server's HTTP error answers into GlimpseErrors that say what to do:
// a bad key (401/403), a wrong address or model name (404), rate limiting (429, with the wait the
// server asked for), a failing server (5xx). Also reads Retry-After and shortens error bodies
// (JSON error objects, even cut off; HTML proxy pages) to one readable line, with credentials
// redacted (a 401 may echo the request's Authorization header); the log gets a longer copy.

import type { IncomingHttpHeaders } from 'node:http';
import { GlimpseError } from '../errors';
import { messageFromPartialJson } from './partialJson';
import { quoteServerText, serverTextForLog } from './serverText';

/** A 429 (or 503) the client did not retry; `retryAfterMs` is the wait the server asked for, if it said. */
export class RemoteRateLimitedError extends GlimpseError {
  constructor(message: string, readonly retryAfterMs: number | undefined, detail?: string) {
    super('remote-rate-limited', message, detail);
  }
}

export interface HttpErrorContext {
  readonly serverLabel: string;
  /** The request path, e.g. /v1/chat/completions. */
  readonly path: string;
  /** The model the request named, for a 404. */
  readonly model?: string;
  /** What the request sent that must not be shown back (its API key…): see serverText.ts. */
  readonly secrets?: readonly string[];
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

/**
 * One line out of an error body, credentials redacted, at most 500 characters: the JSON error
 * message (also from JSON cut off by a size limit), an HTML page's title (or text), or the text.
 */
export function summariseErrorBody(text: string, contentType = '', secrets: readonly string[] = []): string {
  const trimmed = text.trim();
  if (!trimmed) return '';
  try {
    const parsed = JSON.parse(trimmed);
    const message = parsed?.error?.message ?? parsed?.error ?? parsed?.message ?? parsed?.detail;
    if (typeof message === 'string') return quoteServerText(message, secrets);
    if (message !== undefined) return quoteServerText(JSON.stringify(message), secrets);
  } catch {
    // not JSON, or JSON cut off: a cut error object still has the start of its message
    const partial = trimmed.startsWith('{') ? messageFromPartialJson(trimmed) : undefined;
    if (partial) return quoteServerText(partial.text, secrets, { cut: !partial.complete });
  }
  if (/html/i.test(contentType) || /^<(!doctype|html|head|body)/i.test(trimmed)) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(trimmed)?.[1];
    const text = (title ?? trimmed.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' '));
    return quoteServerText(decodeEntities(text), secrets);
  }
  return quoteServerText(trimmed, secrets);
}

/** The body for the log (GlimpseError.detail): redacted and capped; undefined for an empty body. */
export function errorBodyDetail(text: string, secrets: readonly string[] = []): string | undefined {
  return text.trim() ? `The server's answer (credentials redacted): ${serverTextForLog(text.trim(), secrets)}` : undefined;
}

/** llama-server's and vLLM's wording when the prompt (plus the answer budget) exceeds the context. */
const contextFull = /exceeds the available context size|maximum context length|context length exceeded|too many tokens/i;

/** The GlimpseError for a non-2xx answer (429 included: the caller decides whether to retry first). */
export function httpStatusError(status: number, statusText: string, body: string, contentType: string, retryAfterMs: number | undefined, context: HttpErrorContext): GlimpseError {
  const secrets = context.secrets ?? [];
  const detail = summariseErrorBody(body, contentType, secrets);
  const log = errorBodyDetail(body, secrets);
  // The reason phrase is the server's text too.
  const reason = quoteServerText(statusText, secrets).slice(0, 100);
  const answered = `${context.serverLabel} answered ${status}${reason ? ` ${reason}` : ''}${detail ? `: "${detail}"` : ''}`;
  if ((status === 400 || status === 500) && imagesRefused.test(detail)) {
    const model = context.model ? `"${context.model}"` : 'its model';
    return new GlimpseError(
      'remote-no-vision',
      `${answered}. The server cannot read images with ${model}. Pick a vision model on that server (or ask whoever runs it to load one with its projector), or ask without images.`,
      log,
    );
  }
  if (status === 400 && contextFull.test(detail)) {
    return new GlimpseError(
      'context-full',
      `${answered}. The conversation no longer fits the model's context. Start a new conversation (Explain Image again, or attach the image to a fresh question), ` +
        'lower the answer length limit (max tokens), or raise the context size if the model supports a longer context.',
      { detail: log, optionsToChange: ['maxTokens', 'contextSize'] },
    );
  }
  if (status === 401 || status === 403) {
    return new GlimpseError(
      'remote-unauthorized',
      `${answered}. The server refused the API key${status === 403 ? ' (or the key may not use this model)' : ''}: check the key set for this server, and that it has not expired.`,
      log,
    );
  }
  if (status === 404) {
    const model = context.model ? `the model name "${context.model}"` : 'the model name';
    return new GlimpseError(
      'remote-not-found',
      `${answered} for ${context.path}. Check the server address (the part before /v1) and ${model}: the server lists the models it serves at /v1/models.`,
      log,
    );
  }
  if (status === 429) {
    const wait = retryAfterMs !== undefined ? `asks to wait ${describeWait(retryAfterMs)}` : 'did not say how long to wait';
    return new RemoteRateLimitedError(`${answered}. The server is rate limiting requests and ${wait}: try again then, or ask whoever runs it for a higher limit.`, retryAfterMs, log);
  }
  if (status >= 500) {
    const wait = status === 503 && retryAfterMs !== undefined ? ` It asks to wait ${describeWait(retryAfterMs)}.` : '';
    return new GlimpseError(
      'remote-server-error',
      `${answered}. The server failed while handling the request.${wait} Try again; if it keeps failing, tell whoever runs the server (the message above is its own).`,
      log,
    );
  }
  return new GlimpseError('engine-request-failed', `${answered}. Check the server address, the model name and the request settings.`, log);
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

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}
