// LocalEngine, the embedded llama-server as a ChatEngine: what it says the model pair can do, read
// from the GGUF headers (nothing is started), and when a settings change needs a new engine.

import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LlamaServer } from '../../../src/core/engine/llamaServer';
import { LocalEngine, localEngineKey, localModelLabel } from '../../../src/core/engine/localEngine';
import { imageBudgetFor } from '../../../src/core/models/imageBudget';
import { ensureSyntheticPair, testModelsDirectory } from '../../fixtures/gguf/presets';

describe('LocalEngine: the embedded server as a ChatEngine', function () {
  this.timeout(60_000);

  it('describes a model with a projector as seeing, with the pair\'s image budget and token estimate', async () => {
    const pair = await ensureSyntheticPair('tiny-qwen2vl', testModelsDirectory('tiny-qwen2vl'));
    const server = new LlamaServer({ modelPath: pair.modelPath, mmprojPath: pair.mmprojPath });
    try {
      const description = await new LocalEngine(server).describe();
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
      const description = await new LocalEngine(server).describe();
      assert.equal(description.vision, false);
      assert.match(description.visionRefusal ?? '', /no projector \(mmproj\).*Set the projector path to the mmproj file published with this model\./s);
      assert.deepEqual(description.visionRefusalOptions, ['mmprojPath']);
    } finally {
      await server.dispose();
    }
  });
});

describe('localEngineKey: when a settings change needs a new engine', () => {
  it('is the same for the same files reached another way, and differs when a file or a setting differs', async () => {
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'glimpse-key-'));
    try {
      const model = path.join(folder, 'model.gguf');
      await fs.writeFile(model, 'x');
      await fs.symlink(model, path.join(folder, 'link.gguf'));
      const base = { modelPath: model, mmprojPath: path.join(folder, 'mmproj.gguf'), threads: 2, contextSize: 8192 };
      assert.equal(localEngineKey({ ...base, modelPath: path.join(folder, 'link.gguf') }), localEngineKey(base));
      assert.equal(localEngineKey({ ...base, modelPath: path.join(folder, 'sub', '..', 'model.gguf') }), localEngineKey(base));
      assert.notEqual(localEngineKey({ ...base, mmprojPath: path.join(folder, 'other-mmproj.gguf') }), localEngineKey(base));
      assert.notEqual(localEngineKey({ ...base, threads: 4 }), localEngineKey(base));
      assert.notEqual(localEngineKey({ ...base, contextSize: 4096 }), localEngineKey(base));
    } finally {
      await fs.rm(folder, { recursive: true, force: true });
    }
  });
});

describe('localModelLabel', () => {
  it('says that a synthetic test model gives gibberish, and leaves a real name alone', () => {
    assert.match(localModelLabel('Glimpse synthetic tiny-llava'), /synthetic demo model: random weights, gibberish answers/);
    assert.equal(localModelLabel('SmolVLM 500M Instruct'), 'SmolVLM 500M Instruct');
  });
});
