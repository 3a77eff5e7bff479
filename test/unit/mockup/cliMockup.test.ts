// `glimpse mockup`: its arguments, and the embedded server seen as a ChatEngine (read from the
// model pair's GGUF headers; nothing is started).

import assert from 'node:assert/strict';
import { llamaServerEngine, parseMockupArgs } from '../../../src/cli/mockup';
import { LlamaServer } from '../../../src/core/engine/llamaServer';
import { GlimpseError } from '../../../src/core/errors';
import { commentLine, incompleteMarker, isMockupTargetId, mockupTarget } from '../../../src/core/mockup/targets';
import { imageBudgetFor } from '../../../src/core/models/imageBudget';
import { ensureSyntheticPair, testModelsDirectory } from '../../fixtures/gguf/presets';
import { rejectsWith } from '../../fixtures/glimpseErrors';

describe('glimpse mockup arguments', () => {
  it('defaults to a two-step HTML page', () => {
    assert.deepEqual(parseMockupArgs(['ui.png'], {}), {
      imagePath: 'ui.png', target: 'html', twoStep: true, instructions: undefined, outPath: undefined, score: false, stats: false,
    });
  });

  it('reads the target, one-step, instructions, output and score flags', () => {
    const options = parseMockupArgs(['ui.png'], { target: 'vue', 'one-step': true, instructions: '  dark theme ', out: 'App.vue', score: true, stats: true });
    assert.deepEqual(options, { imagePath: 'ui.png', target: 'vue', twoStep: false, instructions: 'dark theme', outPath: 'App.vue', score: true, stats: true });
  });

  it('refuses an unknown target, a missing image and several images, saying what to pass', () => {
    assert.throws(() => parseMockupArgs(['ui.png'], { target: 'svelte' }), rejectsWith('invalid-argument', 'html, tailwind, react, vue', '"svelte"'));
    assert.throws(() => parseMockupArgs([], {}), rejectsWith('image-missing', 'glimpse mockup <image>'));
    assert.throws(() => parseMockupArgs(['a.png', 'b.png'], {}), rejectsWith('invalid-argument', 'one image'));
  });
});

describe('mockup targets', () => {
  it('knows the four targets and refuses others', () => {
    assert.equal(mockupTarget('react').languageId, 'typescriptreact');
    assert.equal(mockupTarget('vue').fileExtension, '.vue');
    assert.equal(mockupTarget('tailwind').preview, 'tailwind');
    assert.ok(isMockupTargetId('html'));
    assert.ok(!isMockupTargetId('svelte'));
    assert.ok(!isMockupTargetId(undefined));
    assert.throws(() => mockupTarget('svelte' as never), (error: unknown) => error instanceof GlimpseError && error.code === 'invalid-argument');
  });

  it('writes a one-line comment in the target\'s syntax', () => {
    assert.equal(commentLine('react', 'incomplete\ncode'), '// incomplete code');
    assert.equal(commentLine('html', 'a -- b'), '<!-- a - - b -->');
    assert.equal(incompleteMarker('vue', 'generation was stopped'), '<!-- Glimpse: generation was stopped; this code is incomplete. -->');
  });
});

describe('the embedded server as a ChatEngine', function () {
  this.timeout(60_000);

  it('describes a model with a projector as seeing, with the pair\'s image budget and token estimate', async () => {
    const pair = await ensureSyntheticPair('tiny-qwen2vl', testModelsDirectory('tiny-qwen2vl'));
    const server = new LlamaServer({ modelPath: pair.modelPath, mmprojPath: pair.mmprojPath });
    try {
      const description = await llamaServerEngine(server).describe();
      assert.equal(description.vision, true);
      assert.equal(description.visionRefusal, undefined);
      assert.deepEqual(description.imageBudget, imageBudgetFor(await server.pairInfo()));
      assert.equal(typeof description.imageTokens?.(448, 448), 'number');
    } finally {
      await server.dispose();
    }
  });

  it('describes a model without a projector as blind, with what to do', async () => {
    const pair = await ensureSyntheticPair('tiny-llava', testModelsDirectory('tiny-llava'));
    const server = new LlamaServer({ modelPath: pair.modelPath });
    try {
      const description = await llamaServerEngine(server).describe();
      assert.equal(description.vision, false);
      assert.match(description.visionRefusal ?? '', /no projector \(mmproj\).*Set the projector path to the mmproj file published with this model\./s);
    } finally {
      await server.dispose();
    }
  });
});
