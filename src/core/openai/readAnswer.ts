// Reads a 2xx answer of an OpenAI-compatible chat server into ChatStreamEvents: the event stream,
// or the whole answer as JSON from a server that ignored `stream: true`. Reports what the server
// said went wrong (an error object or an error event, even one cut off by the parser's limits), a
// part that is not JSON, an answer that is not a stream, and an end before the answer was
// complete; quoting the server's text only redacted and cut (serverText.ts). Tells the
// AnswerWatch what arrives, so that it can end a request that makes no progress or grows too big.

import { GlimpseError } from '../errors';
import { cancelledError, type HttpResponse } from '../http/httpRequest';
import type { AnswerWatch } from './answerWatch';
import type { ChatStreamEvent, CompletionUsage, ServerTimings } from './chatStream';
import { summariseErrorBody } from './httpErrors';
import { messageFromPartialJson } from './partialJson';
import { quoteServerText, serverTextForLog } from './serverText';
import { SseParser, SseTooLargeError, type ServerSentEvent } from './sseParser';
import { describeSize, type StreamLimits } from './streamLimits';

export interface AnswerContext {
  /** The server's base URL, as messages name it. */
  readonly serverLabel: string;
  /** What the request sent that must not be shown back (its API key…). */
  readonly secrets: readonly string[];
  readonly watch: AnswerWatch;
  readonly limits: StreamLimits;
  readonly signal: AbortSignal;
}

export async function* readAnswer(response: HttpResponse, context: AnswerContext): AsyncGenerator<ChatStreamEvent> {
  const contentType = String(response.headers['content-type'] ?? '');
  context.watch.answerStarted();
  if (/application\/json/i.test(contentType)) {
    // A server that ignored `stream: true` and sent the whole answer at once.
    const { text, complete } = await response.textWithin(context.limits.maxEventBytes);
    if (!complete) {
      throw new GlimpseError('remote-bad-response', `The server at ${context.serverLabel} sent a whole answer over ${describeSize(context.limits.maxEventBytes)} as JSON, far more than any answer length limit allows, so Glimpse stopped reading it. Try again, or ask for a shorter answer.`);
    }
    yield* readWholeAnswer(text, context);
    return;
  }
  if (contentType && !/text\/event-stream/i.test(contentType)) throw await notAStreamError(response, contentType, context);

  let finishReason: string | null = null;
  let usage: CompletionUsage | undefined;
  let timings: ServerTimings | undefined;
  let promptProcessed = -1;
  for await (const event of serverSentEvents(response, context)) {
    if (event.event === 'error') throw streamError(errorInEvent(event.data), context);
    if (event.data === '[DONE]') {
      yield { type: 'done', finishReason, usage, timings };
      return;
    }
    const payload = parseChunk(event.data, context);
    // OpenAI and llama-server send {error: {...}}; vLLM may send the error object itself.
    const error = payload.error ?? (payload.object === 'error' ? payload : undefined);
    if (error) throw streamError(error, context);
    const choice = Array.isArray(payload.choices) ? payload.choices[0] : undefined;
    // Reasoning and tool-call text are progress too (a thinking model reasons for minutes before it answers).
    context.watch.text(answerTextBytes(choice?.delta));
    const processed = Number(payload.prompt_progress?.processed);
    if (Number.isFinite(processed) && processed > promptProcessed) {
      promptProcessed = processed;
      context.watch.progress();
    }
    const text = choice?.delta?.content;
    if (typeof text === 'string' && text.length > 0) yield* handOver({ type: 'delta', text }, context.watch);
    if (choice?.finish_reason) finishReason = choice.finish_reason;
    if (payload.usage) usage = readUsage(payload.usage);
    if (payload.timings) timings = readTimings(payload.timings);
  }
  if (context.signal.aborted) throw cancelledError();
  if (finishReason === null && usage === undefined) {
    throw new GlimpseError('engine-request-failed', `The server at ${context.serverLabel} ended the answer before it was complete. Try again; if it keeps happening, check the server's log.`);
  }
  yield { type: 'done', finishReason, usage, timings };
}

/** Yields `event`; the time the consumer takes with it is not the server's and does not count towards a lack of progress. */
function* handOver(event: ChatStreamEvent, watch: AnswerWatch): Generator<ChatStreamEvent> {
  watch.pause();
  try {
    yield event;
  } finally {
    watch.progress();
  }
}

/** The events of the body, across chunk boundaries; a last event without its blank line included. */
async function* serverSentEvents(response: HttpResponse, context: AnswerContext): AsyncGenerator<ServerSentEvent> {
  const parser = new SseParser(context.limits, `The server at ${context.serverLabel}`);
  try {
    for await (const bytes of response.chunks()) {
      context.watch.bytesArrived();
      yield* parser.push(bytes);
    }
    yield* parser.end();
  } catch (error) {
    throw error instanceof SseTooLargeError ? oversizedErrorEvent(error, context) ?? error : error;
  }
}

