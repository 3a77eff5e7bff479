// Watches one streamed answer for the ends that the idle timeout cannot see (why each limit is
// what it is: streamLimits.ts): the overall deadline the user may set, a server that keeps the
// connection busy without progress (keep-alive comments, empty updates, a trickle of bytes), and
// an answer past its size limit. A deadline aborts the request through `signal`; `explain` then
// turns the resulting "cancelled" into the deadline's own error.

import { GlimpseError } from '../errors';
import { RemoteTimeoutError } from '../http/httpRequest';
import { describeWait } from './httpErrors';
import { describeSize } from './streamLimits';

export interface AnswerWatchOptions {
  /** How the server is named in messages. */
  readonly serverLabel: string;
  /** The whole request, start to end; 0: none. */
  readonly requestTimeoutMs: number;
  /** Before the first answer text, from the response headers. */
  readonly firstTextTimeoutMs: number;
  /** After the first answer text: the longest time without more. */
  readonly noProgressTimeoutMs: number;
  readonly maxAnswerBytes: number;
}

export class AnswerWatch {
  /** The signal the request runs under: the caller's, and the deadlines'. */
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private failure: GlimpseError | undefined;
  private overallTimer: NodeJS.Timeout | undefined;
  private progressTimer: NodeJS.Timeout | undefined;
  private textBegun = false;
  /** Bytes arrived since the last progress: tells a busy server from a silent one. */
  private busySinceProgress = false;
  private answerBytes = 0;

  constructor(private readonly options: AnswerWatchOptions, signal?: AbortSignal) {
    this.signal = signal ? AbortSignal.any([signal, this.controller.signal]) : this.controller.signal;
    if (options.requestTimeoutMs > 0) {
      this.overallTimer = setTimeout(() => this.fail(requestDeadlineError(options.serverLabel, options.requestTimeoutMs)), options.requestTimeoutMs);
    }
  }

  /** The response headers arrived: the wait for the first text starts. */
  answerStarted(): void {
    this.armProgressTimer();
  }

  /** Some bytes of the body arrived (which is not progress by itself). */
  bytesArrived(): void {
    this.busySinceProgress = true;
  }

  /** Answer text arrived (`bytes` of it, 0 for an empty update); throws once the answer is over its size limit. */
  text(bytes: number): void {
    if (bytes === 0) return;
    this.answerBytes += bytes;
    if (this.answerBytes > this.options.maxAnswerBytes) throw answerTooLargeError(this.options.serverLabel, this.options.maxAnswerBytes);
    this.textBegun = true;
    this.progress();
  }

  /** Progress that is not text: llama-server reporting that it read more of the prompt. */
  progress(): void {
    this.busySinceProgress = false;
    this.armProgressTimer();
  }

  /** The consumer holds an event: its time is not the server's, so the progress clock stops until the next `progress`. */
  pause(): void {
    clearTimeout(this.progressTimer);
    this.progressTimer = undefined;
  }

  /** The error to report for `error`: the deadline that ended the request, if one did. */
  explain(error: unknown): unknown {
    return this.failure ?? error;
  }

  dispose(): void {
    clearTimeout(this.overallTimer);
    clearTimeout(this.progressTimer);
    this.overallTimer = undefined;
    this.progressTimer = undefined;
  }

  private armProgressTimer(): void {
    clearTimeout(this.progressTimer);
    if (this.failure) return;
    const timeoutMs = this.textBegun ? this.options.noProgressTimeoutMs : this.options.firstTextTimeoutMs;
    if (!(timeoutMs > 0)) return;
    this.progressTimer = setTimeout(() => this.fail(noProgressError(this.options.serverLabel, timeoutMs, this.textBegun, this.busySinceProgress)), timeoutMs);
  }

  private fail(error: GlimpseError): void {
    if (this.failure || this.signal.aborted) return;
    this.failure = error;
    this.dispose();
    this.controller.abort();
  }
}

function requestDeadlineError(serverLabel: string, timeoutMs: number): GlimpseError {
  return new RemoteTimeoutError(
    `The answer from ${serverLabel} took longer than ${describeWait(timeoutMs)}, the longest a request may take, so Glimpse stopped it. ` +
      'If the model needs longer, raise the request time limit (0: no limit), or ask for a shorter answer.',
    'deadline',
    { optionsToChange: ['requestTimeout'] },
  );
}

function noProgressError(serverLabel: string, timeoutMs: number, textBegun: boolean, busy: boolean): GlimpseError {
  const wait = describeWait(timeoutMs);
  if (!busy) {
    const what = textBegun ? `stopped sending for ${wait} in the middle of its answer` : `sent no answer for ${wait}`;
    return new RemoteTimeoutError(`The server at ${serverLabel} ${what}. The server may be overloaded or stuck: try again later.`, 'no-progress');
  }
  const what = textBegun
    ? `sent no answer text for ${wait} in the middle of its answer, though it kept the connection busy (keep-alive comments, empty updates or a trickle of bytes)`
    : `kept the connection open for ${wait} without starting its answer (it sent only keep-alive comments, empty updates or partial data)`;
  return new RemoteTimeoutError(
    `The server at ${serverLabel} ${what}, so Glimpse stopped the request. The server may be stuck: try again; if it keeps happening, tell whoever runs the server.`,
    'no-progress',
  );
}

function answerTooLargeError(serverLabel: string, maxBytes: number): GlimpseError {
  return new GlimpseError(
    'remote-bad-response',
    `The server at ${serverLabel} sent more than ${describeSize(maxBytes)} of answer text without finishing, far more than any answer length limit allows, so Glimpse stopped the request. ` +
      'The model may be repeating itself without end: try again, or ask for a shorter answer.',
  );
}
