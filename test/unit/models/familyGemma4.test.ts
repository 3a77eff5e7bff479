// Gemma 4's side of Glimpse's model arithmetic (`gemma4v`), against numbers worked out by hand
// from the pinned llama.cpp: the image is resized like Qwen-VL's but aligned to patch × pooling
// kernel = 16 × 3 = 48 px and kept between 70 and 1120 tokens (clip.cpp
// `set_limit_image_tokens(70, 1120)`); each pooled 48 × 48 block is one token
// (`clip_n_output_tokens`: patches / 3²), and <|image> … <image|> add 2 (mtmd.cpp). The
// projector's width is `mm.input_projection.weight`'s ne[1] (`clip_n_mmproj_embd`); the pooling
// kernel is `clip.vision.projector.scale_factor`, 3 when absent.

import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { GlimpseError } from '../../../src/core/errors';
import { imageBudgetFor } from '../../../src/core/models/imageBudget';
import { dynamicResolutionSize, estimateImageTokens, ImageTokenProjector } from '../../../src/core/models/imageTokens';
import { checkModelPair } from '../../../src/core/models/pairCheck';
import { gemma4VisionContents, type Gemma4VisionShape } from '../../fixtures/gguf/families/gemma4';
import { ensureSyntheticPair, testGeneratedDirectory, testModelsDirectory } from '../../fixtures/gguf/presets';
import { writeGguf } from '../../fixtures/gguf/writer';

const tinyVision: Gemma4VisionShape = {
  name: 'gemma4v-variant',
  embeddingLength: 32,
  blockCount: 1,
  headCount: 2,
  feedForwardLength: 64,
  patchSize: 16,
  poolingKernel: 3,
  positionTableSize: 64,
  projectionDimension: 1536,
  matrixType: 'F32',
  layerNormEpsilon: 1e-6,
};

async function writeVariant(fileName: string, shape: Gemma4VisionShape): Promise<string> {
  const directory = testGeneratedDirectory('family-gemma4');
  await fs.mkdir(directory, { recursive: true });
  const file = path.join(directory, fileName);
  await writeGguf(file, gemma4VisionContents(shape), { seed: 3 });
  return file;
}

const gemma4: ImageTokenProjector = { projectorType: 'gemma4v', imageSize: 224, patchSize: 16, spatialMergeSize: 3, tiled: false };

describe('estimateImageTokens: Gemma 4 (gemma4v, 16 px patches pooled 3 × 3)', () => {
  it('640×480 rounds to 624×480: 13 × 10 = 130 embeddings + 2 markers', () => {
    assert.deepEqual(dynamicResolutionSize(gemma4, { width: 640, height: 480 }), { width: 624, height: 480 });
    assert.equal(estimateImageTokens(gemma4, { width: 640, height: 480 }), 132);
  });

  it('1920×1080 rounds to 1920×1104 (22.5 rounds up): 40 × 23 = 920 + 2', () => {
    assert.deepEqual(dynamicResolutionSize(gemma4, { width: 1920, height: 1080 }), { width: 1920, height: 1104 });
    assert.equal(estimateImageTokens(gemma4, { width: 1920, height: 1080 }), 922);
  });

  it('a small image is scaled up to the 70-token area: 96×64 → 528×336 (ceil(96 · √26.25 / 48) = 11, ceil(64 · √26.25 / 48) = 7), 77 + 2', () => {
    assert.deepEqual(dynamicResolutionSize(gemma4, { width: 96, height: 64 }), { width: 528, height: 336 });
    assert.equal(estimateImageTokens(gemma4, { width: 96, height: 64 }), 79);
  });

  it('a large image is scaled down under 1120 tokens: 1240×3508 → 912×2688, 19 × 56 = 1064 + 2', () => {
    assert.deepEqual(dynamicResolutionSize(gemma4, { width: 1240, height: 3508 }), { width: 912, height: 2688 });
    assert.equal(estimateImageTokens(gemma4, { width: 1240, height: 3508 }), 1066);
  });

  it('--image-max-tokens 256 scales 1920×1080 by 1 / √(2 073 600 / 589 824) = 1 / 1.875 and floors to 48: 1008×576, 21 × 12 = 252 + 2', () => {
    assert.deepEqual(dynamicResolutionSize(gemma4, { width: 1920, height: 1080 }, { maxTokens: 256 }), { width: 1008, height: 576 });
    assert.equal(estimateImageTokens(gemma4, { width: 1920, height: 1080 }, { maxTokens: 256 }), 254);
  });
});

describe('checkModelPair and imageBudgetFor: tiny-gemma4', () => {
  it('reads patch 16, pooling 3 and a 1536-wide projector (mm.input_projection ne[1]) matching the model', async () => {
    const pair = await ensureSyntheticPair('tiny-gemma4', testModelsDirectory('tiny-gemma4'));
    const info = await checkModelPair(pair);
    assert.equal(info.modelArchitecture, 'gemma4');
    assert.equal(info.inputEmbeddingLength, 1536);
    assert.ok(info.vision);
    if (!info.vision) return;
    assert.equal(info.vision.projectorType, 'gemma4v');
    assert.equal(info.vision.patchSize, 16);
    assert.equal(info.vision.spatialMergeSize, 3);
    assert.equal(info.vision.projectionWidth, 1536);
    assert.equal(estimateImageTokens(info.vision, { width: 1920, height: 1080 }), 922);
  });

  it('budget: 1024 tokens of 48 × 48 pixels (2 359 296), long side up to 2688', async () => {
    const pair = await ensureSyntheticPair('tiny-gemma4', testModelsDirectory('tiny-gemma4'));
    assert.deepEqual(imageBudgetFor(await checkModelPair(pair)), { maxLongSide: 2688, maxPixels: 2_359_296 });
  });

  it('a pooling kernel written in clip.vision.projector.scale_factor is read (4: one token per 64 × 64 pixels)', async () => {
    const model = await ensureSyntheticPair('tiny-gemma4', testModelsDirectory('tiny-gemma4'));
    const mmprojPath = await writeVariant('mmproj-pool4.gguf', { ...tinyVision, poolingKernel: 4 });
    const info = await checkModelPair({ modelPath: model.modelPath, mmprojPath });
    assert.ok(info.vision);
    assert.equal(info.vision && info.vision.spatialMergeSize, 4);
  });

  it('a gemma4v projector 64 wide (by mm.input_projection) is refused for the 1536-wide model, even if its key claims 1536', async () => {
    const model = await ensureSyntheticPair('tiny-gemma4', testModelsDirectory('tiny-gemma4'));
    const contents = gemma4VisionContents({ ...tinyVision, projectionDimension: 64 });
    const metadata = contents.metadata.map(([key, value]) => (key === 'clip.vision.projection_dim' ? ([key, { kind: 'uint32', value: 1536 }] as const) : ([key, value] as const)));
    const directory = testGeneratedDirectory('family-gemma4');
    await fs.mkdir(directory, { recursive: true });
    const mmprojPath = path.join(directory, 'mmproj-64wide.gguf');
    await writeGguf(mmprojPath, { metadata, tensors: contents.tensors }, { seed: 3 });
    await assert.rejects(checkModelPair({ modelPath: model.modelPath, mmprojPath }), (error: GlimpseError) =>
      error.code === 'pair-mismatch' && /produces 64-wide embeddings, the model expects 1536/.test(error.message));
  });
});
