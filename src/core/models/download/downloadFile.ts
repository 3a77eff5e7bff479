// Downloads one file into `<name>.partial`, resuming what is already there:
//  - the existing partial bytes are hashed first, then `Range: bytes=N-` asks for the rest;
//  - 206 with a matching `Content-Range` start appends; a 200 (the server ignored the range) or a
//    mismatching start discards the partial and starts again from byte 0; a 416 whose total equals
//    the partial size means the file was already complete;
//  - redirects are followed (Hugging Face sends `resolve/` to its CDN), keeping the Range header;
//  - a cut connection, a silent one (connect or idle timeout) or a 5xx/429 answer is retried from
//    the byte reached, after the delays in `retryDelaysMs`, before giving up;
//  - the SHA-256 is computed while streaming; on a mismatch with the published hash the partial is
//    deleted (resuming a corrupt file would only repeat the mismatch).
// Each hop is one request through the core's HTTP layer (http/httpRequest.ts), which owns the
// timeouts. Renaming the partial into place is the caller's job (downloadPair), so a pair becomes
// visible at once.

import { createHash, type Hash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { delay, throwIfAborted } from '../../abort';
import { GlimpseError } from '../../errors';
import { formatBytes } from '../../formatBytes';
import { HttpConnectionError, RemoteTimeoutError, sendHttpRequest, type HttpResponse } from '../../http/httpRequest';

export interface FileDownload {
  readonly url: URL;
  readonly partialPath: string;
  readonly expectedSha256?: string;
  /** How the file is named in messages, e.g. `the projector "mmproj-x.gguf"`. */
  readonly label: string;
}

export interface FileDownloadContext {
  readonly signal?: AbortSignal;
  readonly retryDelaysMs: readonly number[];
  /** The limit for connecting and for silence once connected (no bytes before or between chunks). */
  readonly idleTimeoutMs: number;
  readonly maxRedirects: number;
  readonly userAgent: string;
  /** Before the bytes of an existing partial are hashed (slow for a large partial). */
  onResumeCheck?(partialBytes: number): void;
  /** After each change: bytes in the partial, the file's total once the server said it, and how many of them just arrived. */
  onProgress(onDisk: number, total: number | undefined, received: number): void;
}

export interface FileDownloadResult {
  readonly sizeBytes: number;
  readonly sha256: string;
}

interface TransferState {
  hash: Hash;
  onDisk: number;
  total: number | undefined;
  restarts: number;
}

/** A failure worth another attempt from the byte reached; `reason` completes "failed: …". */
class RetryableFailure extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** The partial cannot be continued: it was cleared, ask again from byte 0 (not counted as a retry). */
class RestartFromZero extends Error {}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const retryableStatuses = new Set([408, 425, 429, 500, 502, 503, 504]);
const maxRestarts = 3;

export async function downloadFile(file: FileDownload, context: FileDownloadContext): Promise<FileDownloadResult> {
  const state: TransferState = { hash: createHash('sha256'), onDisk: 0, total: undefined, restarts: 0 };
  state.onDisk = await hashExistingPartial(file.partialPath, state.hash, context);
  context.onProgress(state.onDisk, undefined, 0);

  const handle = await fs.open(file.partialPath, 'a');
  try {
    let failures = 0;
    for (;;) {
      throwIfAborted(context.signal, cancelledError);
      try {
        await attempt(file, context, state, handle);
        break;
      } catch (error) {
        if (context.signal?.aborted) throw cancelledError();
        if (error instanceof RestartFromZero) continue;
        if (!(error instanceof RetryableFailure)) throw error;
        if (failures >= context.retryDelaysMs.length) throw gaveUpError(file, state, failures + 1, error.reason);
        await delay(context.retryDelaysMs[failures++], { signal: context.signal, cancelled: cancelledError });
      }
    }
  } finally {
    await handle.close();
  }

  const sha256 = state.hash.digest('hex');
  if (file.expectedSha256 && sha256 !== file.expectedSha256) {
    await fs.rm(file.partialPath, { force: true });
    throw new GlimpseError(
      'download-checksum-mismatch',
      `The downloaded ${file.label} does not match its published checksum: expected SHA-256 ${file.expectedSha256}, got ${sha256}. ` +
        `The damaged file was deleted. Try again; if it happens again, the download source (${file.url.origin}) serves a different file than the catalog expects.`,
    );
  }
  return { sizeBytes: state.onDisk, sha256 };
}

/** One request (with its redirects) and its body, appended to the partial. */
async function attempt(file: FileDownload, context: FileDownloadContext, state: TransferState, handle: FileHandle): Promise<void> {
  let response: HttpResponse | undefined;
  try {
    response = await openFollowingRedirects(file, state.onDisk, context);
    if (!(await acceptResponse(file, response, state, handle, context))) return;
    for await (const chunk of response.chunks()) {
      await append(handle, chunk, file);
      state.hash.update(chunk);
      state.onDisk += chunk.length;
      context.onProgress(state.onDisk, state.total, chunk.length);
    }
    if (state.total !== undefined && state.onDisk < state.total) {
      throw new RetryableFailure(`the connection closed after ${state.onDisk} of ${state.total} bytes`);
    }
    if (state.total !== undefined && state.onDisk > state.total) {
      await restartFromZero(state, handle, context);
      throw badResponse(`${file.url.origin} sent more bytes than it announced for ${file.label}`);
    }
  } catch (error) {
    if (context.signal?.aborted) throw cancelledError();
    if (error instanceof RemoteTimeoutError) throw new RetryableFailure(`no data arrived for ${Math.round(context.idleTimeoutMs / 1000)} s`);
    if (error instanceof HttpConnectionError) throw new RetryableFailure(networkReason(error.networkCause, file.url));
    if (error instanceof GlimpseError || error instanceof RetryableFailure || error instanceof RestartFromZero) throw error;
    throw new RetryableFailure(networkReason(error, file.url));
  } finally {
    response?.close();
  }
}

async function openFollowingRedirects(file: FileDownload, offset: number, context: FileDownloadContext): Promise<HttpResponse> {
  let url = file.url;
  for (let redirects = 0; ; redirects++) {
    const headers: Record<string, string> = { 'user-agent': context.userAgent, 'accept-encoding': 'identity' };
    if (offset > 0) headers.range = `bytes=${offset}-`;
    const response = await sendHttpRequest(url, {
      method: 'GET',
      headers,
      connectTimeoutMs: context.idleTimeoutMs,
      idleTimeoutMs: context.idleTimeoutMs,
      signal: context.signal,
      serverLabel: url.origin,
      // The bytes as sent are the file (the checksum checks them), even under a Content-Encoding label.
      keepEncodedBody: true,
    });
    if (!redirectStatuses.has(response.status)) return response;
    const location = response.header('location');
    response.close();
    if (!location) throw badResponse(`${url.origin} answered HTTP ${response.status} (a redirect) for ${file.label} without saying where to`);
    if (redirects >= context.maxRedirects) {
      throw badResponse(`downloading ${file.label} from ${file.url.href} was redirected more than ${context.maxRedirects} times`);
    }
    const next = new URL(location, url);
    if (next.protocol !== 'https:' && next.protocol !== 'http:') throw badResponse(`${url.origin} redirected ${file.label} to ${next.protocol} URL`);
    if (url.protocol === 'https:' && next.protocol === 'http:') {
      throw badResponse(`${url.origin} redirected ${file.label} from https to an insecure http URL (${next.origin}); refusing the downgrade`);
    }
    url = next;
  }
}

/** Checks the status and headers; false when there is nothing to read (the file was already complete). */
async function acceptResponse(file: FileDownload, response: HttpResponse, state: TransferState, handle: FileHandle, context: FileDownloadContext): Promise<boolean> {
  const { status } = response;
  const length = parseLength(response.header('content-length'));
  if (status === 200) {
    // Either a first request, or a server that ignored the Range header: the body is the whole file.
    if (state.onDisk > 0) await restartFromZero(state, handle, context);
    state.total = length;
    return true;
  }
  if (status === 206) {
    const range = parseContentRange(response.header('content-range'));
    if (!range || range.start === undefined || range.start !== state.onDisk) {
      // Not the bytes that follow ours: continuing would corrupt the file.
      if (state.onDisk === 0) throw badResponse(`${file.url.origin} answered a plain request for ${file.label} with a partial body (${response.header('content-range') ?? 'no Content-Range'})`);
      await restartFromZero(state, handle, context);
      throw new RestartFromZero();
    }
    state.total = range.total ?? (length === undefined ? undefined : state.onDisk + length);
    return true;
  }
  if (status === 416) {
    // Range not satisfiable: the partial may already hold the whole file (e.g. the other file of the pair failed last time).
    const range = parseContentRange(response.header('content-range'));
    if (state.onDisk > 0 && range?.total === state.onDisk) {
      state.total = state.onDisk;
      return false;
    }
    if (state.onDisk === 0) throw httpError(file, status);
    await restartFromZero(state, handle, context);
    throw new RestartFromZero();
  }
  if (status === 404 || status === 410) {
    throw new GlimpseError(
      'download-not-found',
      `${capitalize(file.label)} was not found at ${file.url.href} (HTTP ${status}). ` +
        'If downloads go through a mirror or proxy, check the model download base URL; otherwise this catalog entry may be out of date.',
      { optionsToChange: ['modelDownloadBaseUrl'] },
    );
  }
  if (retryableStatuses.has(status)) throw new RetryableFailure(`the server answered HTTP ${status}`);
  throw httpError(file, status);
}

async function restartFromZero(state: TransferState, handle: FileHandle, context: FileDownloadContext): Promise<void> {
  state.restarts += 1;
  if (state.restarts > maxRestarts) throw badResponse('the server kept answering resume requests with bytes that do not follow the partial file');
  await handle.truncate(0);
  state.hash = createHash('sha256');
  state.onDisk = 0;
  state.total = undefined;
  context.onProgress(0, undefined, 0);
}

async function hashExistingPartial(partialPath: string, hash: Hash, context: FileDownloadContext): Promise<number> {
  let size: number;
  try {
    size = (await fs.stat(partialPath)).size;
  } catch {
    return 0;
  }
  if (size === 0) return 0;
  context.onResumeCheck?.(size);
  let hashed = 0;
  for await (const chunk of createReadStream(partialPath, { end: size - 1, highWaterMark: 1024 * 1024 })) {
    throwIfAborted(context.signal, cancelledError);
    hash.update(chunk as Buffer);
    hashed += (chunk as Buffer).length;
  }
  return hashed;
}

async function append(handle: FileHandle, chunk: Uint8Array, file: FileDownload): Promise<void> {
  try {
    await handle.write(chunk);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC') {
      throw new GlimpseError('download-no-space', `The disk filled up while downloading ${file.label}. Free some space and start the download again; it resumes where it stopped.`);
    }
    throw new GlimpseError('download-failed', `Could not write ${file.partialPath}: ${(error as Error).message}.`);
  }
}

