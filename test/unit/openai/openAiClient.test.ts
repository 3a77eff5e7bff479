// The streaming client against a scripted HTTP server on 127.0.0.1: what reaches the server, how
// the stream is read, and how each failure is reported.

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { streamChatCompletion, toOpenAiMessages, type ChatStreamEvent } from '../../../src/core/openai/openAiClient';
import { freePort } from '../../../src/core/engine/freePort';
import type { PreparedImage } from '../../../src/core/images/prepare';
import { rejectsWithCode } from '../../fixtures/glimpseErrors';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

async function withServer(handler: Handler, run: (baseUrl: string) => Promise<void>): Promise<void> {
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => handler(req, res, body));
  });
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}

function chunk(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

async function collect(events: AsyncIterable<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const all: ChatStreamEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}


const image: PreparedImage = {
  label: 'x.png', mimeType: 'image/png', data: Buffer.from([1, 2, 3]), sha256: 'abc',
  originalWidth: 1, originalHeight: 1, width: 1, height: 1, downscaled: false, sourceFormat: 'png',
};

describe('openAiClient', () => {
  it('puts images before the text in a user message, as data URIs', () => {
    const [message] = toOpenAiMessages([{ role: 'user', text: 'what is it?', images: [image] }]);
    assert.deepEqual(message.content, [
      { type: 'image_url', image_url: { url: 'data:image/png;base64,AQID' } },
      { type: 'text', text: 'what is it?' },
    ]);
  });

  it('streams deltas, then one done event with usage and llama-server timings; sends key and options', async () => {
    let seen: { auth?: string; body?: any } = {};
    await withServer((req, res, body) => {
      seen = { auth: req.headers.authorization, body: JSON.parse(body) };
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': ping\n\n');
      res.write(chunk({ choices: [{ delta: { content: 'Hel' } }] }));
      res.write(chunk({ choices: [{ delta: { content: 'lo' }, finish_reason: 'stop' }] }).slice(0, 10));
      setTimeout(() => {
        res.write(chunk({ choices: [{ delta: { content: 'lo' }, finish_reason: 'stop' }] }).slice(10));
        res.write(chunk({ choices: [], usage: { prompt_tokens: 30, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 20 } },
          timings: { cache_n: 20, prompt_n: 10, prompt_ms: 5, prompt_per_second: 2000, predicted_n: 2, predicted_ms: 4, predicted_per_second: 500 } }));
        res.end('data: [DONE]\n\n');
      }, 20);
    }, async (baseUrl) => {
      const events = await collect(streamChatCompletion({ baseUrl, apiKey: 'k1' }, [{ role: 'user', text: 'hi' }], { maxTokens: 7, cachePrompt: true, slotId: 0 }));
      assert.deepEqual(events.filter((e) => e.type === 'delta').map((e) => (e as { text: string }).text), ['Hel', 'lo']);
      const done = events.at(-1);
      assert.equal(done?.type, 'done');
      if (done?.type !== 'done') return;
      assert.equal(done.finishReason, 'stop');
      assert.equal(done.usage?.cachedTokens, 20);
      assert.equal(done.timings?.cachedTokens, 20);
      assert.equal(done.timings?.predictedPerSecond, 500);
      assert.equal(seen.auth, 'Bearer k1');
      assert.equal(seen.body.stream, true);
      assert.equal(seen.body.max_tokens, 7);
      assert.equal(seen.body.cache_prompt, true);
      assert.equal(seen.body.id_slot, 0);
    });
  });

  it('reports 401 with a hint about the API key', async () => {
    await withServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Invalid API Key' } }));
    }, async (baseUrl) => {
      await rejectsWithCode(collect(streamChatCompletion({ baseUrl, apiKey: 'wrong' }, [{ role: 'user', text: 'hi' }], {})), 'remote-unauthorized', /401.*Invalid API Key.*API key/);
    });
  });

  it('reports an error object sent in the middle of the stream', async () => {
    await withServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk({ choices: [{ delta: { content: 'a' } }] }));
      res.end(chunk({ error: { message: 'context size exceeded' } }));
    }, async (baseUrl) => {
      await rejectsWithCode(collect(streamChatCompletion({ baseUrl }, [{ role: 'user', text: 'hi' }], {})), 'engine-request-failed', /context size exceeded/);
    });
  });

  it('reports a connection cut mid-stream, not a normal end', async () => {
    await withServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk({ choices: [{ delta: { content: 'a' } }] }));
      setTimeout(() => res.socket?.destroy(), 20);
    }, async (baseUrl) => {
      await rejectsWithCode(collect(streamChatCompletion({ baseUrl }, [{ role: 'user', text: 'hi' }], {})), 'engine-request-failed');
    });
  });

  it('turns an abort into a cancelled error and closes the connection', async () => {
    let closed = false;
    await withServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const timer = setInterval(() => res.write(chunk({ choices: [{ delta: { content: 'x' } }] })), 10);
      res.on('close', () => {
        closed = true;
        clearInterval(timer);
      });
    }, async (baseUrl) => {
      const controller = new AbortController();
      const received: string[] = [];
      const run = (async () => {
        for await (const event of streamChatCompletion({ baseUrl }, [{ role: 'user', text: 'hi' }], {}, controller.signal)) {
          if (event.type === 'delta') received.push(event.text);
          if (received.length === 3) controller.abort();
        }
      })();
      await rejectsWithCode(run, 'cancelled');
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(received.length, 3);
      assert.ok(closed, 'the server saw the connection close');
    });
  });

  it('reports a refused connection naming the address', async () => {
    const port = await freePort();
    await rejectsWithCode(collect(streamChatCompletion({ baseUrl: `http://127.0.0.1:${port}` }, [{ role: 'user', text: 'hi' }], {})), 'engine-request-failed', new RegExp(`127\\.0\\.0\\.1:${port}.*ECONNREFUSED`));
  });
});
