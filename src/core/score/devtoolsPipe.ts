// The Chrome DevTools Protocol over the pipe a browser opens with --remote-debugging-pipe: JSON
// messages separated by NUL bytes, written to the browser's fd 3 and read from its fd 4. Commands
// get ids and resolve with their result; events go to listeners. Sessions (one per page) are
// "flat": a command for a page carries its sessionId.

import type { Readable, Writable } from 'node:stream';

export interface DevToolsEvent {
  readonly method: string;
  readonly params: Record<string, unknown>;
  readonly sessionId?: string;
}

interface Pending {
  readonly method: string;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
}

export class DevToolsPipe {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(event: DevToolsEvent) => void>();
  private readonly chunks: Buffer[] = [];
  private closedBecause: Error | undefined;

  constructor(
    private readonly toBrowser: Writable,
    fromBrowser: Readable,
  ) {
    fromBrowser.on('data', (chunk: Buffer) => this.receive(chunk));
    fromBrowser.on('error', (error) => this.close(new Error(`The browser's DevTools pipe failed: ${error.message}`)));
    fromBrowser.on('close', () => this.close(new Error('The browser closed its DevTools pipe.')));
    toBrowser.on('error', (error) => this.close(new Error(`Writing to the browser's DevTools pipe failed: ${error.message}`)));
  }

  get closed(): boolean {
    return this.closedBecause !== undefined;
  }

  send<Result = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Result> {
    if (this.closedBecause) return Promise.reject(this.closedBecause);
    const id = this.nextId++;
    const message = JSON.stringify(sessionId ? { id, method, params, sessionId } : { id, method, params });
    return new Promise<Result>((resolve, reject) => {
      this.pending.set(id, { method, resolve: resolve as (result: unknown) => void, reject });
      this.toBrowser.write(`${message}\0`);
    });
  }

  /** Calls `listener` for every event until the returned function is called. */
  on(listener: (event: DevToolsEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Rejects every command still waiting; later sends reject at once. */
  close(reason: Error): void {
    if (this.closedBecause) return;
    this.closedBecause = reason;
    for (const waiting of this.pending.values()) waiting.reject(reason);
    this.pending.clear();
    this.listeners.clear();
  }

  private receive(chunk: Buffer): void {
    let start = 0;
    let end = chunk.indexOf(0, start);
    while (end !== -1) {
      this.chunks.push(chunk.subarray(start, end));
      const text = Buffer.concat(this.chunks).toString('utf8');
      this.chunks.length = 0;
      this.dispatch(text);
      start = end + 1;
      end = chunk.indexOf(0, start);
    }
    if (start < chunk.length) this.chunks.push(chunk.subarray(start));
  }

  private dispatch(text: string): void {
    let message: { id?: number; method?: string; params?: Record<string, unknown>; sessionId?: string; result?: unknown; error?: { message?: string; code?: number } };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return; // not a protocol message: nothing waits for it
    }
    if (typeof message.id === 'number') {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (message.error) waiting.reject(new Error(`${waiting.method} failed: ${message.error.message ?? 'unknown error'}`));
      else waiting.resolve(message.result ?? {});
      return;
    }
    if (typeof message.method === 'string') {
      const event: DevToolsEvent = { method: message.method, params: message.params ?? {}, sessionId: message.sessionId };
      for (const listener of [...this.listeners]) listener(event);
    }
  }
}
