// checkModelPair on the tiny synthetic pairs and on wrong picks: each mistake gets its own code
// and a message naming the file(s) and, for a mismatch, both widths.

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { checkModelPair } from '../../../src/core/models/pairCheck';
import { BadFiles, writeBadFiles } from '../../fixtures/gguf/badFiles';
import { SyntheticPair, ensureSyntheticPair, testGeneratedDirectory, testModelsDirectory } from '../../fixtures/gguf/presets';
import { rejectsWith } from '../../fixtures/glimpseErrors';


describe('checkModelPair', () => {
  let llava: SyntheticPair;
  let qwen: SyntheticPair;
  let bad: BadFiles;

  before(async () => {
    llava = await ensureSyntheticPair('tiny-llava', testModelsDirectory('tiny-llava'));
    qwen = await ensureSyntheticPair('tiny-qwen2vl', testModelsDirectory('tiny-qwen2vl'));
    bad = await writeBadFiles(testGeneratedDirectory('bad-files', 'pair-check'), llava);
  });

  it('tiny-llava: a llama model with a fixed-size mlp projector', async () => {
    const info = await checkModelPair({ modelPath: llava.modelPath, mmprojPath: llava.mmprojPath });
    assert.equal(info.modelArchitecture, 'llama');
    assert.equal(info.modelName, 'glimpse-synthetic-tiny-llava');
    assert.equal(info.embeddingLength, 64);
    assert.equal(info.inputEmbeddingLength, 64);
    assert.equal(info.contextLength, 2048);
    assert.equal(info.blockCount, 2);
    assert.equal(info.modelFileSize, llava.model.fileSize);
    assert.ok(info.vision);
    if (!info.vision) return;
    assert.equal(info.vision.projectorType, 'mlp');
    assert.equal(info.vision.imageSize, 56);
    assert.equal(info.vision.patchSize, 14);
    assert.equal(info.vision.spatialMergeSize, undefined);
    assert.equal(info.vision.projectionWidth, 64);
    assert.equal(info.vision.visionEmbeddingLength, 32);
    assert.equal(info.vision.fileSize, llava.projector.fileSize);
    assert.equal(info.vision.tiled, false);
  });

  it('tiny-qwen2vl: a qwen2vl model with a merging projector', async () => {
    const info = await checkModelPair({ modelPath: qwen.modelPath, mmprojPath: qwen.mmprojPath });
    assert.equal(info.modelArchitecture, 'qwen2vl');
    assert.equal(info.embeddingLength, 64);
    assert.ok(info.vision);
    if (!info.vision) return;
    assert.equal(info.vision.projectorType, 'qwen2vl_merger');
    assert.equal(info.vision.patchSize, 14);
    assert.equal(info.vision.spatialMergeSize, 2);
    assert.equal(info.vision.projectionWidth, 64);
    assert.equal(info.vision.visionEmbeddingLength, 32);
  });

  it('without a projector the pair is text-only', async () => {
    const info = await checkModelPair({ modelPath: llava.modelPath });
    assert.equal(info.vision, false);
    assert.equal(info.embeddingLength, 64);
  });

  it('a projector of the wrong width is pair-mismatch, naming both files and both widths', async () => {
    await assert.rejects(
      checkModelPair({ modelPath: llava.modelPath, mmprojPath: bad.mismatchedMmproj }),
      rejectsWith('pair-mismatch', 'mmproj-128.gguf', path.basename(llava.modelPath), 'produces 128-wide', 'expects 64', 'Pick the mmproj that was published with this model'),
    );
  });

  it('a text model given as the projector is mmproj-not-clip and says it is a language model', async () => {
    await assert.rejects(
      checkModelPair({ modelPath: llava.modelPath, mmprojPath: bad.modelAsMmproj }),
      rejectsWith('mmproj-not-clip', 'mmproj-actually-a-model.gguf', '"llama"', 'language model'),
    );
  });

  it('the model file given as both model and projector says so', async () => {
    await assert.rejects(checkModelPair({ modelPath: llava.modelPath, mmprojPath: llava.modelPath }), rejectsWith('mmproj-not-clip', 'same file as the model'));
  });

  it('a projector given as the model is model-not-text and says where it belongs', async () => {
    await assert.rejects(
      checkModelPair({ modelPath: bad.mmprojAsModel, mmprojPath: llava.mmprojPath }),
      rejectsWith('model-not-text', 'model-actually-a-projector.gguf', 'is a projector (mmproj), not a language model', 'Set it as the projector'),
    );
  });

  it('swapped model and projector fail on the model first', async () => {
    await assert.rejects(checkModelPair({ modelPath: llava.mmprojPath, mmprojPath: llava.modelPath }), rejectsWith('model-not-text', 'mmproj.gguf'));
  });

  it('an audio-only projector is mmproj-no-vision', async () => {
    await assert.rejects(
      checkModelPair({ modelPath: llava.modelPath, mmprojPath: bad.audioOnlyMmproj }),
      rejectsWith('mmproj-no-vision', 'mmproj-audio-only.gguf', 'no vision encoder (it is an audio projector)'),
    );
  });

  it('a missing projector is file-missing worded for the projector', async () => {
    const missing = path.join(llava.directory, 'mmproj-not-downloaded.gguf');
    await assert.rejects(checkModelPair({ modelPath: llava.modelPath, mmprojPath: missing }), rejectsWith('file-missing', 'projector', missing));
  });

  it('a truncated model is file-truncated before the projector is looked at', async () => {
    await assert.rejects(checkModelPair({ modelPath: bad.truncated, mmprojPath: bad.audioOnlyMmproj }), rejectsWith('file-truncated', 'truncated-model.gguf'));
  });

  it('an empty projector is file-empty', async () => {
    await assert.rejects(checkModelPair({ modelPath: llava.modelPath, mmprojPath: bad.empty }), rejectsWith('file-empty', 'empty.gguf'));
  });

  it('a non-GGUF model is file-not-gguf', async () => {
    await assert.rejects(checkModelPair({ modelPath: bad.notGguf }), rejectsWith('file-not-gguf', 'screenshot.png.gguf'));
  });
});
