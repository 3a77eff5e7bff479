// One HTTP request: the one path every request of the core takes, to an OpenAI-compatible server
// (the embedded llama-server, its health check, or a remote one) and for model and engine
// downloads (one hop each: downloadFile follows redirects and resumes with Range). It has the two
// timeouts a slow remote model needs and that fetch() does not give: a connect timeout (TCP, and
// TLS for https) and an idle timeout (no bytes in either direction, before or after the response
// headers). Redirects are not followed. Cancels through an AbortSignal. Every failure becomes a
// GlimpseError whose message names the server and says what to do; a network failure keeps its
// cause, for callers that word their own message.
//
// Every request asks for an unencoded body (Accept-Encoding: identity): Glimpse decodes no gzip or
// deflate, and a compressed event stream would otherwise be read as garbage. A body that comes
// encoded anyway (a proxy compressing regardless) is refused, naming the encoding, when it is read;
// a download takes it as it is instead (`keepEncodedBody`: its checksum decides, and a mirror that
// labels a .tar.gz "Content-Encoding: gzip" still sends the very archive asked for).
//
// Why the connect timeout stops at the connection and not at the response headers: llama-server
// sends its headers only when a slot starts on the request (server-context.cpp, "signal HTTP to
// send the headers"), so on a busy shared server a queued request has no headers for as long as it
// waits; Ollama sends none while it loads the model. Waiting for headers counts as idle time.

import http from 'node:http';
import https from 'node:https';
import { GlimpseError, type GlimpseErrorOptions } from '../errors';

export interface HttpRequestOptions {
  readonly method: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Limit for opening the connection (TCP connect and, for https, the TLS handshake). */
  readonly connectTimeoutMs: number;
  /** Limit for silence once connected: no bytes sent or received, headers included. */
  readonly idleTimeoutMs: number;
  readonly signal?: AbortSignal;
  /** How the server is named in messages, e.g. its base URL. */
  readonly serverLabel: string;
  /** Read a body with a Content-Encoding other than identity as its raw bytes (downloads); by default it is refused. */
  readonly keepEncodedBody?: boolean;
}

export interface HttpResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: http.IncomingHttpHeaders;
  /** A response header by (case-insensitive) name; repeated headers are joined with ", ". */
  header(name: string): string | undefined;
  /** The body as it arrives; throws a GlimpseError on timeout, cut connection or cancel. */
  chunks(): AsyncGenerator<Buffer>;
  /** The whole body as text, read up to `maxBytes` (the rest is dropped). */
  text(maxBytes?: number): Promise<string>;
  /** The body as text, read up to `maxBytes`; `complete` is false when there was more (it is dropped). */
  textWithin(maxBytes: number): Promise<{ readonly text: string; readonly complete: boolean }>;
  /** Closes the connection (idempotent); a server notices and stops generating. */
  close(): void;
}

/** Body writes are split so each flushed piece counts as activity for the idle timeout. */
const writePieceBytes = 64 * 1024;

/**
 * A timeout; `stage` says which (the probe skips a silent path but not an unreachable server):
 * connect and idle here, no-progress and deadline in the streaming client (openai/answerWatch.ts).
 */
export class RemoteTimeoutError extends GlimpseError {
  constructor(message: string, readonly stage: 'connect' | 'idle' | 'no-progress' | 'deadline', options?: GlimpseErrorOptions) {
    super('remote-timeout', message, options);
  }
}

/** A body sent with a Content-Encoding other than identity, which Glimpse does not decode. */
export class UnsupportedEncodingError extends GlimpseError {
  constructor(message: string, readonly encoding: string) {
    super('remote-bad-response', message);
  }
}

/**
 * A refused, reset, cut or otherwise failed connection, or an answer that is not HTTP;
 * `networkCause` is what Node reported (its `code` says which).
 */
export class HttpConnectionError extends GlimpseError {
  constructor(message: string, detail: string | undefined, readonly networkCause: unknown, code: 'engine-request-failed' | 'remote-bad-response' = 'engine-request-failed') {
    super(code, message, detail);
  }
}

export function cancelledError(): GlimpseError {
  return new GlimpseError('cancelled', 'Stopped.');
}

