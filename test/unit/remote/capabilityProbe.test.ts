// The capability probe against fake llama-server, Ollama and vLLM servers and one that knows none of
// the probes; and the guard that refuses images for a model that cannot see them.

import assert from 'node:assert/strict';
import { freePort } from '../../../src/core/engine/freePort';
import { GlimpseError } from '../../../src/core/errors';
import { probeVision, type VisionProbe } from '../../../src/core/remote/capabilityProbe';
import { assertCanSee } from '../../../src/core/remote/visionGuard';
import { answerHello, assertStillWorks, json, withScriptedServer, type Handler } from './scriptedServer';
import { rejectsWithCode } from '../../fixtures/glimpseErrors';

type Routes = Record<string, Handler>;

/** Answers `METHOD /path` from the table, anything else with `fallback` (404 by default). */
function router(routes: Routes, fallback: Handler = json(404, { error: { code: 404, message: 'File Not Found', type: 'not_found_error' } })): Handler {
  return (req, res, body) => (routes[`${req.method} ${req.url}`] ?? fallback)(req, res, body);
}

function requireKey(key: string, handler: Handler): Handler {
  return (req, res, body) =>
    req.headers.authorization === `Bearer ${key}` ? handler(req, res, body) : json(401, { error: { code: 401, message: 'Invalid API Key', type: 'authentication_error' } })(req, res, body);
}

function fakeLlamaServer(vision: boolean | undefined): Handler {
  const props: Record<string, unknown> = { default_generation_settings: { n_ctx: 2048 }, model_path: '/models/tiny-llava.gguf', total_slots: 1 };
  if (vision !== undefined) props.modalities = { vision, audio: false };
  return requireKey('k', router({
    'GET /props': json(200, props),
    'GET /v1/models': json(200, { object: 'list', data: [{ id: 'tiny-llava.gguf', object: 'model', owned_by: 'llamacpp' }] }),
  }));
}

const ollamaModels: Record<string, string[]> = { 'llava:7b': ['completion', 'vision'], 'llama3:8b': ['completion', 'tools'] };
const fakeOllama: Handler = router({
  'POST /api/show': (req, res, body) => {
    const model = JSON.parse(body).model as string;
    const capabilities = ollamaModels[model];
    if (!capabilities) return json(404, { error: `model '${model}' not found` })(req, res, body);
    json(200, { modelfile: '# Modelfile', details: { family: 'llama' }, capabilities })(req, res, body);
  },
  'GET /api/tags': json(200, { models: Object.keys(ollamaModels).map((name) => ({ name, model: name })) }),
  'GET /v1/models': json(200, { object: 'list', data: Object.keys(ollamaModels).map((id) => ({ id, object: 'model', owned_by: 'library' })) }),
}, (_req, res) => {
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('404 page not found');
});

const fakeVllm: Handler = router({
  'GET /v1/models': json(200, { object: 'list', data: [{ id: 'Qwen/Qwen2-VL-7B-Instruct', object: 'model', owned_by: 'vllm', max_model_len: 32768 }] }),
}, json(404, { detail: 'Not Found' }));

