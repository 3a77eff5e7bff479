// Incremental parser for server-sent events (the `text/event-stream` format the OpenAI-compatible
// APIs stream with). Bytes arrive in arbitrary chunks: a line, a multi-byte UTF-8 character or an
// event may be split anywhere. Lines are cut on bytes (CR and LF never occur inside a UTF-8
// character) and decoded whole, so a character split between chunks is decoded once, intact;
// invalid UTF-8 becomes U+FFFD, as the format says. Comments (":" lines, keep-alives) are skipped.
//
// The parser holds at most one line and one event, each up to a limit: a server that sends one
// endless line, or endless data lines never closed by a blank line, would otherwise grow the
// process without end. Past a limit it throws SseTooLargeError (keeping the first bytes, so that
// an oversized error event can still be read for its message).

import { GlimpseError } from '../errors';
import { defaultStreamLimits, describeSize } from './streamLimits';

export interface ServerSentEvent {
  readonly event: string;
  readonly data: string;
  readonly id?: string;
}

export interface SseLimits {
  /** The longest line, in bytes, without its line end. */
  readonly maxLineBytes: number;
  /** The most data one event may carry (its data lines together), in bytes. */
  readonly maxEventBytes: number;
}

/** How much of an oversized line or event is kept for reading an error message out of it. */
const keptHeadBytes = 16 * 1024;

const LF = 0x0a;
const CR = 0x0d;