/** UTF-8 bytes of answer text in a delta: its content, reasoning (llama-server's and vLLM's fields), refusal and tool calls. */
function answerTextBytes(delta: any): number {
  if (!delta || typeof delta !== 'object') return 0;
  let bytes = 0;
  for (const field of [delta.content, delta.reasoning_content, delta.reasoning, delta.refusal]) {
    if (typeof field === 'string') bytes += Buffer.byteLength(field, 'utf8');
  }
  if (Array.isArray(delta.tool_calls)) {
    for (const call of delta.tool_calls) {
      for (const field of [call?.function?.name, call?.function?.arguments]) {
        if (typeof field === 'string') bytes += Buffer.byteLength(field, 'utf8');
      }
    }
  }
  return bytes;
}

/**
 * An error event over the parser's limits still says what went wrong: the start of its message,
 * cut. Undefined when the oversized line or event is not an error (then the limit is the news).
 */
function oversizedErrorEvent(error: SseTooLargeError, context: AnswerContext): GlimpseError | undefined {
  const field = error.kind === 'line' ? /^(data|error)[ \t]*:[ ]?/.exec(error.head) : undefined;
  const value = error.kind === 'event' ? error.head : field ? error.head.slice(field[0].length) : undefined;
  if (value === undefined) return undefined;
  const isError = error.eventName === 'error' || field?.[1] === 'error' || /^\s*\{\s*"error"\s*:/.test(value) || /"object"\s*:\s*"error"/.test(value.slice(0, 256));
  if (!isError) return undefined;
  const partial = messageFromPartialJson(value);
  const message = partial?.text ?? (value.trimStart().startsWith('{') ? undefined : value);
  if (message === undefined) return undefined;
  const limit = describeSize(error.kind === 'line' ? context.limits.maxLineBytes : context.limits.maxEventBytes);
  return streamError(message, context, { cut: true, note: ` (the server's message was over ${limit}: only its start is shown)` });
}

/** The error an `event: error` carries: its JSON error object (or the object itself), else its text. */
function errorInEvent(data: string): unknown {
  try {
    const parsed = JSON.parse(data);
    if (parsed && typeof parsed === 'object') return parsed.error ?? parsed;
    return String(parsed);
  } catch {
    return (data.trimStart().startsWith('{') ? messageFromPartialJson(data)?.text : undefined) ?? data;
  }
}

function* readWholeAnswer(text: string, context: AnswerContext): Generator<ChatStreamEvent> {
  const payload = parseChunk(text, context);
  if (payload.error) throw streamError(payload.error, context);
  const choice = Array.isArray(payload.choices) ? payload.choices[0] : undefined;
  const content = choice?.message?.content;
  if (typeof content !== 'string') {
    throw new GlimpseError('remote-bad-response', `The server at ${context.serverLabel} answered with JSON that is not a chat completion. Check that the address is an OpenAI-compatible API.`);
  }
  context.watch.text(Buffer.byteLength(content, 'utf8'));
  if (content.length > 0) yield { type: 'delta', text: content };
  yield { type: 'done', finishReason: choice.finish_reason ?? null, usage: payload.usage ? readUsage(payload.usage) : undefined, timings: payload.timings ? readTimings(payload.timings) : undefined };
}

async function notAStreamError(response: HttpResponse, contentType: string, context: AnswerContext): Promise<GlimpseError> {
  let detail = '';
  try {
    detail = summariseErrorBody(await response.text(), contentType, context.secrets);
  } catch {
    // the body is only for the message
  }
  const type = quoteServerText(contentType.split(';')[0], context.secrets).slice(0, 100);
  return new GlimpseError(
    'remote-bad-response',
    `The server at ${context.serverLabel} answered with ${type} instead of a stream of tokens${detail ? ` ("${detail}")` : ''}. ` +
      'The address may lead to a web page, a proxy\'s login or error page, or something other than an OpenAI-compatible API: check the server address.',
  );
}

function parseChunk(data: string, context: AnswerContext): any {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object') {
    throw new GlimpseError(
      'remote-bad-response',
      `The server at ${context.serverLabel} sent a part of its answer that is not a JSON object (${quoteServerText(data.slice(0, 200), context.secrets)}). ` +
        'It may not be an OpenAI-compatible server, or a proxy in between changed the stream: check the server address.',
      `The part as sent (credentials redacted): ${serverTextForLog(data, context.secrets)}`,
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

/** The server's own error, quoted redacted and cut; `note` follows the quote (e.g. that it was cut). */
function streamError(raw: any, context: AnswerContext, { cut = false, note = '' } = {}): GlimpseError {
  const text = typeof raw === 'string' ? raw : typeof raw?.message === 'string' ? raw.message : (JSON.stringify(raw) ?? '');
  const quoted = quoteServerText(text, context.secrets, { cut }).replace(/\.$/, '');
  const said = quoted ? `: ${quoted}${note}` : `, without saying what went wrong${note}`;
  return new GlimpseError(
    'engine-request-failed',
    `The server at ${context.serverLabel} reported an error while answering${said}. Try again; a shorter conversation, fewer images or a smaller answer limit may help if the message is about the context size.`,
    text.trim() ? `The server's error (credentials redacted): ${serverTextForLog(text, context.secrets)}` : undefined,
  );
}
