// A real HTTP server on 127.0.0.1 for the download tests. It serves synthetic files under
// Hugging Face's layout (`/<repo>/resolve/main/<file>`) with Range support, records every request
// (path and Range header), and can be scripted per path to misbehave: cut the connection after N
// bytes, stall, ignore Range, answer with a wrong Content-Range, redirect, or answer any status.

import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { CatalogEntry } from '../../../src/core/models/catalog';

export interface RecordedRequest {
  readonly path: string;
  readonly range: string | undefined;
}

/** How one request is answered; `undefined` fields mean the normal behaviour. */
export interface Reply {
  /** Answer with this status and no body (404, 500, …). */
  readonly status?: number;
  /** Redirect with this status (302 by default) to this Location. */
  readonly redirectTo?: string;
  readonly redirectStatus?: number;
  /** Answer 200 with the whole file even when a Range was asked for. */
  readonly ignoreRange?: boolean;
  /** Answer 206 but claim the bytes start here (not where the client asked). */
  readonly claimRangeStart?: number;
  /** Send this many body bytes, then destroy the socket. */
  readonly cutAfter?: number;
  /** Send this many body bytes, then wait until `release` resolves (or the client goes away). */
  readonly stallAfter?: number;
  readonly release?: Promise<void>;
}

export interface DownloadTestServer {
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /** Serves `data` at `path` (e.g. "/org/repo/resolve/main/model.gguf"). */
  serve(path: string, data: Buffer): void;
  /** Answers the next requests to `path` with these replies, in order; afterwards normally. */
  script(path: string, ...replies: Reply[]): void;
  /** Answers every request to `path` with this reply. */
  always(path: string, reply: Reply): void;
  /** Requests whose path is `path`. */
  requestsFor(path: string): RecordedRequest[];
  /** Called as each request arrives, before it is answered (to look at the client's files then). */
  onRequest: ((request: RecordedRequest) => void) | undefined;
  close(): Promise<void>;
}

/** Bytes per write and pause between writes: set to slow the server down (the progress test). */
export interface Pace {
  chunkBytes: number;
  delayMs: number;
}

export async function startDownloadServer(pace: Pace = { chunkBytes: 64 * 1024, delayMs: 0 }): Promise<DownloadTestServer> {
  const files = new Map<string, Buffer>();
  const scripts = new Map<string, Reply[]>();
  const permanent = new Map<string, Reply>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const range = request.headers.range;
    const recorded = { path, range };
    requests.push(recorded);
    handle.onRequest?.(recorded);
    const reply = scripts.get(path)?.shift() ?? permanent.get(path) ?? {};
    void answer(path, range, reply, request, response);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function answer(path: string, range: string | undefined, reply: Reply, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    if (reply.redirectTo) {
      response.writeHead(reply.redirectStatus ?? 302, { location: reply.redirectTo, 'content-length': '0' });
      response.end();
      return;
    }
    const data = files.get(path);
    if (reply.status || !data) {
      response.writeHead(reply.status ?? 404, { 'content-length': '0' });
      response.end();
      return;
    }
    const start = !reply.ignoreRange && range ? Number(/^bytes=(\d+)-$/.exec(range)?.[1] ?? 0) : 0;
    if (start >= data.length && start > 0) {
      response.writeHead(416, { 'content-range': `bytes */${data.length}`, 'content-length': '0' });
      response.end();
      return;
    }
    const body = data.subarray(start);
    if (start > 0 || reply.claimRangeStart !== undefined) {
      const claimed = reply.claimRangeStart ?? start;
      response.writeHead(206, {
        'content-range': `bytes ${claimed}-${claimed + body.length - 1}/${data.length}`,
        'content-length': String(body.length),
      });
    } else {
      response.writeHead(200, { 'content-length': String(body.length) });
    }
    const limit = reply.cutAfter ?? reply.stallAfter ?? body.length;
    let sent = 0;
    while (sent < limit && !request.socket.destroyed) {
      const piece = body.subarray(sent, Math.min(limit, sent + pace.chunkBytes));
      await new Promise<void>((resolve) => response.write(piece, () => resolve()));
      sent += piece.length;
      if (pace.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, pace.delayMs));
    }
    if (reply.cutAfter !== undefined) {
      response.socket?.destroy();
      return;
    }
    if (reply.stallAfter !== undefined) {
      const gone = new Promise<void>((resolve) => response.once('close', () => resolve()));
      await Promise.race([reply.release ?? new Promise<void>(() => undefined), gone]);
      if (!request.socket.destroyed) response.socket?.destroy();
      return;
    }
    response.end();
  }

  const handle: DownloadTestServer = {
    baseUrl,
    requests,
    onRequest: undefined,
    serve: (path, data) => void files.set(path, data),
    script: (path, ...replies) => void scripts.set(path, [...replies]),
    always: (path, reply) => void permanent.set(path, reply),
    requestsFor: (path) => requests.filter((request) => request.path === path),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return handle;
}

/** Deterministic pseudo-random bytes (xorshift32), different for each seed. */
export function syntheticBytes(size: number, seed: number): Buffer {
  const bytes = Buffer.allocUnsafe(size);
  let state = (seed * 2654435761) >>> 0 || 1;
  for (let index = 0; index < size; index += 4) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    bytes[index] = state & 0xff;
    if (index + 1 < size) bytes[index + 1] = (state >>> 8) & 0xff;
    if (index + 2 < size) bytes[index + 2] = (state >>> 16) & 0xff;
    if (index + 3 < size) bytes[index + 3] = (state >>> 24) & 0xff;
  }
  return bytes;
}

export function sha256Of(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface SyntheticPairFiles {
  readonly entry: CatalogEntry;
  readonly model: Buffer;
  readonly projector: Buffer;
  readonly modelPath: string;
  readonly projectorPath: string;
}

/**
 * A catalog entry for a synthetic pair served by `server`, with the published hashes (unless
 * `publishedHashes` is false) and the real sizes.
 */
export function syntheticPair(
  server: DownloadTestServer,
  options: { id?: string; modelBytes?: number; projectorBytes?: number; publishedHashes?: boolean; overrides?: Partial<CatalogEntry> } = {},
): SyntheticPairFiles {
  const id = options.id ?? 'test-pair';
  const model = syntheticBytes(options.modelBytes ?? 3 * 1024 * 1024, 1);
  const projector = syntheticBytes(options.projectorBytes ?? 1024 * 1024 + 123, 2);
  const repo = 'test-org/Test-VLM-GGUF';
  const entry: CatalogEntry = {
    id,
    displayName: 'Test VLM',
    default: false,
    architecture: 'llama',
    projectorType: 'mlp',
    quantization: 'Q8_0',
    repo,
    model: { file: 'test-model-Q8_0.gguf', sizeBytes: model.length, ...(options.publishedHashes === false ? {} : { sha256: sha256Of(model) }) },
    projector: { file: 'mmproj-test-f16.gguf', sizeBytes: projector.length, ...(options.publishedHashes === false ? {} : { sha256: sha256Of(projector) }) },
    contextSize: 4096,
    ramEstimateMb: 1024,
    licence: 'Apache-2.0',
    goodAt: 'Tests.',
    ...options.overrides,
  };
  const modelPath = `/${repo}/resolve/main/${entry.model.file}`;
  const projectorPath = `/${repo}/resolve/main/${entry.projector.file}`;
  server.serve(modelPath, model);
  server.serve(projectorPath, projector);
  return { entry, model, projector, modelPath, projectorPath };
}
