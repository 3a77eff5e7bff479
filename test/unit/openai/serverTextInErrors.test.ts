// What a server's own text becomes in Glimpse's errors: credentials redacted from the message and
// from the log's detail (a 401 that echoes the request's Authorization header), long text cut
// with an ellipsis, a 2 MB error message shown cut rather than lost (as an SSE data line, an
// older llama-server's "error:" line, an `event: error`, or a JSON error body), compressed and
// malformed answers named for what they are.

import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import type { GlimpseError } from '../../../src/core/errors';
import { maxQuotedChars } from '../../../src/core/openai/serverText';
import { answerHello, ask, assertStillWorks, json, sseChunk, textOf, withScriptedServer, type Handler } from '../remote/scriptedServer';
import { rejectsWithCode } from '../../fixtures/glimpseErrors';

const fast = { connectTimeoutMs: 1_000, idleTimeoutMs: 2_000 };
const apiKey = 'glimpse-test-key-5f2a9c81d0';
const twoMegabytes = 2 * 1024 * 1024;

/** A GlimpseError's message and detail together: everything that is shown or logged. */
function shownAndLogged(error: GlimpseError): string {
  return `${error.message}\n${error.detail ?? ''}`;
}

function eventStream(body: string): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(body);
  };
}

describe('server text in errors: credentials', () => {
  it('a 401 that echoes the request\'s Authorization header shows and logs no key', async () => {
    const echo: Handler = (req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `Invalid API key. Request headers: {"authorization": "${req.headers.authorization}", "host": "${req.headers.host}"}; key tried: ${apiKey}` } }));
    };
    await withScriptedServer(echo, async ({ baseUrl }) => {
      const error = await rejectsWithCode(ask({ baseUrl, apiKey }, fast), 'remote-unauthorized',
        /answered 401 Unauthorized: "Invalid API key\. Request headers: \{"authorization": "Bearer \[redacted\]", "host": "127\.0\.0\.1:\d+"\}; key tried: \[redacted\]"\. The server refused the API key/);
      assert.doesNotMatch(shownAndLogged(error), new RegExp(apiKey));
      assert.match(error.detail ?? '', /^The server's answer \(credentials redacted\): \{"error"/);
    });
  });

  it('redacts a gateway header\'s secret, sk- keys and api_key fields it did not send, in a 500 and in an error event', async () => {
    const gatewayToken = 'gw-token-0c9d8e7f6a5b4c3d';
    const leaky = `upstream refused: api_key=abc123secret, "api_key": "def456secret", Authorization: Basic dXNlcjpwYXNz, key sk-proj-AAAABBBBCCCCDDDDEEEE1234, gateway ${gatewayToken}`;
    const endpoint = (baseUrl: string) => ({ baseUrl, apiKey, headers: { 'x-gateway-token': gatewayToken } });
    await withScriptedServer(json(500, { error: { message: leaky } }), async ({ baseUrl }) => {
      const error = await rejectsWithCode(ask(endpoint(baseUrl), fast), 'remote-server-error');
      assert.match(error.message, /api_key=\[redacted\], "api_key": "\[redacted\]", Authorization: Basic \[redacted\], key \[redacted\], gateway \[redacted\]/);
      for (const secret of ['abc123secret', 'def456secret', 'dXNlcjpwYXNz', 'sk-proj-', gatewayToken]) assert.ok(!shownAndLogged(error).includes(secret), secret);
    });
    await withScriptedServer(eventStream(sseChunk({ error: { message: leaky } })), async ({ baseUrl }) => {
      const error = await rejectsWithCode(ask(endpoint(baseUrl), fast), 'engine-request-failed', /reported an error while answering: upstream refused: api_key=\[redacted\]/);
      for (const secret of ['abc123secret', 'def456secret', 'dXNlcjpwYXNz', 'sk-proj-', gatewayToken]) assert.ok(!shownAndLogged(error).includes(secret), secret);
    });
  });

  it('redacts the key from a chunk that is not JSON, and from an HTML page', async () => {
    await withScriptedServer(eventStream(`data: <oops> Bearer ${apiKey}\n\n`), async ({ baseUrl }) => {
      const error = await rejectsWithCode(ask({ baseUrl, apiKey }, fast), 'remote-bad-response', /not a JSON object \(<oops> Bearer \[redacted\]\)/);
      assert.doesNotMatch(shownAndLogged(error), new RegExp(apiKey));
    });
    const page: Handler = (_req, res) => {
      res.writeHead(403, { 'content-type': 'text/html' });
      res.end(`<html><body><h1>Forbidden</h1><p>token ${apiKey} is not allowed</p></body></html>`);
    };
    await withScriptedServer(page, async ({ baseUrl }) => {
      const error = await rejectsWithCode(ask({ baseUrl, apiKey }, fast), 'remote-unauthorized', /"Forbidden token \[redacted\] is not allowed"/);
      assert.doesNotMatch(shownAndLogged(error), new RegExp(apiKey));
    });
  });
});

