// generateMockupCode against a scripted engine (no server): the two steps in order with the
// inventory carried into step 2 on the same prefix, one-step, and stopping part-way, which must
// keep the code written so far, marked incomplete.

import assert from 'node:assert/strict';
import type { ChatCompletionOptions } from '../../../src/core/openai/openAiClient';
import { GlimpseError } from '../../../src/core/errors';
import type { PreparedImage } from '../../../src/core/images/prepare';
import { defaultInventoryMaxTokens, generateMockupCode, type MockupEvent, type MockupRequest } from '../../../src/core/mockup/generateCode';
import { codeTurns, inventoryTurns } from '../../../src/core/mockup/prompts';
import { ScriptedEngine } from './scriptedEngine';
import { rejectsWithCode } from '../../fixtures/glimpseErrors';

const image: PreparedImage = {
  label: 'login.png', mimeType: 'image/png', data: Buffer.from('png'), sha256: 'x', originalWidth: 800, originalHeight: 600,
  width: 800, height: 600, downscaled: false, sourceFormat: 'png',
};

async function collect(events: AsyncGenerator<MockupEvent>, onEvent: (event: MockupEvent) => void = () => undefined): Promise<MockupEvent[]> {
  const all: MockupEvent[] = [];
  for await (const event of events) {
    all.push(event);
    onEvent(event);
  }
  return all;
}

function doneOf(events: readonly MockupEvent[]): Extract<MockupEvent, { type: 'done' }> {
  const done = events[events.length - 1];
  assert.equal(done.type, 'done', 'the last event is done');
  assert.equal(events.filter((e) => e.type === 'done').length, 1, 'exactly one done');
  return done as Extract<MockupEvent, { type: 'done' }>;
}

const inventoryDeltas = ['TEXTS:\n- "Welcome', ' back"\n- "Sign in"\n', 'ELEMENTS:\n- button "Sign in"\n'];
const codeDeltas = ['Here is the page:\n\n```html\n', '<!DOCTYPE html>\n<html>\n', '<body>\n<h1>Welcome back</h1>\n', '<button>Sign in</button>\n', '</body>\n</html>\n', '```\n\nIt has a heading and a button.'];
const finalPage = '<!DOCTYPE html>\n<html>\n<body>\n<h1>Welcome back</h1>\n<button>Sign in</button>\n</body>\n</html>\n';
const options: ChatCompletionOptions = { maxTokens: 2048, temperature: 0.1, cachePrompt: true };
const request: MockupRequest = { image, target: 'html', twoStep: true };

