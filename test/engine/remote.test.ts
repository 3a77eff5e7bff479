// The project's own llama-server started standalone with an API key (not through the supervisor),
// reached the way a team's remote server is: streaming, cancel, a wrong key, the capability probe;
// then a second server without a projector, which the probe and the guard must refuse images for.
// The tiny synthetic pair has random weights: assertions are on streaming and errors, not wording.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createHash } from 'node:crypto';
import { freePort } from '../../src/core/engine/freePort';
import { locateServer, serverEnvironment } from '../../src/core/engine/locateServer';
import { authHeaders, streamChatCompletion, type ChatStreamEvent, type OpenAiEndpoint } from '../../src/core/openai/openAiClient';
import { GlimpseError } from '../../src/core/errors';
import type { PreparedImage } from '../../src/core/images/prepare';
import { probeVision } from '../../src/core/remote/capabilityProbe';
import { validateRemoteBaseUrl } from '../../src/core/remote/remoteEndpoint';
import { assertCanSee } from '../../src/core/remote/visionGuard';
import { ensureSyntheticPair, testModelsDirectory } from '../fixtures/gguf/presets';
import { createTestImage } from '../fixtures/images';
import { isAlive } from '../fixtures/processes';

interface StandaloneServer {
  readonly child: ChildProcess;
  readonly endpoint: OpenAiEndpoint;
  readonly output: string[];
}

const remoteOptions = { connectTimeoutMs: 5_000, idleTimeoutMs: 30_000 };

async function startStandalone(modelPath: string, mmprojPath: string | undefined): Promise<StandaloneServer> {
  const binary = await locateServer();
  const port = await freePort();
  const apiKey = randomBytes(16).toString('hex');
  const args = ['-m', modelPath, ...(mmprojPath ? ['--mmproj', mmprojPath] : []), '--host', '127.0.0.1', '--port', String(port), '--api-key', apiKey, '--no-webui', '-t', '2', '-c', '2048'];
  // As the supervisor does on a CPU-only build: skip the device-fitting dry run.
  if (binary.accelerators.length === 0) args.push('--fit', 'off');
  const child = spawn(binary.path, args, { env: serverEnvironment(binary.path), stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (data: Buffer) => output.push(...data.toString('utf8').split('\n').filter(Boolean).slice(-50));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // Reached through the same validation a user's remote address goes through (loopback: http is fine).
  const baseUrl = validateRemoteBaseUrl(`http://127.0.0.1:${port}/v1/`);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`llama-server exited (${child.exitCode}):\n${output.slice(-15).join('\n')}`);
    try {
      const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return { child, endpoint: { baseUrl, apiKey }, output };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`llama-server was not healthy within 60 s:\n${output.slice(-15).join('\n')}`);
}

async function stopStandalone(server: StandaloneServer): Promise<void> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}


async function slotsBusy(endpoint: OpenAiEndpoint): Promise<boolean> {
  const response = await fetch(`${endpoint.baseUrl}/slots`, { headers: authHeaders(endpoint) });
  const slots = (await response.json()) as Array<{ is_processing: boolean }>;
  return slots.some((slot) => slot.is_processing);
}

async function pngImage(): Promise<PreparedImage> {
  const data = await createTestImage({ width: 64, height: 48, format: 'png' });
  return {
    label: 'remote-test.png', mimeType: 'image/png', data, sha256: createHash('sha256').update(data).digest('hex'),
    originalWidth: 64, originalHeight: 48, width: 64, height: 48, downscaled: false, sourceFormat: 'png',
  };
}