describe('server text in errors: length', () => {
  it('cuts a long error message to 500 characters with an ellipsis, and caps the log\'s copy', async () => {
    const long = `The model failed: ${'detail '.repeat(3_000)}end`;
    await withScriptedServer(json(500, { error: { message: long } }), async ({ baseUrl }) => {
      const error = await rejectsWithCode(ask({ baseUrl }, fast), 'remote-server-error');
      const quoted = /: "(.*)"\. The server failed/.exec(error.message)?.[1] ?? '';
      assert.equal(quoted.length, maxQuotedChars);
      assert.ok(quoted.startsWith('The model failed: detail detail') && quoted.endsWith('…'), quoted);
      assert.ok((error.detail ?? '').length < 4_300, `detail of ${error.detail?.length} characters`);
      assert.match(error.detail ?? '', /… \(cut to 4096 of the [\d,]+ characters received\)$/);
    });
  });

  it('shows a 2 MB message in an SSE data line cut, not empty and not whole', async () => {
    const message = `CUDA error: out of memory ${'m'.repeat(twoMegabytes)}`;
    await withScriptedServer([eventStream(sseChunk({ error: { code: 500, message, type: 'server_error' } })), answerHello], async ({ baseUrl }) => {
      const error = await rejectsWithCode(ask({ baseUrl }, fast), 'engine-request-failed',
        /^The server at http:\/\/127\.0\.0\.1:\d+ reported an error while answering: CUDA error: out of memory m+… \(the server's message was over 1 MiB: only its start is shown\)\. Try again/);
      assert.ok(error.message.length < 1_000, `a message of ${error.message.length} characters`);
      await assertStillWorks({ baseUrl }, fast);
    });
  });

  it('shows a 2 MB message in an older llama-server\'s "error:" line, and in an `event: error`', async () => {
    const message = `failed to decode the image ${'e'.repeat(twoMegabytes)}`;
    for (const body of [`error: ${JSON.stringify({ code: 500, message, type: 'server_error' })}\n\n`, `event: error\ndata: ${JSON.stringify({ message })}\n\n`]) {
      await withScriptedServer(eventStream(body), async ({ baseUrl }) => {
        const error = await rejectsWithCode(ask({ baseUrl }, fast), 'engine-request-failed', /reported an error while answering: failed to decode the image e+… \(the server's message was over 1 MiB/);
        assert.ok(error.message.length < 1_000);
      });
    }
  });

  it('reports small error events of both kinds with their whole message', async () => {
    for (const body of ['error: {"code":500,"message":"slot unavailable","type":"server_error"}\n\n', 'event: error\ndata: model crashed\n\n']) {
      await withScriptedServer(eventStream(`${sseChunk({ choices: [{ delta: { content: 'a' } }] })}${body}`), async ({ baseUrl }) => {
        await rejectsWithCode(ask({ baseUrl }, fast), 'engine-request-failed', /reported an error while answering: (slot unavailable|model crashed)\. Try again/);
      });
    }
  });

  it('shows a 2 MB message in a JSON error body, read only up to its limit', async () => {
    const message = `prompt too long ${'p'.repeat(twoMegabytes)}`;
    await withScriptedServer(json(500, { error: { message } }), async ({ baseUrl }) => {
      const error = await rejectsWithCode(ask({ baseUrl }, fast), 'remote-server-error', /answered 500 Internal Server Error: "prompt too long p+…"\. The server failed/);
      assert.ok(error.message.length < 1_000);
      assert.doesNotMatch(error.message, /\{"error"/, 'the message, not the JSON around it');
    });
  });

  it('shows the message of a JSON error that starts with a long run of spaces', async () => {
    await withScriptedServer(json(500, { error: { message: `${' '.repeat(70_000)}the real reason` } }), async ({ baseUrl }) => {
      await rejectsWithCode(ask({ baseUrl }, fast), 'remote-server-error', /answered 500 Internal Server Error: "the real reason"/);
    });
  });

  it('says a server reported an error without a message when it sent an empty one', async () => {
    await withScriptedServer(eventStream(sseChunk({ error: { message: '' } })), async ({ baseUrl }) => {
      await rejectsWithCode(ask({ baseUrl }, fast), 'engine-request-failed', /reported an error while answering, without saying what went wrong\. Try again/);
    });
  });
});

describe('server text in errors: encodings', () => {
  const answer = `${sseChunk({ choices: [{ delta: { content: 'Hello' }, finish_reason: 'stop' }] })}data: [DONE]\n\n`;
  for (const [encoding, compress] of [['gzip', zlib.gzipSync], ['deflate', zlib.deflateSync], ['br', zlib.brotliCompressSync]] as const) {
    it(`refuses a ${encoding}-encoded stream naming the encoding (it asked for identity), then the next chat works`, async () => {
      const compressed: Handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': encoding });
        res.end(compress(Buffer.from(answer)));
      };
      await withScriptedServer([compressed, answerHello], async ({ baseUrl, received }) => {
        await rejectsWithCode(ask({ baseUrl }, fast), 'remote-bad-response',
          new RegExp(`sent its answer compressed \\(Content-Encoding: ${encoding}\\), although Glimpse asked for it uncompressed \\(Accept-Encoding: identity\\); Glimpse does not decode compressed answers`));
        assert.equal(received[0].headers['accept-encoding'], 'identity');
        await assertStillWorks({ baseUrl }, fast);
      });
    });
  }

  it('reports a compressed 401 by its status, and accepts a stream marked identity', async () => {
    const refused: Handler = (_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(zlib.gzipSync('{"error":{"message":"bad key"}}'));
    };
    await withScriptedServer(refused, async ({ baseUrl }) => {
      await rejectsWithCode(ask({ baseUrl, apiKey }, fast), 'remote-unauthorized', /answered 401 Unauthorized\. The server refused the API key/);
    });
    const identity: Handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'identity' });
      res.end(answer);
    };
    await withScriptedServer(identity, async ({ baseUrl }) => {
      assert.equal(textOf(await ask({ baseUrl }, fast)), 'Hello');
    });
  });

  it('decodes invalid UTF-8 in a delta as U+FFFD instead of failing', async () => {
    const invalid: Handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(Buffer.concat([Buffer.from('data: {"choices":[{"delta":{"content":"a'), Buffer.from([0xff, 0xc3]), Buffer.from('b"},"finish_reason":"stop"}]}\n\n')]));
      res.end('data: [DONE]\n\n');
    };
    await withScriptedServer(invalid, async ({ baseUrl }) => {
      assert.equal(textOf(await ask({ baseUrl }, fast)), 'a\uFFFD\uFFFDb');
    });
  });
});
