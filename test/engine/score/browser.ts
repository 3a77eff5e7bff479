// Shared by the visual-score engine tests: the browser they run (a clear failure when there is
// none, a skip when GLIMPSE_NO_BROWSER=1), the processes still running with a given profile folder,
// and a local HTTP server that records every request and WebSocket upgrade it gets.

import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { locateBrowser } from '../../../src/core/score/locateBrowser';

/** The browser to test with; call from a `before` hook. */
export function browserForTests(context: Mocha.Context): string {
  if (process.env.GLIMPSE_NO_BROWSER === '1') context.skip();
  const search = locateBrowser();
  if (!search.found) {
    throw new Error(
      `The visual-score engine tests need a Chromium-family browser and none was found: ${search.reason} ` +
        `(looked in: ${search.looked.join(', ') || 'nothing'}). Install one (Debian: apt-get install chromium) or set ` +
        'GLIMPSE_BROWSER to its path; set GLIMPSE_NO_BROWSER=1 to skip these tests.',
    );
  }
  return search.found.path;
}

/** Process ids whose command line mentions `marker` (Linux /proc; an empty list elsewhere). */
export function processesMentioning(marker: string): number[] {
  if (process.platform !== 'linux') return [];
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

export interface RecordingServer {
  readonly port: number;
  /** "GET /path", "UPGRADE /path", "CONNECT host:port" or "NOT HTTP (…)", in arrival order. */
  readonly hits: string[];
  close(): Promise<void>;
}

export async function startRecordingServer(): Promise<RecordingServer> {
  const hits: string[] = [];
  const server = http.createServer((request, response) => {
    hits.push(`${request.method} ${request.url}`);
    response.writeHead(200, { 'Content-Type': 'text/plain', 'Access-Control-Allow-Origin': '*' });
    response.end('reached');
  });
  server.on('upgrade', (request, socket) => {
    hits.push(`UPGRADE ${request.url}`);
    socket.destroy();
  });
  server.on('connect', (request, socket) => {
    hits.push(`CONNECT ${request.url}`);
    socket.destroy();
  });
  // Anything that is not HTTP (a TLS handshake for https:// or wss://) still counts.
  server.on('clientError', (error, socket) => {
    hits.push(`NOT HTTP (${error.message})`);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
