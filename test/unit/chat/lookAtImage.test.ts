// lookAtImage with a fake engine over a real workspace folder: the answer is the streamed text, the
// model is sent the image prepared at its budget with the agent's (or a default) question, a blind
// model or a path outside the workspace is refused before anything is sent, and an abort keeps the
// text that had arrived (or is 'cancelled' when none had). Also the tool's text built from a result.

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { agentDefaultQuestion, lookAtImage, lookAtImageToolText, type LookAtImageResult } from '../../../src/core/chat/lookAtImage';
import type { ChatEngine, EngineDescription } from '../../../src/core/engine/chatEngine';
import { GlimpseError } from '../../../src/core/errors';
import type { PreparedImage } from '../../../src/core/images/prepare';
import type { ChatCompletionOptions, ChatStreamEvent } from '../../../src/core/openai/openAiClient';
import type { ChatTurn } from '../../../src/core/openai/turn';
import { rejectsWith } from '../../fixtures/glimpseErrors';

/**
 * Answers with `deltas`, one per tick; after the delta at index `abortAfter` it aborts `controller`
 * and then, like the real client, ends with a 'cancelled' error. Records what it was asked.
 */
class FakeEngine implements ChatEngine {
  readonly chats: Array<{ turns: readonly ChatTurn[]; options: ChatCompletionOptions }> = [];
  describeCalls = 0;
  readyCalls = 0;

  constructor(
    private readonly deltas: readonly string[],
    private readonly description: Partial<EngineDescription> = {},
    private readonly abort?: { readonly controller: AbortController; readonly after: number },
  ) {}

  async describe(): Promise<EngineDescription> {
    this.describeCalls++;
    return { modelLabel: 'SmolVLM 500M', vision: true, imageBudget: { maxLongSide: 32 }, ...this.description };
  }

  async ensureReady(): Promise<void> {
    this.readyCalls++;
  }

  async *chat(turns: readonly ChatTurn[], options: ChatCompletionOptions, signal?: AbortSignal): AsyncGenerator<ChatStreamEvent> {
    this.chats.push({ turns, options });
    for (const [index, text] of this.deltas.entries()) {
      await new Promise((resolve) => setImmediate(resolve));
      if (signal?.aborted) throw new GlimpseError('cancelled', 'The request was cancelled.');
      yield { type: 'delta', text };
      if (this.abort && index === this.abort.after) this.abort.controller.abort();
    }
    yield { type: 'done', finishReason: 'stop' };
  }
}

const options: ChatCompletionOptions = { maxTokens: 256, temperature: 0.2 };

