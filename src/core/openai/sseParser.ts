// Incremental parser for server-sent events (the `text/event-stream` format the OpenAI-compatible
// APIs stream with). Bytes arrive in arbitrary chunks: a line, a multi-byte UTF-8 character or an
// event may be split anywhere. Comments (":" lines, used as keep-alives) are reported separately
// so callers can reset idle timers on them.

export interface ServerSentEvent {
  readonly event: string;
  readonly data: string;
  readonly id?: string;
}

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';
  private dataLines: string[] = [];
  private eventName = '';
  private lastId: string | undefined;

  /** Feeds a chunk; returns the events it completed (in order). */
  push(chunk: Uint8Array | string): ServerSentEvent[] {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    return this.drainLines(false);
  }

  /** Call at end of stream: completes a final event that lacked its blank line. */
  end(): ServerSentEvent[] {
    this.buffer += this.decoder.decode();
    const events = this.drainLines(true);
    const last = this.dispatch();
    return last ? [...events, last] : events;
  }

  private drainLines(final: boolean): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      // A lone "\r" at the very end may be the first half of "\r\n": wait for more bytes.
      if (match[0] === '\r' && match.index === this.buffer.length - 1 && !final) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const event = this.processLine(line);
      if (event) events.push(event);
    }
    if (final && this.buffer.length > 0) {
      const event = this.processLine(this.buffer);
      this.buffer = '';
      if (event) events.push(event);
    }
    return events;
  }

  private processLine(line: string): ServerSentEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined; // comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data': this.dataLines.push(value); break;
      case 'event': this.eventName = value; break;
      case 'id': this.lastId = value; break;
      default: break; // "retry" and unknown fields are ignored
    }
    return undefined;
  }

  private dispatch(): ServerSentEvent | undefined {
    if (this.dataLines.length === 0) {
      this.eventName = '';
      return undefined;
    }
    const event: ServerSentEvent = { event: this.eventName || 'message', data: this.dataLines.join('\n'), id: this.lastId };
    this.dataLines = [];
    this.eventName = '';
    return event;
  }
}