describe('capability probe', () => {
  it('reads vision from llama-server\'s /props, sending the API key', async () => {
    await withScriptedServer(fakeLlamaServer(true), async ({ baseUrl, received }) => {
      const probe = await probeVision({ baseUrl, apiKey: 'k' });
      assert.equal(probe.server, 'llama-server');
      assert.equal(probe.vision, true);
      assert.equal(probe.model, 'tiny-llava.gguf');
      assert.deepEqual(probe.models, ['tiny-llava.gguf']);
      assert.equal(received[0].url, '/props');
      assert.ok(received.every((request) => request.headers.authorization === 'Bearer k'));
    });
  });

  it('says vision false for a llama-server without a projector, and the guard refuses images naming the model', async () => {
    await withScriptedServer(fakeLlamaServer(false), async ({ baseUrl }) => {
      const probe = await probeVision({ baseUrl, apiKey: 'k' });
      assert.equal(probe.server, 'llama-server');
      assert.equal(probe.vision, false);
      assert.match(probe.detail, /without a projector \(--mmproj\)/);
      const error = assertThrows(() => assertCanSee(probe), 'remote-no-vision');
      assert.match(error.message, /"tiny-llava\.gguf" on http:\/\/127\.0\.0\.1:\d+ cannot read images.*Pick a vision model.*override the check/);
    });
  });

  it('says unknown for an old llama-server whose /props has no modalities', async () => {
    await withScriptedServer(fakeLlamaServer(undefined), async ({ baseUrl }) => {
      const probe = await probeVision({ baseUrl, apiKey: 'k' });
      assert.equal(probe.server, 'llama-server');
      assert.equal(probe.vision, 'unknown');
    });
  });

  it('reports a refused key as remote-unauthorized instead of guessing', async () => {
    await withScriptedServer(fakeLlamaServer(true), async ({ baseUrl }) => {
      await rejectsWithCode(probeVision({ baseUrl, apiKey: 'wrong' }), 'remote-unauthorized', /401.*Invalid API Key.*check the key/);
    });
  });

  it('reads Ollama\'s capabilities from /api/show for the named model', async () => {
    await withScriptedServer(fakeOllama, async ({ baseUrl, received }) => {
      const sees = await probeVision({ baseUrl }, 'llava:7b');
      assert.deepEqual({ server: sees.server, vision: sees.vision, model: sees.model }, { server: 'ollama', vision: true, model: 'llava:7b' });
      assert.deepEqual(sees.models, ['llava:7b', 'llama3:8b']);
      const show = received.find((request) => request.url === '/api/show');
      assert.deepEqual(JSON.parse(show!.body), { model: 'llava:7b' });

      const blind = await probeVision({ baseUrl }, 'llama3:8b');
      assert.equal(blind.vision, false);
      assert.match(blind.detail, /capabilities: completion, tools/);
      assert.throws(() => assertCanSee(blind), (error: GlimpseError) => error.code === 'remote-no-vision' && /"llama3:8b"/.test(error.message));
    });
  });

  it('recognises Ollama without the model, and lists what it has', async () => {
    await withScriptedServer(fakeOllama, async ({ baseUrl }) => {
      const probe = await probeVision({ baseUrl }, 'bakllava');
      assert.equal(probe.server, 'ollama');
      assert.equal(probe.vision, 'unknown');
      assert.match(probe.detail, /does not have "bakllava".*llava:7b, llama3:8b/);
    });
  });

  it('recognises vLLM by owned_by in /v1/models; vision unknown', async () => {
    await withScriptedServer(fakeVllm, async ({ baseUrl }) => {
      const probe = await probeVision({ baseUrl }, 'Qwen/Qwen2-VL-7B-Instruct');
      assert.equal(probe.server, 'vllm');
      assert.equal(probe.vision, 'unknown');
      assert.deepEqual(probe.models, ['Qwen/Qwen2-VL-7B-Instruct']);
      assert.match(probe.detail, /serves "Qwen\/Qwen2-VL-7B-Instruct"/);
      assert.equal(assertCanSee(probe), 'unknown', 'unknown does not block images');
    });
  });

  it('says when the model asked for is not among those a server lists', async () => {
    await withScriptedServer(fakeVllm, async ({ baseUrl }) => {
      const probe = await probeVision({ baseUrl }, 'gpt-4o');
      assert.match(probe.detail, /does not list "gpt-4o"; it lists Qwen\/Qwen2-VL-7B-Instruct/);
    });
  });

  it('does not throw for a server that answers 404 everywhere: openai-compatible, unknown', async () => {
    await withScriptedServer([json(404, { error: 'not here' }), json(404, { error: 'not here' }), json(404, { error: 'not here' }), answerHello], async ({ baseUrl, received }) => {
      const probe = await probeVision({ baseUrl }, 'some-model');
      assert.deepEqual({ server: probe.server, vision: probe.vision, models: probe.models }, { server: 'openai-compatible', vision: 'unknown', models: [] });
      assert.deepEqual(received.map((request) => `${request.method} ${request.url}`), ['GET /props', 'POST /api/show', 'GET /v1/models']);
      await assertStillWorks({ baseUrl });
    });
  });

  it('skips a probe path that never answers and goes on to the next one', async () => {
    const hangingProps = router({ 'GET /props': () => undefined, 'GET /v1/models': json(200, { data: [{ id: 'm', owned_by: 'vllm' }] }) });
    await withScriptedServer(hangingProps, async ({ baseUrl }) => {
      const started = Date.now();
      const probe = await probeVision({ baseUrl }, undefined, undefined, { answerTimeoutMs: 300 });
      assert.equal(probe.server, 'vllm');
      assert.ok(Date.now() - started < 2_000);
    });
  });

  it('notes a server error on a probe path in the detail', async () => {
    await withScriptedServer(router({ 'GET /props': json(503, { error: { message: 'Loading model' } }) }), async ({ baseUrl }) => {
      const probe = await probeVision({ baseUrl });
      assert.equal(probe.vision, 'unknown');
      assert.match(probe.detail, /\/props answered 503 \(Loading model\)/);
    });
  });

  it('reports a server that is not there', async () => {
    const port = await freePort();
    await rejectsWithCode(probeVision({ baseUrl: `http://127.0.0.1:${port}` }), 'engine-request-failed', /ECONNREFUSED/);
  });
});

describe('assertCanSee', () => {
  const blind: VisionProbe = { vision: false, server: 'openai-compatible', models: ['m'], model: 'm', baseUrl: 'https://s', detail: 'x.' };
  const unknown: VisionProbe = { ...blind, vision: 'unknown' };

  it('lets an override for the model win over the probe, both ways', () => {
    assert.equal(assertCanSee(blind, { m: true }), true);
    assertThrows(() => assertCanSee(unknown, { m: false }), 'remote-no-vision');
    assert.equal(assertCanSee(unknown, { other: false }), 'unknown', 'an override for another model does not apply');
    assertThrows(() => assertCanSee(blind, { other: true }), 'remote-no-vision');
  });

  it('does not treat inherited object keys as overrides', () => {
    const probe: VisionProbe = { ...blind, model: 'constructor' };
    assertThrows(() => assertCanSee(probe, {}), 'remote-no-vision');
  });
});

function assertThrows(run: () => unknown, code: string): GlimpseError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof GlimpseError);
    assert.equal(error.code, code);
    return error;
  }
  assert.fail(`expected ${code}`);
}
