// A small HTTP server on 127.0.0.1 for client tests: each request is answered by the next handler in
// a script (the last one repeats), or by a router on method and path. It records what it received
// and destroys every connection when the test ends.

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { streamChatCompletion, type ChatCompletionOptions, type ChatStreamEvent, type OpenAiEndpoint } from '../../../src/core/openai/openAiClient';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface ScriptedServer {
  readonly baseUrl: string;
  readonly received: ReceivedRequest[];
}

/** Runs `test` against a server answering requests with `script` in turn (the last handler repeats). */
export async function withScriptedServer(script: readonly Handler[] | Handler, test: (server: ScriptedServer) => Promise<void>): Promise<void> {
  const handlers = typeof script === 'function' ? [script] : script;
  const sockets = new Set<Socket>();
  const received: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const index = Math.min(received.length, handlers.length - 1);
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handlers[index](req, res, body);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await test({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received });
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}

export function sseChunk(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/** A complete, well-formed streamed answer: "Hello" in two deltas, a finish reason, [DONE]. */
export const answerHello: Handler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(sseChunk({ choices: [{ delta: { content: 'Hel' } }] }));
  res.write(sseChunk({ choices: [{ delta: { content: 'lo' }, finish_reason: 'stop' }] }));
  res.end('data: [DONE]\n\n');
};

export function json(status: number, payload: unknown, headers: http.OutgoingHttpHeaders = {}): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(payload));
  };
}

export async function collect(events: AsyncIterable<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const all: ChatStreamEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

export function textOf(events: readonly ChatStreamEvent[]): string {
  return events.map((event) => (event.type === 'delta' ? event.text : '')).join('');
}

export function ask(endpoint: OpenAiEndpoint, options: ChatCompletionOptions = {}, signal?: AbortSignal): Promise<ChatStreamEvent[]> {
  return collect(streamChatCompletion(endpoint, [{ role: 'user', text: 'hi' }], options, signal));
}

/** The next request to the same server gets a full answer: a failure left nothing behind. */
export async function assertStillWorks(endpoint: OpenAiEndpoint, options: ChatCompletionOptions = {}): Promise<void> {
  const events = await ask(endpoint, options);
  assert.equal(textOf(events), 'Hello');
  assert.equal(events.at(-1)?.type, 'done');
}

