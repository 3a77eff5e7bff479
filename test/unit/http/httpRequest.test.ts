// The one HTTP request of the core against servers that send what it cannot read: a compressed
// body, oversized headers, a body longer than the caller reads. Every request asks for no
// compression, whatever its caller's headers say.

import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { sendHttpRequest, UnsupportedEncodingError } from '../../../src/core/http/httpRequest';
import { withScriptedServer, type Handler } from '../remote/scriptedServer';
import { rejectsWithCode } from '../../fixtures/glimpseErrors';

const timeouts = { connectTimeoutMs: 1_000, idleTimeoutMs: 2_000 };

function get(baseUrl: string, headers: Record<string, string> = {}) {
  return sendHttpRequest(new URL('/x', baseUrl), { method: 'GET', headers, ...timeouts, serverLabel: baseUrl });
}

function send(body: string | Buffer, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', ...headers });
    res.end(body);
  };
}

describe('sendHttpRequest', () => {
  it('asks for an uncompressed body on every request, replacing a caller\'s Accept-Encoding', async () => {
    await withScriptedServer(send('ok'), async ({ baseUrl, received }) => {
      await (await get(baseUrl)).text();
      await (await get(baseUrl, { 'Accept-Encoding': 'gzip, br' })).text();
      assert.deepEqual(received.map((request) => request.headers['accept-encoding']), ['identity', 'identity']);
    });
  });

  it('refuses a compressed body when it is read, naming the encoding; the status and headers stay readable', async () => {
    await withScriptedServer(send(zlib.gzipSync('hello'), { 'content-encoding': 'gzip' }), async ({ baseUrl }) => {
      const response = await get(baseUrl);
      assert.equal(response.status, 200);
      assert.equal(response.header('content-encoding'), 'gzip');
      const error = await rejectsWithCode(response.text(), 'remote-bad-response', /sent its answer compressed \(Content-Encoding: gzip\)/);
      assert.ok(error instanceof UnsupportedEncodingError && error.encoding === 'gzip');
    });
    await withScriptedServer(send('x', { 'content-encoding': 'x-custom, gzip' }), async ({ baseUrl }) => {
      const response = await get(baseUrl);
      await rejectsWithCode((async () => {
        for await (const chunk of response.chunks()) void chunk;
      })(), 'remote-bad-response', /Content-Encoding: x-custom, gzip/);
    });
  });

  it('hands a download the raw bytes of a body labelled with an encoding', async () => {
    const archive = zlib.gzipSync('engine');
    await withScriptedServer(send(archive, { 'content-encoding': 'x-gzip' }), async ({ baseUrl }) => {
      const response = await sendHttpRequest(new URL('/engine.tar.gz', baseUrl), { method: 'GET', ...timeouts, serverLabel: baseUrl, keepEncodedBody: true });
      const chunks: Buffer[] = [];
      for await (const chunk of response.chunks()) chunks.push(chunk);
      assert.deepEqual(Buffer.concat(chunks), archive);
    });
  });

  it('reads a body marked identity as it is', async () => {
    await withScriptedServer(send('plain', { 'content-encoding': 'Identity' }), async ({ baseUrl }) => {
      assert.equal(await (await get(baseUrl)).text(), 'plain');
    });
  });

  it('says whether the body fitted the size it was read up to', async () => {
    await withScriptedServer(send('x'.repeat(100)), async ({ baseUrl }) => {
      assert.deepEqual(await (await get(baseUrl)).textWithin(100), { text: 'x'.repeat(100), complete: true });
      assert.deepEqual(await (await get(baseUrl)).textWithin(99), { text: 'x'.repeat(99), complete: false });
    });
  });

  it('reports response headers over 16 KiB as an answer it cannot read, at once', async () => {
    const server = net.createServer((socket) => {
      socket.once('data', () => {
        socket.write(`HTTP/1.1 200 OK\r\nx-padding: ${'p'.repeat(64 * 1024)}\r\ncontent-length: 2\r\n\r\nok`);
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const started = Date.now();
      await rejectsWithCode(get(baseUrl), 'remote-bad-response', /sent response headers larger than 16 KiB \(HPE_HEADER_OVERFLOW\)/);
      assert.ok(Date.now() - started < 1_500);
    } finally {
      server.close();
    }
  });

  it('reports an answer that is not HTTP at all', async () => {
    const server = net.createServer((socket) => {
      socket.once('data', () => socket.end('SSH-2.0-OpenSSH_9.6\r\n'));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await rejectsWithCode(get(baseUrl), 'remote-bad-response', /sent an answer that is not valid HTTP \(HPE_/);
    } finally {
      server.close();
    }
  });
});
