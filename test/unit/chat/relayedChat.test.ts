// A chat driven by another chat UI (relayChat): how the relayed messages become turns (roles
// merged, system first, images on user turns), what is refused before anything starts (a blind
// model with images, a bad image, an empty request), that the engine's events come through as
// they are, and the prepared-image cache that keeps a re-sent image's bytes identical.

import assert from 'node:assert/strict';
import { relayChat, type RelayedChatRequest, type RelayedMessage, type RelayedPart } from '../../../src/core/chat/relayedChat';
import type { ChatEngine, EngineDescription } from '../../../src/core/engine/chatEngine';
import type { ImageBudget } from '../../../src/core/images/budget';
import { prepareImage } from '../../../src/core/images/prepare';
import { PreparedImageCache, type PrepareBytes } from '../../../src/core/images/preparedImageCache';
import type { ChatCompletionOptions, ChatStreamEvent } from '../../../src/core/openai/openAiClient';
import type { ChatTurn } from '../../../src/core/openai/turn';
import { rejectsWithCode } from '../../fixtures/glimpseErrors';
import { createTestImage } from '../../fixtures/images';

/** A ChatEngine that records what it was asked, in order, and answers with the given events. */
class RecordingEngine implements ChatEngine {
  readonly calls: string[] = [];
  readonly sent: Array<readonly ChatTurn[]> = [];

  constructor(
    private readonly description: Partial<EngineDescription> = {},
    private readonly answer: readonly ChatStreamEvent[] = [{ type: 'delta', text: 'ok' }, { type: 'done', finishReason: 'stop' }],
  ) {}

  async describe(): Promise<EngineDescription> {
    this.calls.push('describe');
    return { modelLabel: 'Test VLM', vision: true, imageBudget: { maxLongSide: 64 }, ...this.description };
  }

  async ensureReady(): Promise<void> {
    this.calls.push('ensureReady');
  }

  async *chat(turns: readonly ChatTurn[], _options: ChatCompletionOptions): AsyncGenerator<ChatStreamEvent> {
    this.calls.push('chat');
    this.sent.push(turns);
    for (const event of this.answer) yield event;
  }
}

const text = (value: string): RelayedPart => ({ kind: 'text', text: value });
const image = (bytes: Uint8Array): RelayedPart => ({ kind: 'image', bytes, mimeType: 'image/png' });
const message = (role: RelayedMessage['role'], ...parts: RelayedPart[]): RelayedMessage => ({ role, parts });