export function sendHttpRequest(url: URL, options: HttpRequestOptions): Promise<HttpResponse> {
  const { signal, serverLabel } = options;
  if (signal?.aborted) return Promise.reject(cancelledError());
  const secure = url.protocol === 'https:';
  const transport = secure ? https : http;
  const body = options.body === undefined ? undefined : Buffer.from(options.body, 'utf8');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (name.toLowerCase() !== 'accept-encoding') headers[name] = value;
  }
  headers['accept-encoding'] = 'identity';
  if (body) headers['content-length'] = String(body.length);

  return new Promise<HttpResponse>((resolve, reject) => {
    // A fresh connection per request: a failure on one request can never poison the next one.
    const request = transport.request(url, { method: options.method, headers, agent: false });
    let failure: GlimpseError | undefined;
    let timer: NodeJS.Timeout | undefined;
    let phase: 'connecting' | 'waiting' | 'streaming' = 'connecting';
    let response: http.IncomingMessage | undefined;
    let closed = false;

    const disarm = () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
    };
    const fail = (error: GlimpseError) => {
      failure ??= error;
      disarm();
      request.destroy();
      response?.destroy();
    };
    const armIdle = () => {
      disarm();
      if (closed) return;
      timer = setTimeout(() => fail(idleTimeoutError(serverLabel, options.idleTimeoutMs, phase)), options.idleTimeoutMs);
    };
    const onAbort = () => fail(cancelledError());
    const close = () => {
      if (closed) return;
      closed = true;
      disarm();
      signal?.removeEventListener('abort', onAbort);
      request.destroy();
      response?.destroy();
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    timer = setTimeout(() => fail(connectTimeoutError(serverLabel, options.connectTimeoutMs)), options.connectTimeoutMs);
    // A write completes only once the connection is open (and, for https, the TLS handshake done):
    // the first completed write ends the connect phase, each later one is activity. This holds
    // whatever agent supplies the socket (VS Code's proxy agent may hand over one already connected).
    const onWritten = () => {
      if (failure || response) return;
      phase = 'waiting';
      armIdle();
    };
    request.on('error', (error) => {
      close();
      reject(failure ?? networkError(error, serverLabel, phase));
    });
    request.once('close', () => {
      // Normally 'error' or 'response' came first; this only settles a request that ended silently.
      if (!response) {
        close();
        reject(failure ?? networkError(new Error('the connection closed without an answer'), serverLabel, phase));
      }
    });
    request.once('response', (incoming) => {
      response = incoming;
      phase = 'streaming';
      armIdle();
      resolve({
        status: incoming.statusCode ?? 0,
        statusText: incoming.statusMessage ?? '',
        headers: incoming.headers,
        header: (name) => {
          const value = incoming.headers[name.toLowerCase()];
          return Array.isArray(value) ? value.join(', ') : value;
        },
        chunks: () => readChunks(),
        text: async (maxBytes = 64 * 1024) => (await readText(maxBytes)).text,
        textWithin: (maxBytes) => readText(maxBytes),
        close,
      });
    });

    async function* readChunks(): AsyncGenerator<Buffer> {
      const incoming = response!;
      const encodingFailure = options.keepEncodedBody ? undefined : unsupportedEncoding(incoming.headers['content-encoding'], serverLabel);
      if (encodingFailure) {
        close();
        throw encodingFailure;
      }
      try {
        for await (const chunk of incoming) {
          if (failure) break;
          // The consumer's time between chunks is not the server's silence.
          disarm();
          yield chunk as Buffer;
          armIdle();
        }
      } catch (error) {
        throw failure ?? networkError(error, serverLabel, 'streaming');
      } finally {
        disarm();
      }
      if (failure) throw failure;
      if (!incoming.complete) throw networkError(new Error('the connection closed before the answer was complete'), serverLabel, 'streaming');
    }

    async function readText(maxBytes: number): Promise<{ text: string; complete: boolean }> {
      const pieces: Buffer[] = [];
      let size = 0;
      try {
        for await (const chunk of readChunks()) {
          if (size < maxBytes) pieces.push(chunk.subarray(0, maxBytes - size));
          size += chunk.length;
          // One byte past the limit tells a body of exactly maxBytes from a longer one.
          if (size > maxBytes) break;
        }
      } finally {
        close();
      }
      return { text: Buffer.concat(pieces).toString('utf8'), complete: size <= maxBytes };
    }

    if (body) {
      for (let offset = 0; offset < body.length; offset += writePieceBytes) {
        request.write(body.subarray(offset, offset + writePieceBytes), onWritten);
      }
    }
    request.end(onWritten);
  });
}

