// The supervisor against the real llama-server built from node-llama-cpp's llama.cpp source, with
// the tiny synthetic pairs (random weights: the text is gibberish, so these tests assert on
// streaming, timing, process lifetime and errors, never on wording).

import assert from 'node:assert/strict';
import path from 'node:path';
import { LlamaServer, type LlamaServerConfig } from '../../src/core/engine/llamaServer';
import { authHeaders, type ChatStreamEvent } from '../../src/core/openai/openAiClient';
import { GlimpseError } from '../../src/core/errors';
import { ensureSyntheticPair, type SyntheticPresetName } from '../fixtures/gguf/presets';
import { writeBadFiles } from '../fixtures/gguf/badFiles';
import { writeTestImage } from '../fixtures/images';
import { estimateImageTokens } from '../../src/core/models/imageTokens';
import { measureImageTokens } from './imageTokenCount';
import { isAlive } from '../fixtures/processes';
import { Conversation } from '../../src/core/chat/conversation';
import { prepareImage } from '../../src/core/images/prepare';
import { imageBudgetFor } from '../../src/core/models/imageBudget';

const generated = path.resolve(__dirname, '../../../test/.generated');
const longAnswer = { maxTokens: 4000, temperature: 1, extraBody: { ignore_eos: true } };

async function pairPaths(preset: SyntheticPresetName): Promise<{ modelPath: string; mmprojPath: string }> {
  const pair = await ensureSyntheticPair(preset, path.join(generated, 'models', preset));
  return { modelPath: pair.modelPath, mmprojPath: pair.mmprojPath };
}


async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await condition()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

async function slotsBusy(server: LlamaServer): Promise<boolean> {
  const running = server.current;
  if (!running) return false;
  const response = await fetch(`${running.endpoint.baseUrl}/slots`, { headers: authHeaders(running.endpoint) });
  const slots = (await response.json()) as Array<{ is_processing: boolean }>;
  return slots.some((slot) => slot.is_processing);
}

