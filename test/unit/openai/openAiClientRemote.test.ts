// The streaming client against the ways a remote server (or the network and proxies in between)
// fails: resets, silence, timeouts, malformed chunks, rate limits, server errors, HTML pages. After
// each failure the next request to the same server must work: nothing is left behind.

import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { RemoteRateLimitedError } from '../../../src/core/openai/httpErrors';
import { streamChatCompletion, type RetryNotice } from '../../../src/core/openai/openAiClient';
import {
  answerHello, ask, assertStillWorks, json, sseChunk, textOf, withScriptedServer, type Handler,
} from '../remote/scriptedServer';
import { rejectsWithCode } from '../../fixtures/glimpseErrors';

const fast = { connectTimeoutMs: 1_000, idleTimeoutMs: 2_000 };

describe('openAiClient against a failing remote server', () => {
  it('reports a connection reset in the middle of the answer, then the next chat works', async () => {
    const resetMidStream: Handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sseChunk({ choices: [{ delta: { content: 'partial' } }] }));
      setTimeout(() => res.socket?.resetAndDestroy(), 30);
    };
    await withScriptedServer([resetMidStream, answerHello], async ({ baseUrl }) => {
      const received: string[] = [];
      await rejectsWithCode((async () => {
        for await (const event of streamChatCompletion({ baseUrl }, [{ role: 'user', text: 'hi' }], fast)) {
          if (event.type === 'delta') received.push(event.text);
        }
      })(), 'engine-request-failed', /cut while it was answering.*Try again/);
      assert.deepEqual(received, ['partial'], 'the text before the reset was delivered');
      await assertStillWorks({ baseUrl }, fast);
    });
  });

  it('reports a connection dropped before any answer, then the next chat works', async () => {
    await withScriptedServer([(req) => req.socket.destroy(), answerHello], async ({ baseUrl }) => {
      await rejectsWithCode(ask({ baseUrl }, fast), 'engine-request-failed', new RegExp(`${baseUrl.replace(/[.]/g, '\\.')}.*failed`));
      await assertStillWorks({ baseUrl }, fast);
    });
  });

  it('gives up on a server that never completes the connection within the connect timeout', async () => {
    // Accepts TCP but never answers the TLS handshake: the connection is never established.
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      const error = await rejectsWithCode(
        ask({ baseUrl: `https://127.0.0.1:${(silent.address() as AddressInfo).port}` }, { connectTimeoutMs: 300, idleTimeoutMs: 10_000 }),
        'remote-timeout', /Could not connect to https:\/\/127\.0\.0\.1:\d+ within 0\.3 s\. Check the server address/);
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 280 && elapsed < 2_000, `gave up after ${elapsed} ms: ${error.message}`);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('waits past the connect timeout for headers that come late (a queued request), within the idle timeout', async () => {
    const lateHeaders: Handler = (req, res, body) => setTimeout(() => answerHello(req, res, body), 600);
    await withScriptedServer(lateHeaders, async ({ baseUrl }) => {
      const events = await ask({ baseUrl }, { connectTimeoutMs: 200, idleTimeoutMs: 2_000 });
      assert.equal(textOf(events), 'Hello');
    });
  });

  it('reports a server that accepts the request but sends no headers within the idle timeout, then the next chat works', async () => {
    await withScriptedServer([() => undefined, answerHello], async ({ baseUrl }) => {
      const started = Date.now();
      await rejectsWithCode(ask({ baseUrl }, { connectTimeoutMs: 1_000, idleTimeoutMs: 400 }), 'remote-timeout', /accepted the connection but sent no answer for 0\.4 s.*try again/);
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 380 && elapsed < 3_000, `gave up after ${elapsed} ms`);
      await assertStillWorks({ baseUrl }, fast);
    });
  });

  it('reports silence in the middle of an answer past the idle timeout, and closes the connection', async () => {
    let closed = false;
    const stalls: Handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sseChunk({ choices: [{ delta: { content: 'a' } }] }));
      res.on('close', () => (closed = true));
    };
    await withScriptedServer([stalls, answerHello], async ({ baseUrl }) => {
      await rejectsWithCode(ask({ baseUrl }, { connectTimeoutMs: 1_000, idleTimeoutMs: 300 }), 'remote-timeout', /stopped sending for 0\.3 s in the middle of its answer.*crop the image or send a smaller one/);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(closed, 'the server saw the connection close');
      await assertStillWorks({ baseUrl }, fast);
    });
  });

  it('counts keep-alive comments as activity: a long silent prefill with pings is not a timeout', async () => {
    const pingsThenAnswer: Handler = (req, res, body) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const ping = setInterval(() => res.write(':\n\n'), 100);
      setTimeout(() => {
        clearInterval(ping);
        res.write(sseChunk({ choices: [{ delta: { content: 'Hel' } }] }));
        res.write(sseChunk({ choices: [{ delta: { content: 'lo' }, finish_reason: 'stop' }] }));
        res.end('data: [DONE]\n\n');
      }, 1_000);
      void req; void body;
    };
    await withScriptedServer(pingsThenAnswer, async ({ baseUrl }) => {
      const events = await ask({ baseUrl }, { connectTimeoutMs: 1_000, idleTimeoutMs: 350 });
      assert.equal(textOf(events), 'Hello');
    });
  });

  it('reports a malformed chunk as a bad response, then the next chat works', async () => {
    const malformed: Handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sseChunk({ choices: [{ delta: { content: 'a' } }] }));
      res.end('data: {"choices": [{"delta": \n\n');
    };
    await withScriptedServer([malformed, answerHello], async ({ baseUrl }) => {
      await rejectsWithCode(ask({ baseUrl }, fast), 'remote-bad-response', /not a JSON object \(\{"choices": \[\{"delta":\).*check the server address/);
      await assertStillWorks({ baseUrl }, fast);
    });
  });

  it('retries a 429 that asks to wait 1 s, and streams the answer of the retry', async () => {
    const limited = json(429, { error: { message: 'Rate limit reached' } }, { 'retry-after': '1' });
    await withScriptedServer([limited, answerHello], async ({ baseUrl, received }) => {
      const notices: RetryNotice[] = [];
      const started = Date.now();
      const events = await ask({ baseUrl }, { ...fast, onRetry: (notice) => notices.push(notice) });
      const elapsed = Date.now() - started;
      assert.equal(textOf(events), 'Hello');
      assert.equal(received.length, 2);
      assert.equal(received[1].body, received[0].body, 'the retry sends the same request');
      assert.deepEqual(notices, [{ attempt: 1, waitMs: 1_000, status: 429 }]);
      assert.ok(elapsed >= 950, `retried after ${elapsed} ms, before the 1 s the server asked for`);
    });
  });

  it('reports a 429 that asks to wait 60 s with the wait, without retrying; then the next chat works', async () => {
    const limited = json(429, { error: { message: 'Rate limit reached' } }, { 'retry-after': '60' });
    await withScriptedServer([limited, answerHello], async ({ baseUrl, received }) => {
      const started = Date.now();
      const error = await rejectsWithCode(ask({ baseUrl }, fast), 'remote-rate-limited', /429.*Rate limit reached.*rate limiting requests and asks to wait 60 s: try again then/);
      assert.ok(error instanceof RemoteRateLimitedError);
      assert.equal(error.retryAfterMs, 60_000);
      assert.equal(received.length, 1, 'no retry was sent');
      assert.ok(Date.now() - started < 1_000);
      await assertStillWorks({ baseUrl }, fast);
    });
  });

  it('honours a Retry-After given as an HTTP date', async () => {
    const limitedUntil: Handler = (req, res, body) =>
      json(429, { error: { message: 'slow down' } }, { 'retry-after': new Date(Date.now() + 2_000).toUTCString() })(req, res, body);
    await withScriptedServer([limitedUntil, answerHello], async ({ baseUrl }) => {
      const notices: RetryNotice[] = [];
      const events = await ask({ baseUrl }, { ...fast, onRetry: (notice) => notices.push(notice) });
      assert.equal(textOf(events), 'Hello');
      assert.equal(notices.length, 1);
      // HTTP dates have whole seconds: the wait is between 1 and 2 s.
      assert.ok(notices[0].waitMs > 900 && notices[0].waitMs <= 2_000, `waited ${notices[0].waitMs} ms`);
    });
  });

  it('gives up after the configured number of retries and reports the 429', async () => {
    await withScriptedServer(json(429, { error: { message: 'busy' } }, { 'retry-after': '0' }), async ({ baseUrl, received }) => {
      await rejectsWithCode(ask({ baseUrl }, { ...fast, rateLimitRetries: 2 }), 'remote-rate-limited', /busy/);
      assert.equal(received.length, 3, 'one request and two retries');
    });
  });

  it('stops waiting for a retry when cancelled', async () => {
    await withScriptedServer(json(429, {}, { 'retry-after': '5' }), async ({ baseUrl, received }) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 200);
      const started = Date.now();
      await rejectsWithCode(ask({ baseUrl }, { ...fast, maxRetryWaitMs: 10_000 }, controller.signal), 'cancelled');
      assert.ok(Date.now() - started < 1_500);
      assert.equal(received.length, 1);
    });
  });

  it('reports a 500 as a server failure with the server\'s own message, then the next chat works', async () => {
    await withScriptedServer([json(500, { error: { message: 'CUDA error: out of memory' } }), answerHello], async ({ baseUrl }) => {
      await rejectsWithCode(ask({ baseUrl }, fast), 'remote-server-error', /500.*CUDA error: out of memory.*server failed.*tell whoever runs the server/);
      await assertStillWorks({ baseUrl }, fast);
    });
  });

  it('reports a server refusing images for a text-only model as remote-no-vision, naming the model', async () => {
    const refusesImages = json(500, { error: { code: 500, message: 'image input is not supported - hint: if this is unexpected, you may need to provide the mmproj', type: 'server_error' } });
    await withScriptedServer(refusesImages, async ({ baseUrl }) => {
      await rejectsWithCode(ask({ baseUrl, model: 'qwen-text' }, fast), 'remote-no-vision', /image input is not supported.*cannot read images with "qwen-text"\. Pick a vision model/);
    });
  });

  it('reports a proxy\'s HTML 502 page by its title', async () => {
    const badGateway: Handler = (_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>');
    };
    await withScriptedServer(badGateway, async ({ baseUrl }) => {
      const error = await rejectsWithCode(ask({ baseUrl }, fast), 'remote-server-error', /502.*"502 Bad Gateway"/);
      assert.doesNotMatch(error.message, /<center>|nginx/);
    });
  });

  it('reports a 200 HTML page (a proxy login) as not a stream, then the next chat works', async () => {
    const loginPage: Handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><head><title>Sign in - Example Corp Proxy</title></head><body><form>…</form></body></html>');
    };
    await withScriptedServer([loginPage, answerHello], async ({ baseUrl }) => {
      await rejectsWithCode(ask({ baseUrl }, fast), 'remote-bad-response', /text\/html instead of a stream.*Sign in - Example Corp Proxy.*check the server address/);
      await assertStillWorks({ baseUrl }, fast);
    });
  });

  it('reports a 404 naming the model to check', async () => {
    await withScriptedServer(json(404, { error: { message: 'The model `llava-13b` does not exist.' } }), async ({ baseUrl }) => {
      await rejectsWithCode(ask({ baseUrl, model: 'llava-13b' }, fast), 'remote-not-found', /404.*for \/v1\/chat\/completions.*server address.*model name "llava-13b".*\/v1\/models/);
    });
  });

  it('reports 403 as a refused key', async () => {
    await withScriptedServer(json(403, { error: 'forbidden' }), async ({ baseUrl }) => {
      await rejectsWithCode(ask({ baseUrl, apiKey: 'k' }, fast), 'remote-unauthorized', /403.*forbidden.*check the key/);
    });
  });

  it('sends the endpoint\'s extra headers, with its API key winning over an authorization among them', async () => {
    await withScriptedServer(answerHello, async ({ baseUrl, received }) => {
      await ask({ baseUrl, apiKey: 'real-key', headers: { 'x-gateway-team': 'vision', authorization: 'Bearer stale' } }, fast);
      assert.equal(received[0].headers['x-gateway-team'], 'vision');
      assert.equal(received[0].headers.authorization, 'Bearer real-key');
      assert.equal(received[0].headers.accept, 'text/event-stream');
    });
  });

  it('accepts a server that ignores stream:true and sends the whole completion as JSON', async () => {
    const whole = json(200, { choices: [{ message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 1 } });
    await withScriptedServer(whole, async ({ baseUrl }) => {
      const events = await ask({ baseUrl }, fast);
      assert.equal(textOf(events), 'Hello');
      const done = events.at(-1);
      assert.ok(done?.type === 'done' && done.finishReason === 'stop' && done.usage?.promptTokens === 3);
    });
  });

  it('reports a vLLM-style error object sent mid-stream', async () => {
    const vllmError: Handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sseChunk({ choices: [{ delta: { content: 'a' } }] }));
      res.end(sseChunk({ object: 'error', message: 'prompt is too long', type: 'BadRequestError', code: 400 }));
    };
    await withScriptedServer(vllmError, async ({ baseUrl }) => {
      await rejectsWithCode(ask({ baseUrl }, fast), 'engine-request-failed', /reported an error while answering: prompt is too long/);
    });
  });

  it('parses an answer whose events and UTF-8 characters are split across chunks at every byte', async () => {
    const bytes = Buffer.from(sseChunk({ choices: [{ delta: { content: 'Grüße 👋' }, finish_reason: 'stop' }] }) + 'data: [DONE]\n\n', 'utf8');
    const byteByByte: Handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let offset = 0;
      const next = () => {
        if (offset >= bytes.length) return res.end();
        res.write(bytes.subarray(offset, offset + 1));
        offset += 1;
        setImmediate(next);
      };
      next();
    };
    await withScriptedServer(byteByByte, async ({ baseUrl }) => {
      const events = await ask({ baseUrl }, fast);
      assert.equal(textOf(events), 'Grüße 👋');
    });
  });
});
