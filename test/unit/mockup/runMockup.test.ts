// runMockup, the whole mockup flow, against a scripted engine: a blind model is refused before
// anything is read or started, the mockup is prepared at the engine's budget, the request carries
// the flow's defaults, and code that did not run to its end is marked in the file to keep.

import assert from 'node:assert/strict';
import type { RunMockupEvent } from '../../../src/core/mockup/runMockup';
import { mockupCompletionOptions, mockupDefaults, runMockup } from '../../../src/core/mockup/runMockup';
import { GlimpseError } from '../../../src/core/errors';
import { createTestImage } from '../../fixtures/images';
import { rejectsWithCode } from '../../fixtures/glimpseErrors';
import { ScriptedEngine } from './scriptedEngine';

const codeDeltas = ['```html\n', '<!DOCTYPE html>\n<html>\n', '<body><h1>Hi</h1></body>\n', '</html>\n', '```\n'];

async function collect(events: AsyncGenerator<RunMockupEvent>): Promise<RunMockupEvent[]> {
  const all: RunMockupEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

describe('runMockup', () => {
  let mockup: Buffer;
  before(async () => {
    mockup = await createTestImage({ width: 1600, height: 1000, format: 'png' });
  });

  it('refuses a model that cannot see with the engine\'s reason, before reading the image or starting the engine', async () => {
    const engine = new ScriptedEngine([], { vision: false, visionRefusal: 'The model X has no projector (mmproj), so it cannot see images.' });
    const error = await rejectsWithCode(collect(runMockup(engine, { image: { path: '/nonexistent/mockup.png' }, target: 'html' })), 'model-no-vision', /has no projector/);
    assert.equal(error.message, 'The model X has no projector (mmproj), so it cannot see images.');
    assert.equal(engine.readyCalls, 0);
    assert.equal(engine.calls.length, 0);
  });

  it('names the task when the engine gives no reason', async () => {
    const engine = new ScriptedEngine([], { vision: false });
    await rejectsWithCode(collect(runMockup(engine, { image: { bytes: mockup, label: 'ui.png' }, target: 'html' })), 'model-no-vision', /Test VLM cannot see images, so it cannot read a mockup/);
  });

  it('sends the mockup when the engine cannot tell whether the model sees', async () => {
    const engine = new ScriptedEngine([{ deltas: ['inventory'] }, { deltas: codeDeltas }], { vision: 'unknown' });
    const done = (await collect(runMockup(engine, { image: { bytes: mockup, label: 'ui.png' }, target: 'html' }))).at(-1);
    assert.equal(done?.type === 'done' && done.complete, true);
  });

  it('prepares the mockup at the engine\'s budget, gets the engine ready once, then asks with the flow\'s defaults', async () => {
    const engine = new ScriptedEngine([{ deltas: ['TEXTS:\n- "Hi"\n'] }, { deltas: codeDeltas }], { imageBudget: { maxLongSide: 800 }, imageTokens: (w, h) => Math.round((w * h) / 1000) });
    const events = await collect(runMockup(engine, { image: { bytes: mockup, label: 'ui.png' }, target: 'html' }));
    assert.deepEqual(events.slice(0, 3).map((e) => e.type), ['prepared', 'engine-ready', 'phase']);
    const prepared = events[0];
    assert.ok(prepared.type === 'prepared');
    assert.deepEqual([prepared.image.width, prepared.image.height, prepared.image.originalWidth], [800, 500, 1600]);
    assert.equal(prepared.imageTokens, 400);
    assert.equal(engine.readyCalls, 1);
    assert.equal(engine.calls.length, 2, 'two steps by default');
    assert.equal(engine.calls[0].options.maxTokens, mockupDefaults.inventoryMaxTokens);
    assert.deepEqual(engine.calls[1].options, { maxTokens: mockupDefaults.maxTokens, temperature: mockupDefaults.temperature, cachePrompt: true });
    const done = events.at(-1);
    assert.ok(done?.type === 'done');
    assert.equal(done.incomplete, undefined);
    assert.equal(done.file, done.code);
  });

  it('the request\'s own sampling wins over the defaults', () => {
    assert.deepEqual(mockupCompletionOptions({ maxTokens: 100, temperature: 0, seed: 7 }), { maxTokens: 100, temperature: 0, seed: 7, cachePrompt: true });
  });

  it('marks code cut off by the token limit as incomplete in the file to keep, in the target\'s comment syntax', async () => {
    const engine = new ScriptedEngine([{ deltas: ['```jsx\n', 'export default function App() {\n', '  return <h1>Hi'], finishReason: 'length' }]);
    const done = (await collect(runMockup(engine, { image: { bytes: mockup, label: 'ui.png' }, target: 'react', twoStep: false }))).at(-1);
    assert.ok(done?.type === 'done');
    assert.equal(done.incomplete, 'the answer reached the token limit');
    assert.equal(done.file, `// Glimpse: the answer reached the token limit; this code is incomplete.\n${done.code}`);
  });

  it('a bad image is refused with its own error, never asking the model', async () => {
    const engine = new ScriptedEngine([{ deltas: codeDeltas }]);
    await assert.rejects(collect(runMockup(engine, { image: { bytes: Buffer.from('not an image'), label: 'broken.png' }, target: 'html' })), (error: unknown) => {
      assert.ok(error instanceof GlimpseError && error.code.startsWith('image-'), String(error));
      return true;
    });
    assert.equal(engine.calls.length, 0);
  });
});