describe('lookAtImage', () => {
  let root: string;

  before(async () => {
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'glimpse-look-at-image-')));
    await fs.mkdir(path.join(root, 'src'));
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#336' } }).png().toBuffer();
    await fs.writeFile(path.join(root, 'src', 'a.png'), png);
  });
  after(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('answers with the streamed deltas joined, naming the image and the model', async () => {
    const engine = new FakeEngine(['A login ', 'form with ', 'an error.']);
    const result = await lookAtImage(engine, { path: 'src/a.png', roots: [root] }, options);
    assert.equal(result.answer, 'A login form with an error.');
    assert.equal(result.relativePath, 'src/a.png');
    assert.equal(result.modelLabel, 'SmolVLM 500M');
    assert.equal(result.stopped, false);
    assert.deepEqual(engine.chats[0].options, options);
  });

  it("sends the model the PNG prepared at its budget, the one the result reports", async () => {
    const engine = new FakeEngine(['ok']);
    const result = await lookAtImage(engine, { path: 'src/a.png', roots: [root] }, options);
    const sent = engine.chats[0].turns.find((turn) => turn.images)?.images ?? [];
    assert.equal(sent.length, 1);
    assert.equal(sent[0], result.image);
    assert.equal(sent[0].mimeType, 'image/png');
    assert.deepEqual([sent[0].width, sent[0].height, sent[0].originalWidth, sent[0].originalHeight], [32, 24, 64, 48]);
    const decoded = await sharp(sent[0].data).metadata();
    assert.deepEqual([decoded.format, decoded.width, decoded.height], ['png', 32, 24]);
  });

  it("asks the agent's question, or the default one when none is given", async () => {
    const asked = new FakeEngine(['ok']);
    await lookAtImage(asked, { path: 'src/a.png', question: 'Which button is disabled?', roots: [root] }, options);
    assert.ok(userText(asked).endsWith('Which button is disabled?'), userText(asked));
    const unasked = new FakeEngine(['ok']);
    await lookAtImage(unasked, { path: 'src/a.png', question: '  ', roots: [root] }, options);
    assert.ok(userText(unasked).endsWith(agentDefaultQuestion), userText(unasked));
  });

  it('refuses a blind model before any chat, with model-no-vision', async () => {
    const engine = new FakeEngine(['never'], { vision: false });
    await assert.rejects(lookAtImage(engine, { path: 'src/a.png', roots: [root] }, options), rejectsWith('model-no-vision', 'SmolVLM 500M cannot see images'));
    assert.equal(engine.chats.length, 0);
  });

  it('refuses a path outside the workspace before asking the engine anything', async () => {
    const engine = new FakeEngine(['never']);
    await assert.rejects(lookAtImage(engine, { path: '../a.png', roots: [root] }, options), rejectsWith('image-outside-workspace'));
    assert.equal(engine.describeCalls, 0);
    assert.equal(engine.chats.length, 0);
  });

  it('returns the text so far, stopped, when aborted mid-answer', async () => {
    const controller = new AbortController();
    const engine = new FakeEngine(['First ', 'part. ', 'Never sent.'], {}, { controller, after: 1 });
    const result = await lookAtImage(engine, { path: 'src/a.png', roots: [root] }, options, controller.signal);
    assert.equal(result.stopped, true);
    assert.equal(result.answer, 'First part. ');
  });

  it('stops reading at the abort even from an engine that ignores the signal', async () => {
    const controller = new AbortController();
    const engine = new FakeEngine(['First ', 'part. ', 'Never sent.'], {}, { controller, after: 0 });
    engine.chat = async function* (): AsyncGenerator<ChatStreamEvent> {
      yield { type: 'delta', text: 'First ' };
      controller.abort();
      yield { type: 'delta', text: 'ignored.' };
      yield { type: 'done', finishReason: 'stop' };
    };
    const result = await lookAtImage(engine, { path: 'src/a.png', roots: [root] }, options, controller.signal);
    assert.deepEqual([result.answer, result.stopped], ['First ', true]);
  });

  it("throws 'cancelled' when aborted before any text arrived", async () => {
    const controller = new AbortController();
    const engine = new FakeEngine([]);
    engine.chat = async function* (_turns, _options, signal): AsyncGenerator<ChatStreamEvent> {
      controller.abort();
      if (signal?.aborted) throw new GlimpseError('cancelled', 'The request was cancelled.');
      yield { type: 'delta', text: 'never' };
    };
    await assert.rejects(lookAtImage(engine, { path: 'src/a.png', roots: [root] }, options, controller.signal), rejectsWith('cancelled'));
  });

  it("throws 'cancelled' when the answer ends quietly at an abort with only whitespace", async () => {
    const controller = new AbortController();
    const engine = new FakeEngine([]);
    engine.chat = async function* (): AsyncGenerator<ChatStreamEvent> {
      yield { type: 'delta', text: ' ' };
      controller.abort();
    };
    await assert.rejects(lookAtImage(engine, { path: 'src/a.png', roots: [root] }, options, controller.signal), rejectsWith('cancelled', 'Glimpse stopped looking at the image.'));
  });

  it("throws 'cancelled' at once for a signal already aborted, asking the engine nothing", async () => {
    const engine = new FakeEngine(['never']);
    await assert.rejects(lookAtImage(engine, { path: 'src/a.png', roots: [root] }, options, AbortSignal.abort()), rejectsWith('cancelled'));
    assert.equal(engine.describeCalls, 0);
  });

  it('fails with engine-request-failed when the model answers nothing', async () => {
    const engine = new FakeEngine(['', '  \n']);
    await assert.rejects(lookAtImage(engine, { path: 'src/a.png', roots: [root] }, options), rejectsWith('engine-request-failed', 'SmolVLM 500M answered nothing about src/a.png'));
  });
});

describe('lookAtImageToolText', () => {
  const image = (width: number, height: number, originalWidth: number, originalHeight: number): PreparedImage => ({
    label: 'a.png', mimeType: 'image/png', data: Buffer.alloc(0), sha256: '', originalWidth, originalHeight, width, height,
    downscaled: width < originalWidth, sourceFormat: 'png',
  });
  const result = (overrides: Partial<LookAtImageResult>): LookAtImageResult => ({
    answer: 'A login form.', image: image(1024, 576, 1920, 1080), relativePath: 'src/a.png', modelLabel: 'SmolVLM 500M', stopped: false, ...overrides,
  });

  it('names the image, the size seen of the size it has, and the model, then the answer', () => {
    assert.equal(lookAtImageToolText(result({})), 'Glimpse looked at src/a.png (seen at 1024×576 of 1920×1080) with SmolVLM 500M:\n\nA login form.');
  });

  it('says an image was seen at its full size when it was not scaled', () => {
    assert.match(lookAtImageToolText(result({ image: image(64, 48, 64, 48) })), /^Glimpse looked at src\/a\.png \(seen at its full size, 64×48\) with SmolVLM 500M:\n/);
  });

  it('says at the end that a stopped answer is incomplete', () => {
    const text = lookAtImageToolText(result({ answer: 'A login', stopped: true }));
    assert.match(text, /\n\nA login\n\n\(Stopped before the answer was complete[^\n]*\)$/);
    assert.doesNotMatch(lookAtImageToolText(result({})), /Stopped/);
  });
});

/** The text of the user turn the engine was sent first. */
function userText(engine: FakeEngine): string {
  return engine.chats[0].turns.find((turn) => turn.role === 'user')?.text ?? '';
}