async function collect(events: AsyncGenerator<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const all: ChatStreamEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

/** The turns the engine was sent for `request`, each as role, text and its images' labels. */
async function turnsFor(request: RelayedChatRequest, engine = new RecordingEngine()): Promise<Array<{ role: string; text: string; images: string[] }>> {
  await collect(relayChat(engine, request, {}));
  assert.equal(engine.sent.length, 1);
  return engine.sent[0].map((turn) => ({ role: turn.role, text: turn.text, images: (turn.images ?? []).map((i) => i.label) }));
}

describe('relayChat: a chat driven by another chat UI', () => {
  let red: Buffer;
  let blue: Buffer;
  let green: Buffer;
  before(async () => {
    red = await createTestImage({ width: 200, height: 100, format: 'png', pattern: 'halves' });
    blue = await createTestImage({ width: 40, height: 40, format: 'png', pattern: 'quadrants' });
    green = await createTestImage({ width: 30, height: 60, format: 'jpeg', pattern: 'screenshot' });
  });

  it('merges consecutive messages of one role, joining their texts with a blank line, and skips empty texts', async () => {
    const turns = await turnsFor({
      messages: [
        message('user', text('first'), text(''), text('second')),
        message('user', text('third')),
        message('assistant', text('answer one')),
        message('assistant', text(''), text('answer two')),
        message('user', text('follow-up')),
      ],
    });
    assert.deepEqual(turns, [
      { role: 'user', text: 'first\n\nsecond\n\nthird', images: [] },
      { role: 'assistant', text: 'answer one\n\nanswer two', images: [] },
      { role: 'user', text: 'follow-up', images: [] },
    ]);
  });

  it('puts every system message first as one system turn; one between two user messages does not keep them apart', async () => {
    const turns = await turnsFor({
      messages: [
        message('user', text('question')),
        message('system', text('be brief')),
        message('user', text('more')),
        message('system', text('use English')),
      ],
    });
    assert.deepEqual(turns, [
      { role: 'system', text: 'be brief\n\nuse English', images: [] },
      { role: 'user', text: 'question\n\nmore', images: [] },
    ]);
  });

  it('drops a message left with nothing, so the messages around it of one role merge', async () => {
    const turns = await turnsFor({ messages: [message('user', text('a')), message('assistant', text('')), message('user', text('b'))] });
    assert.deepEqual(turns, [{ role: 'user', text: 'a\n\nb', images: [] }]);
  });

  it('sends a user message\'s images on its turn, numbered across the request, each prepared at the model\'s budget', async () => {
    const engine = new RecordingEngine({ imageBudget: { maxLongSide: 50 } });
    await collect(relayChat(engine, { messages: [message('user', image(red), text('what is this?')), message('assistant', text('a flag')), message('user', image(blue), image(green), text('and these?'))] }, {}));
    const [first, , third] = engine.sent[0];
    assert.deepEqual(first.images?.map((i) => i.label), ['image 1']);
    assert.deepEqual(third.images?.map((i) => i.label), ['image 2', 'image 3']);
    // 200×100 and 30×60 scaled to a 50 px long side; 40×40 fits (never scaled up).
    assert.deepEqual(first.images?.map((i) => [i.width, i.height]), [[50, 25]]);
    assert.deepEqual(third.images?.map((i) => [i.width, i.height]), [[40, 40], [25, 50]]);
    assert.equal(first.text, 'what is this?');
  });

  it('moves an assistant\'s image to the next user turn, ahead of that turn\'s own images', async () => {
    const turns = await turnsFor({
      messages: [message('user', text('draw it')), message('assistant', text('here'), image(red)), message('user', image(blue), text('and this one?'))],
    });
    assert.deepEqual(turns, [
      { role: 'user', text: 'draw it', images: [] },
      { role: 'assistant', text: 'here', images: [] },
      { role: 'user', text: 'and this one?', images: ['image 1', 'image 2'] },
    ]);
  });

  it('puts an assistant\'s image on a new user turn at the end when no user message follows, and a follow-up keeps it on that turn', async () => {
    const conversation = [message('user', text('draw it')), message('assistant', text('here'), image(red))];
    const first = await turnsFor({ messages: conversation });
    assert.deepEqual(first, [
      { role: 'user', text: 'draw it', images: [] },
      { role: 'assistant', text: 'here', images: [] },
      { role: 'user', text: '', images: ['image 1'] },
    ]);
    const followUp = await turnsFor({ messages: [...conversation, message('user', text('now smaller'))] });
    assert.deepEqual(followUp, [...first.slice(0, 2), { role: 'user', text: 'now smaller', images: ['image 1'] }]);
  });

  it('moves a system message\'s image to the next user turn, the system text still first', async () => {
    const turns = await turnsFor({ messages: [message('system', text('compare with this'), image(red)), message('user', text('does it match?'))] });
    assert.deepEqual(turns, [
      { role: 'system', text: 'compare with this', images: [] },
      { role: 'user', text: 'does it match?', images: ['image 1'] },
    ]);
  });

  it('streams the engine\'s events as they come, after getting it ready', async () => {
    const answer: ChatStreamEvent[] = [
      { type: 'delta', text: 'Hel' },
      { type: 'delta', text: 'lo' },
      { type: 'done', finishReason: 'length', usage: { promptTokens: 12, completionTokens: 2 } },
    ];
    const engine = new RecordingEngine({}, answer);
    assert.deepEqual(await collect(relayChat(engine, { messages: [message('user', text('hi'))] }, { maxTokens: 2 })), answer);
    assert.deepEqual(engine.calls, ['describe', 'ensureReady', 'chat']);
  });

  it('refuses images on a blind model with its reason before the engine is started or any image is prepared', async () => {
    const engine = new RecordingEngine({ vision: false, visionRefusal: undefined, modelLabel: 'Text Only' });
    const prepared: number[] = [];
    const cache = new PreparedImageCache(16, async (input, budget) => {
      prepared.push(1);
      return prepareImage(input, budget);
    });
    const error = await rejectsWithCode(collect(relayChat(engine, { messages: [message('user', text('look'), image(red))] }, {}, undefined, cache)), 'model-no-vision');
    assert.match(error.message, /Text Only cannot see images, so it cannot read the image in this request\./);
    assert.deepEqual(engine.calls, ['describe']);
    assert.equal(prepared.length, 0);
  });

  it('answers text on a blind model', async () => {
    const engine = new RecordingEngine({ vision: false });
    await collect(relayChat(engine, { messages: [message('user', text('hi'))] }, {}));
    assert.deepEqual(engine.calls, ['describe', 'ensureReady', 'chat']);
  });

  it('sends images to a model whose vision is unknown (a remote server that does not say)', async () => {
    const turns = await turnsFor({ messages: [message('user', image(red), text('hi'))] }, new RecordingEngine({ vision: 'unknown' }));
    assert.deepEqual(turns[0].images, ['image 1']);
  });

  it('rejects a bad image with prepareImage\'s error, naming it by its number, before anything is sent', async () => {
    const engine = new RecordingEngine();
    const bad = Buffer.from('this is not an image at all');
    await rejectsWithCode(collect(relayChat(engine, { messages: [message('user', image(red), image(bad), text('?'))] }, {})), 'image-unsupported', /^image 2 is not in an image format/);
    assert.ok(!engine.calls.includes('chat'));
  });

  it('applies the request\'s limits to its images', async () => {
    const engine = new RecordingEngine();
    await rejectsWithCode(collect(relayChat(engine, { messages: [message('user', image(red))], limits: { maxFileBytes: 10 } }, {})), 'image-too-large-file', /^image 1 /);
  });

  it('refuses a request with no text or image before asking the engine anything', async () => {
    for (const messages of [[], [message('user')], [message('system', text('')), message('user', text(''))]]) {
      const engine = new RecordingEngine();
      await rejectsWithCode(collect(relayChat(engine, { messages }, {})), 'invalid-argument', /^The request holds no text or image to answer\.$/);
      assert.deepEqual(engine.calls, []);
    }
  });

  it('with a cache, a follow-up that re-sends the image gets the identical bytes without preparing it again', async () => {
    let preparations = 0;
    const cache = new PreparedImageCache(16, async (input, budget, limits, signal) => {
      preparations++;
      return prepareImage(input, budget, limits, signal);
    });
    const engine = new RecordingEngine();
    const first = [message('user', image(red), text('what is this?'))];
    await collect(relayChat(engine, { messages: first }, {}, undefined, cache));
    // VS Code sends a copy of the bytes each time, not the same array.
    await collect(relayChat(engine, { messages: [message('user', image(Uint8Array.from(red)), text('what is this?')), message('assistant', text('a flag')), message('user', text('which?'))] }, {}, undefined, cache));
    assert.equal(preparations, 1);
    const [before, after] = engine.sent.map((turns) => turns[0].images?.[0]);
    assert.ok(before && after);
    assert.equal(after.data, before.data, 'the very same Buffer');
  });
});

describe('PreparedImageCache', () => {
  const budget: ImageBudget = { maxLongSide: 32 };
  let png: Buffer;
  before(async () => {
    png = await createTestImage({ width: 64, height: 64, format: 'png' });
  });

  /** A cache whose preparations are counted per label. */
  function countingCache(capacity = 16): { cache: PreparedImageCache; prepared: string[] } {
    const prepared: string[] = [];
    const prepare: PrepareBytes = async (input, b, limits, signal) => {
      prepared.push(input.label);
      return prepareImage(input, b, limits, signal);
    };
    return { cache: new PreparedImageCache(capacity, prepare), prepared };
  }

  it('keeps the image prepared from the same bytes at the same budget, under the caller\'s label', async () => {
    const { cache, prepared } = countingCache();
    const first = await cache.prepare({ bytes: png, label: 'image 1' }, budget);
    const second = await cache.prepare({ bytes: Buffer.from(png), label: 'image 3' }, budget);
    assert.deepEqual(prepared, ['image 1']);
    assert.equal(second.data, first.data);
    assert.equal(second.label, 'image 3');
  });

  it('prepares again at another budget or under other limits', async () => {
    const { cache, prepared } = countingCache();
    const small = await cache.prepare({ bytes: png, label: 'a' }, budget);
    const large = await cache.prepare({ bytes: png, label: 'b' }, { maxLongSide: 48 });
    await cache.prepare({ bytes: png, label: 'c' }, budget, { maxInputPixels: 10_000 });
    assert.deepEqual(prepared, ['a', 'b', 'c']);
    assert.deepEqual([small.width, large.width], [32, 48]);
  });

  it('shares one preparation between two requests for the same image at once', async () => {
    const { cache, prepared } = countingCache();
    const [one, two] = await Promise.all([cache.prepare({ bytes: png, label: 'x' }, budget), cache.prepare({ bytes: png, label: 'y' }, budget)]);
    assert.deepEqual(prepared, ['x']);
    assert.equal(one.data, two.data);
  });

  it('holds the most recently used images up to its capacity, dropping the least recently used first', async () => {
    const { cache, prepared } = countingCache(2);
    const images = await Promise.all([1, 2, 3].map((n) => createTestImage({ width: 10 + n, height: 10, format: 'png' })));
    await cache.prepare({ bytes: images[0], label: '1' }, budget);
    await cache.prepare({ bytes: images[1], label: '2' }, budget);
    await cache.prepare({ bytes: images[0], label: '1 again' }, budget); // 1 is now the most recent
    await cache.prepare({ bytes: images[2], label: '3' }, budget); // drops 2
    assert.equal(cache.size, 2);
    await cache.prepare({ bytes: images[0], label: '1 kept' }, budget);
    await cache.prepare({ bytes: images[1], label: '2 dropped' }, budget);
    assert.deepEqual(prepared, ['1', '2', '3', '2 dropped']);
  });

  it('does not keep a failed preparation: the same bytes are tried again', async () => {
    const { cache, prepared } = countingCache();
    const bad = Buffer.from('not an image');
    await rejectsWithCode(cache.prepare({ bytes: bad, label: 'first' }, budget), 'image-unsupported', /^first /);
    await rejectsWithCode(cache.prepare({ bytes: bad, label: 'second' }, budget), 'image-unsupported', /^second /);
    assert.deepEqual(prepared, ['first', 'second']);
    assert.equal(cache.size, 0);
  });

  it('refuses a capacity that is not a positive integer', () => {
    assert.throws(() => new PreparedImageCache(0), RangeError);
  });
});