describe('a standalone llama-server reached as a remote endpoint (real engine, tiny-llava)', function () {
  this.timeout(120_000);
  let sees: StandaloneServer | undefined;
  let blind: StandaloneServer | undefined;
  let image: PreparedImage;

  before(async () => {
    const pair = await ensureSyntheticPair('tiny-llava', testModelsDirectory('tiny-llava'));
    image = await pngImage();
    [sees, blind] = await Promise.all([startStandalone(pair.modelPath, pair.mmprojPath), startStandalone(pair.modelPath, undefined)]);
  });

  after(async () => {
    const servers = [sees, blind].filter((server): server is StandaloneServer => server !== undefined);
    await Promise.all(servers.map(stopStandalone));
    for (const server of servers) {
      assert.ok(server.child.pid !== undefined && !isAlive(server.child.pid), `llama-server ${server.child.pid} is still running`);
    }
  });

  it('streams an answer to an image question, with the key', async () => {
    const events: ChatStreamEvent[] = [];
    for await (const event of streamChatCompletion(sees!.endpoint, [{ role: 'user', text: 'What is this?', images: [image] }], { ...remoteOptions, maxTokens: 12, temperature: 0, extraBody: { ignore_eos: true } })) {
      events.push(event);
    }
    const deltas = events.filter((event) => event.type === 'delta');
    const done = events.at(-1);
    assert.ok(deltas.length >= 2, `expected several streamed chunks, got ${deltas.length}`);
    assert.ok(done?.type === 'done');
    assert.equal(done.finishReason, 'length');
    assert.equal(done.usage?.completionTokens, 12);
    assert.ok((done.usage?.promptTokens ?? 0) > 10, 'the image took prompt tokens');
  });

  it('stops generating on cancel, long before the answer would have ended', async () => {
    const story = [{ role: 'user' as const, text: 'Write a long story.' }];
    const longAnswer = { ...remoteOptions, maxTokens: 1900, temperature: 1, extraBody: { ignore_eos: true } };
    // The tiny model is fast and -c 2048 caps the answer: first measure how long the rest of an
    // uncancelled answer takes after its 5th chunk, so the cancel below has something to beat.
    let fifthChunkAt = 0;
    let chunks = 0;
    for await (const event of streamChatCompletion(sees!.endpoint, story, longAnswer)) {
      if (event.type === 'delta' && ++chunks === 5) fifthChunkAt = Date.now();
    }
    const restOfAnswerMs = Date.now() - fifthChunkAt;

    const controller = new AbortController();
    chunks = 0;
    let cancelledAt = 0;
    await assert.rejects((async () => {
      for await (const event of streamChatCompletion(sees!.endpoint, story, longAnswer, controller.signal)) {
        if (event.type === 'delta' && ++chunks === 5) {
          assert.equal(await slotsBusy(sees!.endpoint), true, 'the slot is generating before the cancel');
          cancelledAt = Date.now();
          controller.abort();
        }
      }
    })(), (error: GlimpseError) => error.code === 'cancelled');
    const deadline = Date.now() + 5_000;
    while ((await slotsBusy(sees!.endpoint)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    const stoppedAfter = Date.now() - cancelledAt;
    assert.ok(stoppedAfter < restOfAnswerMs / 2, `generation stopped ${stoppedAfter} ms after the cancel; uncancelled, it ran ${restOfAnswerMs} ms more`);

    // Counted in tokens: random weights may pick tokens that print nothing (seen once).
    let generated = 0;
    for await (const event of streamChatCompletion(sees!.endpoint, [{ role: 'user', text: 'hi' }], { ...remoteOptions, maxTokens: 4, extraBody: { ignore_eos: true } })) {
      if (event.type === 'done') generated = event.usage?.completionTokens ?? 0;
    }
    assert.equal(generated, 4, 'the next request works');
  });

  it('refuses a wrong key with a message about the key', async () => {
    const wrongKey = { ...sees!.endpoint, apiKey: 'not-the-key' };
    await assert.rejects(async () => {
      for await (const _event of streamChatCompletion(wrongKey, [{ role: 'user', text: 'hi' }], { ...remoteOptions, maxTokens: 2 })) void _event;
    }, (error: GlimpseError) => error.code === 'remote-unauthorized' && /401.*Invalid API Key.*API key/.test(error.message));
    await assert.rejects(probeVision(wrongKey), (error: GlimpseError) => error.code === 'remote-unauthorized');
  });

  it('probes llama-server with vision', async () => {
    const probe = await probeVision(sees!.endpoint);
    assert.equal(probe.server, 'llama-server');
    assert.equal(probe.vision, true);
    assert.equal(probe.model, 'model.gguf');
    assert.equal(probe.models.length, 1);
    assert.equal(assertCanSee(probe), true);
  });

  it('probes a llama-server started without --mmproj as blind; the guard and the server refuse images', async () => {
    const probe = await probeVision(blind!.endpoint);
    assert.equal(probe.server, 'llama-server');
    assert.equal(probe.vision, false);
    assert.throws(() => assertCanSee(probe), (error: GlimpseError) =>
      error.code === 'remote-no-vision' && /"model\.gguf" on http:\/\/127\.0\.0\.1:\d+ cannot read images.*--mmproj.*Pick a vision model/.test(error.message));

    // Had the guard been skipped, the server's own refusal is reported the same way.
    await assert.rejects(async () => {
      for await (const _event of streamChatCompletion(blind!.endpoint, [{ role: 'user', text: 'What is this?', images: [image] }], { ...remoteOptions, maxTokens: 2 })) void _event;
    }, (error: GlimpseError) => error.code === 'remote-no-vision' && /image input is not supported/.test(error.message));
  });
});