/** The refusal of a body encoded other than identity (gzip, deflate, br…); undefined for none or identity. */
function unsupportedEncoding(header: string | undefined, serverLabel: string): UnsupportedEncodingError | undefined {
  const encoding = (header ?? '').trim();
  if (encoding === '' || /^identity$/i.test(encoding)) return undefined;
  const named = encoding.replace(/[^\x20-\x7e]/g, '?').slice(0, 60);
  return new UnsupportedEncodingError(
    `${serverLabel} sent its answer compressed (Content-Encoding: ${named}), although Glimpse asked for it uncompressed (Accept-Encoding: identity); ` +
      'Glimpse does not decode compressed answers. A proxy or gateway in between may compress regardless: turn compression off for this server\'s /v1 path, or connect to the server directly.',
    named,
  );
}

function connectTimeoutError(serverLabel: string, timeoutMs: number): GlimpseError {
  return new RemoteTimeoutError(
    `Could not connect to ${serverLabel} within ${seconds(timeoutMs)}. Check the server address, that the server is running, and that this machine can reach it (VPN, proxy, firewall).`,
    'connect',
  );
}

function idleTimeoutError(serverLabel: string, timeoutMs: number, phase: 'connecting' | 'waiting' | 'streaming'): GlimpseError {
  const what = phase === 'streaming'
    ? `${serverLabel} stopped sending for ${seconds(timeoutMs)} in the middle of its answer`
    : `${serverLabel} accepted the connection but sent no answer for ${seconds(timeoutMs)}`;
  return new RemoteTimeoutError(
    `${capitalise(what)}. The server may be overloaded or stuck: try again later. If its model is just slow to read large images, crop the image or send a smaller one.`,
    'idle',
  );
}

/** A refused, reset or otherwise failed connection. Keeps the code the engine supervisor reads as "maybe it crashed". */
export function networkError(error: unknown, serverLabel: string, phase: 'connecting' | 'waiting' | 'streaming'): GlimpseError {
  if (error instanceof GlimpseError) return error;
  const code = (error as { code?: string } | undefined)?.code;
  const reason = code ?? (error instanceof Error ? error.message : String(error));
  const stack = error instanceof Error ? error.stack : undefined;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new HttpConnectionError(`The host name of ${serverLabel} could not be resolved (${code}). Check the server address, and your network or VPN.`, stack, error);
  }
  if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return new HttpConnectionError(
      `The TLS certificate of ${serverLabel} was not accepted (${code}). If the server uses a certificate from your organisation's own authority, start VS Code with NODE_EXTRA_CA_CERTS pointing at that authority's certificate; otherwise check the address.`,
      stack,
      error,
    );
  }
  // Node's HTTP parser refused the answer (still a connection failure to a download, which retries).
  if (code === 'HPE_HEADER_OVERFLOW') {
    return new HttpConnectionError(`${serverLabel} sent response headers larger than 16 KiB (${code}): not an answer Glimpse can read. Check the server address; a proxy in between may be adding headers.`, stack, error, 'remote-bad-response');
  }
  if (code?.startsWith('HPE_')) {
    return new HttpConnectionError(`${serverLabel} sent an answer that is not valid HTTP (${code}). Check the server address: it may lead to a service that is not an HTTP server, or one that is broken.`, stack, error, 'remote-bad-response');
  }
  if (code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER') {
    return new HttpConnectionError(`The TLS handshake with ${serverLabel} failed (${code}). The server may speak plain HTTP on this port: check http:// versus https:// in the address.`, stack, error);
  }
  if (phase === 'streaming') {
    return new HttpConnectionError(`The connection to ${serverLabel} was cut while it was answering (${reason}). Try again; if it keeps happening, the server may be restarting or crashing.`, stack, error);
  }
  return new HttpConnectionError(`The connection to ${serverLabel} failed (${reason}). Check that the server is running at that address and reachable from this machine.`, stack, error);
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