describe('generateMockupCode', () => {
  it('runs the inventory, then the code on a turn list that extends the inventory\'s', async () => {
    const engine = new ScriptedEngine([{ deltas: inventoryDeltas }, { deltas: codeDeltas }]);
    const events = await collect(generateMockupCode(engine, { ...request, instructions: 'dark theme' }, options));

    assert.deepEqual(events.map((e) => (e.type === 'phase' ? `phase:${e.phase}` : e.type)), [
      'phase:inventory', 'inventory-delta', 'inventory-delta', 'inventory-delta',
      'phase:code', 'code-delta', 'code-delta', 'code-delta', 'code-delta', 'code-delta', 'code-delta',
      'done',
    ]);
    assert.equal(engine.readyCalls, 0, 'the flow (runMockup) gets the engine ready, not the steps');
    assert.equal(engine.calls.length, 2);
    const [first, second] = engine.calls;
    assert.deepEqual(first.turns, inventoryTurns(image));
    assert.equal(JSON.stringify(second.turns.slice(0, first.turns.length)), JSON.stringify(first.turns), 'step 2 starts with step 1\'s turns');
    const inventory = inventoryDeltas.join('').trim();
    assert.deepEqual(second.turns[2], { role: 'assistant', text: inventory });
    assert.deepEqual(second.turns, codeTurns(image, 'html', inventory, { instructions: 'dark theme' }));
    assert.match(second.turns[3].text, /dark theme/);

    // The inventory is a short answer; the code gets the caller's limit.
    assert.equal(first.options.maxTokens, Math.min(defaultInventoryMaxTokens, 2048));
    assert.equal(second.options.maxTokens, 2048);
    assert.equal(first.options.cachePrompt, true);

    const done = doneOf(events);
    assert.equal(done.code, finalPage);
    assert.equal(done.inventory, inventory);
    assert.equal(done.source, 'fence');
    assert.equal(done.language, 'html');
    assert.equal(done.complete, true);
    assert.equal(done.cancelled, false);
    assert.equal(done.truncated, false);
    assert.equal(done.answer, codeDeltas.join(''));
    assert.equal(done.stats.inventory?.finishReason, 'stop');
    assert.equal(done.stats.code?.finishReason, 'stop');
  });

  it('code deltas carry only code, growing, and the raw text', async () => {
    const engine = new ScriptedEngine([{ deltas: inventoryDeltas }, { deltas: codeDeltas }]);
    const deltas = (await collect(generateMockupCode(engine, request, options))).filter((e) => e.type === 'code-delta');
    assert.deepEqual(deltas.map((e) => e.text), codeDeltas);
    let previous = '';
    for (const delta of deltas) {
      assert.ok(delta.code.startsWith(previous), 'the code only grows');
      assert.doesNotMatch(delta.code, /Here is|It has|```/);
      previous = delta.code;
    }
    assert.equal(previous, finalPage);
    assert.equal(deltas[0].code, '', 'prose and the opening fence give no code');
  });

  it('one step asks for the code directly, with no inventory', async () => {
    const engine = new ScriptedEngine([{ deltas: codeDeltas }]);
    const events = await collect(generateMockupCode(engine, { ...request, target: 'tailwind', twoStep: false }, options));
    assert.equal(engine.calls.length, 1);
    assert.deepEqual(engine.calls[0].turns, codeTurns(image, 'tailwind', undefined, {}));
    assert.equal(engine.calls[0].options.maxTokens, 2048);
    assert.ok(!events.some((e) => e.type === 'inventory-delta' || (e.type === 'phase' && e.phase === 'inventory')));
    const done = doneOf(events);
    assert.equal(done.inventory, undefined);
    assert.equal(done.code, finalPage);
  });

  it('an empty inventory gives the one-step code request', async () => {
    const engine = new ScriptedEngine([{ deltas: ['  \n'] }, { deltas: codeDeltas }]);
    await collect(generateMockupCode(engine, request, options));
    assert.deepEqual(engine.calls[1].turns, codeTurns(image, 'html', undefined, {}));
  });

  for (const ignoresAbort of [false, true]) {
    it(`stopping mid-code keeps the partial code, marked incomplete (${ignoresAbort ? 'engine ignores the signal' : 'engine throws cancelled'})`, async () => {
      const engine = new ScriptedEngine([{ deltas: inventoryDeltas }, { deltas: codeDeltas, ignoresAbort }]);
      const controller = new AbortController();
      let codeDeltaCount = 0;
      const events = await collect(generateMockupCode(engine, request, options, controller.signal), (event) => {
        if (event.type === 'code-delta' && ++codeDeltaCount === 3) controller.abort();
      });
      assert.equal(events.filter((e) => e.type === 'code-delta').length, 3, 'no code after the stop');
      const done = doneOf(events);
      assert.equal(done.cancelled, true);
      assert.equal(done.complete, false);
      assert.equal(done.code, '<!DOCTYPE html>\n<html>\n<body>\n<h1>Welcome back</h1>\n');
      assert.equal(done.source, 'fence');
      assert.equal(done.inventory, inventoryDeltas.join('').trim());
    });
  }

  it('stopping during the inventory ends without asking for code', async () => {
    const engine = new ScriptedEngine([{ deltas: inventoryDeltas }, { deltas: codeDeltas }]);
    const controller = new AbortController();
    const events = await collect(generateMockupCode(engine, request, options, controller.signal), (event) => {
      if (event.type === 'inventory-delta') controller.abort();
    });
    assert.equal(engine.calls.length, 1);
    assert.ok(!events.some((e) => e.type === 'phase' && e.phase === 'code'));
    const done = doneOf(events);
    assert.deepEqual([done.cancelled, done.complete, done.code, done.source], [true, false, '', 'none']);
  });

  it('an answer cut off by the token limit is marked truncated and incomplete', async () => {
    const engine = new ScriptedEngine([{ deltas: codeDeltas.slice(0, 3), finishReason: 'length' }]);
    const done = doneOf(await collect(generateMockupCode(engine, { ...request, twoStep: false }, options)));
    assert.deepEqual([done.truncated, done.complete, done.cancelled], [true, false, false]);
    assert.equal(done.code, '<!DOCTYPE html>\n<html>\n<body>\n<h1>Welcome back</h1>\n');
  });

  it('an answer without code is reported as such, with the answer', async () => {
    const engine = new ScriptedEngine([{ deltas: ['I cannot see a user interface in this image.'] }]);
    const done = doneOf(await collect(generateMockupCode(engine, { ...request, twoStep: false }, options)));
    assert.equal(done.source, 'none');
    assert.equal(done.code, '');
    assert.equal(done.answer, 'I cannot see a user interface in this image.');
  });

  it('a failure other than a stop is thrown after the code so far was delivered', async () => {
    const failure = new GlimpseError('engine-request-failed', 'The server at http://127.0.0.1:1 ended the answer before it was complete.');
    const engine = new ScriptedEngine([{ deltas: codeDeltas.slice(0, 3), error: failure }]);
    const seen: MockupEvent[] = [];
    await rejectsWithCode(collect(generateMockupCode(engine, { ...request, twoStep: false }, options), (e) => seen.push(e)), 'engine-request-failed');
    const deltas = seen.filter((e) => e.type === 'code-delta');
    assert.equal(deltas[deltas.length - 1].code, '<!DOCTYPE html>\n<html>\n<body>\n<h1>Welcome back</h1>\n');
    assert.ok(!seen.some((e) => e.type === 'done'));
  });
});