/** A line or an event over its limit. `head` is its start (the line, or the event's first data line); `eventName` the event's name so far. */
export class SseTooLargeError extends GlimpseError {
  constructor(message: string, readonly kind: 'line' | 'event', readonly head: string, readonly eventName: string) {
    super('remote-bad-response', message);
  }
}

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  /** The bytes of the line being read, received so far (copies: a chunk is never kept alive by a piece of it). */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** The previous chunk ended in CR: an LF at the start of this one belongs to that line end. */
  private afterCarriageReturn = false;
  private atStreamStart = true;
  private dataLines: string[] = [];
  private dataBytes = 0;
  private dataHead = '';
  private eventName = '';
  private lastId: string | undefined;
  /** A limit passed after some events of the same chunk were complete: thrown on the next call. */
  private pendingFailure: SseTooLargeError | undefined;

  /** `sourceLabel` names the server in the limit errors, e.g. "The server at https://…". */
  constructor(
    private readonly limits: SseLimits = defaultStreamLimits,
    private readonly sourceLabel = 'The server',
  ) {}

  /** Feeds a chunk; returns the events it completed (in order). Throws SseTooLargeError past a limit. */
  push(chunk: Uint8Array | string): ServerSentEvent[] {
    this.throwPending();
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.atStreamStart && bytes.length > 0) {
      this.atStreamStart = false;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    const events: ServerSentEvent[] = [];
    try {
      this.readLines(bytes, events);
    } catch (error) {
      if (!(error instanceof SseTooLargeError) || events.length === 0) throw error;
      this.pendingFailure = error;
    }
    return events;
  }

  /** Call at end of stream: completes a final line and event that lacked their line end or blank line. */
  end(): ServerSentEvent[] {
    this.throwPending();
    const events: ServerSentEvent[] = [];
    if (this.partialBytes > 0) {
      const line = Buffer.concat(this.partial);
      this.partial = [];
      this.partialBytes = 0;
      const event = this.processLine(this.decoder.decode(line), line.length);
      if (event) events.push(event);
    }
    const last = this.dispatch();
    return last ? [...events, last] : events;
  }

  private throwPending(): void {
    const failure = this.pendingFailure;
    if (failure) throw failure;
  }

  private readLines(bytes: Buffer, events: ServerSentEvent[]): void {
    let start = 0;
    if (this.afterCarriageReturn && bytes.length > 0) {
      this.afterCarriageReturn = false;
      if (bytes[0] === LF) start = 1;
    }
    const ends = new LineEnds(bytes);
    while (start < bytes.length) {
      const end = ends.next(start);
      if (end === -1) break;
      this.checkLineLength(this.partialBytes + (end - start), bytes.subarray(start, end));
      const line = this.takeLine(bytes.subarray(start, end));
      if (bytes[end] === CR) {
        if (end + 1 < bytes.length) start = bytes[end + 1] === LF ? end + 2 : end + 1;
        else {
          this.afterCarriageReturn = true;
          start = end + 1;
        }
      } else {
        start = end + 1;
      }
      const event = this.processLine(this.decoder.decode(line), line.length);
      if (event) events.push(event);
    }
    if (start < bytes.length) {
      const rest = bytes.subarray(start);
      this.checkLineLength(this.partialBytes + rest.length, rest);
      this.partial.push(Buffer.from(rest));
      this.partialBytes += rest.length;
    }
  }

  /** The line made of the partial pieces and `tail`; the partial is emptied. */
  private takeLine(tail: Buffer): Buffer {
    if (this.partialBytes === 0) return tail;
    const line = Buffer.concat([...this.partial, tail]);
    this.partial = [];
    this.partialBytes = 0;
    return line;
  }

  private checkLineLength(bytes: number, tail: Buffer): void {
    if (bytes <= this.limits.maxLineBytes) return;
    const head = Buffer.concat([...this.partial, tail]).subarray(0, keptHeadBytes);
    throw new SseTooLargeError(
      `${this.sourceLabel} sent an event line over ${describeSize(this.limits.maxLineBytes)} without a line end: not a valid event stream. ` +
        'Check the server address (it must lead to an OpenAI-compatible API, not another service or a proxy that rewrites the stream); if it is right, tell whoever runs the server.',
      'line',
      this.decoder.decode(head),
      this.eventName,
    );
  }

  private processLine(line: string, lineBytes: number): ServerSentEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined; // comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data': this.addData(value, lineBytes); break;
      case 'event': this.eventName = value; break;
      case 'id': this.lastId = value; break;
      // Not in the format, but older llama-server builds report a failure as an "error:" line
      // (then a blank line): read it as an error event rather than dropping it.
      case 'error':
        this.eventName = 'error';
        this.addData(value, lineBytes);
        break;
      default: break; // "retry" and unknown fields are ignored
    }
    return undefined;
  }

  private addData(value: string, lineBytes: number): void {
    if (this.dataLines.length === 0) this.dataHead = value.slice(0, keptHeadBytes);
    // The line's bytes stand for the value's: at most the field name more, and no second encoding.
    this.dataBytes += lineBytes + 1;
    if (this.dataBytes > this.limits.maxEventBytes) {
      const head = this.dataHead;
      const eventName = this.eventName;
      this.dataLines = [];
      this.dataBytes = 0;
      throw new SseTooLargeError(
        `${this.sourceLabel} sent an event over ${describeSize(this.limits.maxEventBytes)} (data lines with no blank line to end the event): not a valid event stream. ` +
          'Check the server address (it must lead to an OpenAI-compatible API, not another service or a proxy that rewrites the stream); if it is right, tell whoever runs the server.',
        'event',
        head,
        eventName,
      );
    }
    this.dataLines.push(value);
  }

  private dispatch(): ServerSentEvent | undefined {
    if (this.dataLines.length === 0) {
      this.eventName = '';
      return undefined;
    }
    const event: ServerSentEvent = { event: this.eventName || 'message', data: this.dataLines.join('\n'), id: this.lastId };
    this.dataLines = [];
    this.dataBytes = 0;
    this.dataHead = '';
    this.eventName = '';
    return event;
  }
}

/** Finds line ends (CR or LF) left to right, each byte scanned once per kind (a chunk may hold hundreds of lines). */
class LineEnds {
  private lf = -2;
  private cr = -2;

  constructor(private readonly bytes: Buffer) {}

  /** The index of the first CR or LF at or after `start`, or -1. */
  next(start: number): number {
    if (this.lf !== -1 && this.lf < start) this.lf = this.bytes.indexOf(LF, start);
    if (this.cr !== -1 && this.cr < start) this.cr = this.bytes.indexOf(CR, start);
    if (this.lf === -1) return this.cr;
    if (this.cr === -1) return this.lf;
    return Math.min(this.lf, this.cr);
  }
}