describe('llama-server supervisor (real engine, tiny pairs)', function () {
  this.timeout(120_000);
  let image: string;
  const servers: LlamaServer[] = [];
  function server(config: LlamaServerConfig): LlamaServer {
    const created = new LlamaServer({ threads: 2, contextSize: 2048, ...config });
    servers.push(created);
    return created;
  }

  before(async () => {
    image = path.join(generated, 'images', 'engine-test.png');
    await writeTestImage(image, { width: 320, height: 240, format: 'png' });
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.dispose()));
  });

  for (const preset of ['tiny-llava', 'tiny-qwen2vl'] as const) {
    it(`${preset}: an image question streams tokens, and the image takes the tokens its projector predicts`, async () => {
      const engine = server(await pairPaths(preset));
      const { events, measured, predicted } = await measureImageTokens(engine, image, 24);
      const deltas = events.filter((e) => e.type === 'delta');
      const done = events.at(-1);
      assert.ok(deltas.length >= 2, `expected several streamed chunks, got ${deltas.length}`);
      assert.equal(done?.type, 'done');
      if (done?.type !== 'done') return;
      assert.equal(done.finishReason, 'length');
      assert.equal(done.timings?.predictedTokens, 24);
      assert.ok(predicted !== undefined && predicted > 0);
      assert.equal(measured, predicted, `image took ${measured} tokens, projector predicts ${predicted}`);
    });
  }

  it('prefill while typing: never starts the server; an image attached before typing is encoded by the prefill, not by the question', async () => {
    const engine = server(await pairPaths('tiny-qwen2vl'));
    const pair = await engine.pairInfo();
    assert.ok(pair.vision);
    const prepared = await prepareImage({ path: image }, imageBudgetFor(pair));
    const imageTokens = estimateImageTokens(pair.vision, prepared) ?? 0;
    assert.ok(imageTokens >= 32, `a ${prepared.width}×${prepared.height} image takes ${imageTokens} tokens here`);
    const conversation = new Conversation();
    const signal = new AbortController().signal;

    assert.equal(await engine.prefill(conversation.draftTurns('What is on', [prepared])!, signal), undefined);
    assert.equal(engine.current, undefined, 'typing does not start the engine');

    await engine.start();
    const states: string[] = [];
    const watching = engine.onDidChangeState((state) => states.push(state));
    const prefilled = await engine.prefill(conversation.draftTurns('What is on the', [prepared])!, signal);
    watching.dispose();
    assert.ok(prefilled && (prefilled.evaluatedTokens ?? 0) > imageTokens, `the draft evaluated ${prefilled?.evaluatedTokens} tokens`);
    assert.deepEqual(states, [], 'a prefill is not shown as an answer');

    const { pending } = conversation.followUp('What is on the screen?', [prepared], []);
    let done: ChatStreamEvent | undefined;
    for await (const event of engine.chat(pending.request, { maxTokens: 2, temperature: 0, cachePrompt: true })) done = event;
    assert.equal(done?.type, 'done');
    if (done?.type !== 'done') return;
    const evaluated = done.timings?.promptTokens ?? Infinity;
    const cached = done.timings?.cachedTokens ?? 0;
    // Without the prefill nothing would be cached on this fresh server. The question comes last
    // (after the system prompt, the image and the image kind's checklist), so all of the draft is
    // reused but its end: the turn's closing tokens after "the" (a handful in any chat template).
    const draftTokens = (prefilled.evaluatedTokens ?? 0) + (prefilled.cachedTokens ?? 0);
    assert.ok(cached >= draftTokens - 12, `${cached} tokens came from the cache; the draft had ${draftTokens}, the image alone is ${imageTokens}`);
    assert.ok(evaluated <= 20, `the question evaluated ${evaluated} of its ${evaluated + cached} tokens`);
  });

  it('stops generating within 1 s of a cancel', async () => {
    // A context far longer than the wait below, so only the cancel can end this generation early.
    const engine = server({ ...(await pairPaths('tiny-llava')), contextSize: 16384 });
    const controller = new AbortController();
    let chunks = 0;
    let cancelledAt = 0;
    await assert.rejects((async () => {
      for await (const event of engine.chat([{ role: 'user', text: 'Write a long story.' }], longAnswer, controller.signal)) {
        if (event.type === 'delta' && ++chunks === 5) {
          assert.equal(await slotsBusy(engine), true, 'the slot is generating before the cancel');
          cancelledAt = Date.now();
          controller.abort();
        }
      }
    })(), (error: GlimpseError) => error.code === 'cancelled');
    await waitFor(async () => !(await slotsBusy(engine)), 5_000);
    const stoppedAfter = Date.now() - cancelledAt;
    assert.ok(stoppedAfter < 1_000, `generation stopped ${stoppedAfter} ms after the cancel`);
    assert.equal(engine.state, 'ready');
  });

  it('reports a crash mid-answer with its signal and starts again on the next request', async () => {
    const engine = server(await pairPaths('tiny-llava'));
    let killedPid = 0;
    await assert.rejects((async () => {
      for await (const event of engine.chat([{ role: 'user', text: 'Write a long story.' }], longAnswer)) {
        if (event.type === 'delta' && killedPid === 0) {
          killedPid = engine.current!.pid;
          process.kill(killedPid, 'SIGKILL');
        }
      }
    })(), (error: GlimpseError) => error.code === 'engine-exited' && /SIGKILL/.test(error.message) && /started again/.test(error.message));
    assert.equal(engine.state, 'error');
    assert.equal(engine.lastExit?.expected, false);

    const events: ChatStreamEvent[] = [];
    for await (const event of engine.chat([{ role: 'user', text: 'Again?' }], { maxTokens: 4 })) events.push(event);
    assert.equal(events.at(-1)?.type, 'done');
    assert.notEqual(engine.current?.pid, killedPid);
  });

  it('refuses a mismatched pair before spawning anything', async () => {
    const bad = await writeBadFiles(path.join(generated, 'bad'));
    const { modelPath } = await pairPaths('tiny-llava');
    const engine = server({ modelPath, mmprojPath: bad.mismatchedMmproj });
    await assert.rejects(engine.start(), (error: GlimpseError) => error.code === 'pair-mismatch');
    assert.equal(engine.current, undefined);
    assert.equal(engine.lastExit, undefined, 'no process was started, so none exited');
    assert.equal(engine.state, 'error');
  });

  it('kills the process on dispose', async () => {
    const engine = server(await pairPaths('tiny-llava'));
    const { pid } = await engine.start();
    assert.equal(isAlive(pid), true);
    await engine.dispose();
    assert.equal(isAlive(pid), false);
    assert.equal(engine.lastExit?.expected, true);
  });
});