function parseLength(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

/** `bytes START-END/TOTAL`, `bytes START-END/*` or `bytes *\/TOTAL`. */
export function parseContentRange(value: string | undefined): { start?: number; end?: number; total?: number } | undefined {
  const match = value ? /^\s*bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)\s*$/i.exec(value) : null;
  if (!match) return undefined;
  return {
    start: match[1] === undefined ? undefined : Number(match[1]),
    end: match[2] === undefined ? undefined : Number(match[2]),
    total: match[3] === '*' ? undefined : Number(match[3]),
  };
}

function networkReason(error: unknown, url: URL): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ECONNRESET':
    case 'EPIPE':
      return 'the connection was cut';
    case 'ECONNREFUSED':
      return `${url.host} refused the connection`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host ${url.hostname} could not be found (offline?)`;
    case 'ETIMEDOUT':
      return 'the connection timed out';
    default:
      return error instanceof Error && error.message ? error.message : String(error);
  }
}

function gaveUpError(file: FileDownload, state: TransferState, attempts: number, reason: string): GlimpseError {
  const kept = state.onDisk > 0 ? ` The ${formatBytes(state.onDisk)} already downloaded are kept; starting the download again resumes from there.` : '';
  return new GlimpseError(
    'download-failed',
    `Downloading ${file.label} from ${file.url.origin} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}.${kept} ` +
      'Check the network connection, or the model download base URL if downloads go through a mirror or proxy.',
    { optionsToChange: ['modelDownloadBaseUrl'] },
  );
}

function httpError(file: FileDownload, status: number): GlimpseError {
  const refused = status === 401 || status === 403;
  const hint = refused
    ? 'The repository may require signing in or accepting a licence on Hugging Face: download the two files yourself and set the model and projector paths to them, or point the model download base URL at a mirror that serves them.'
    : 'Try again later, or check the model download base URL if downloads go through a mirror or proxy.';
  return new GlimpseError('download-http-error', `Downloading ${file.label} from ${file.url.href} failed: the server answered HTTP ${status}. ${hint}`, {
    optionsToChange: refused ? ['modelPath', 'mmprojPath', 'modelDownloadBaseUrl'] : ['modelDownloadBaseUrl'],
  });
}

function badResponse(what: string): GlimpseError {
  return new GlimpseError('download-bad-response', `The download stopped because ${what}. Try again; if it persists, check the model download base URL.`, { optionsToChange: ['modelDownloadBaseUrl'] });
}

function cancelledError(): GlimpseError {
  return new GlimpseError('cancelled', 'Download stopped.');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
