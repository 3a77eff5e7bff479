// One HTTP GET for a model download, one hop (the caller follows redirects, so a substituted
// request function gets the same redirect, resume and retry handling). The default uses node:http
// and node:https; tests and hosts with their own networking can pass another `DownloadRequest`.

import http from 'node:http';
import https from 'node:https';

export interface DownloadResponse {
  readonly status: number;
  /** A response header by (case-insensitive) name; repeated headers are joined with ", ". */
  header(name: string): string | undefined;
  /** The body as it arrives; rejects when the connection is cut or the signal aborts. */
  readonly body: AsyncIterable<Uint8Array>;
  /** Stops reading and closes the connection (idempotent). */
  close(): void;
}

/** Sends one GET without following redirects; rejects on a network error or when `signal` aborts. */
export type DownloadRequest = (url: URL, headers: Readonly<Record<string, string>>, signal: AbortSignal) => Promise<DownloadResponse>;

export const nodeDownloadRequest: DownloadRequest = (url, headers, signal) =>
  new Promise<DownloadResponse>((resolve, reject) => {
    const transport = url.protocol === 'https:' ? https : http;
    // A fresh connection per request: a cut connection can never be reused for the resume.
    const request = transport.get(url, { headers, signal, agent: false });
    request.once('error', reject);
    request.once('response', (response) => {
      // Errors after this point surface through the body iterator.
      request.off('error', reject);
      request.on('error', () => undefined);
      resolve({
        status: response.statusCode ?? 0,
        header: (name) => {
          const value = response.headers[name.toLowerCase()];
          return Array.isArray(value) ? value.join(', ') : value;
        },
        body: response,
        close: () => {
          response.destroy();
          request.destroy();
        },
      });
    });
  });
