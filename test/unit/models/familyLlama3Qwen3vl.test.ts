// The llava-llama-3 (`mlp` at 336 px) and Qwen3-VL (`qwen3vl_merger`) sides of Glimpse's model
// arithmetic, against numbers worked out by hand from the pinned llama.cpp:
//  - tokens: `mlp` is (336 / 14)² = 576 with no markers (mtmd.cpp sets no img_beg/img_end for it);
//    Qwen3-VL aligns to patch 16 × merge 2 = 32 px, keeps 8 to 4096 merged tokens (clip.cpp
//    `set_limit_image_tokens(8, 4096)`, shared with Qwen2-VL and 2.5-VL), counts one token per
//    32 × 32 pixels and adds <|vision_start|> and <|vision_end|>;
//  - budget: Qwen3-VL's pixel cap is 1024 tokens of 32 × 32 pixels;
//  - widths: a Qwen3-VL projector hands over mm.2's width × (1 + deepstack mergers), the text
//    model takes n_embd × (1 + n_deepstack_layers) (llama-hparams.cpp `n_embd_inp`).

import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { imageBudgetFor } from '../../../src/core/models/imageBudget';
import { dynamicResolutionSize, estimateImageTokens, ImageTokenProjector } from '../../../src/core/models/imageTokens';
import { checkModelPair } from '../../../src/core/models/pairCheck';
import { projectorContents } from '../../fixtures/gguf/projector';
import { ensureSyntheticPair, presetShapes, testGeneratedDirectory, testModelsDirectory } from '../../fixtures/gguf/presets';
import { writeGguf } from '../../fixtures/gguf/writer';

const qwen3Vl: ImageTokenProjector = { projectorType: 'qwen3vl_merger', imageSize: 768, patchSize: 16, spatialMergeSize: 2, tiled: false };
const llavaLlama3: ImageTokenProjector = { projectorType: 'mlp', imageSize: 336, patchSize: 14, spatialMergeSize: undefined, tiled: false };

describe('estimateImageTokens: llava-llama-3 (mlp, 336 px)', () => {
  it('576 tokens and no markers for any image size', () => {
    for (const size of [{ width: 96, height: 64 }, { width: 1920, height: 1080 }, { width: 1240, height: 3508 }]) {
      assert.equal(estimateImageTokens(llavaLlama3, size), 576);
    }
  });

  it('tiny-llava-llama3 reads as 336 px, patch 14 from its projector file', async () => {
    const pair = await ensureSyntheticPair('tiny-llava-llama3', testModelsDirectory('tiny-llava-llama3'));
    const info = await checkModelPair(pair);
    assert.ok(info.vision);
    if (!info.vision) return;
    assert.equal(info.vision.imageSize, 336);
    assert.equal(info.vision.patchSize, 14);
    assert.equal(estimateImageTokens(info.vision, { width: 800, height: 600 }), 576);
  });
});

describe('estimateImageTokens: Qwen3-VL (qwen3vl_merger, patch 16)', () => {
  it('640×480 is already aligned to 32: 20 × 15 = 300 embeddings + 2 markers', () => {
    assert.deepEqual(dynamicResolutionSize(qwen3Vl, { width: 640, height: 480 }), { width: 640, height: 480 });
    assert.equal(estimateImageTokens(qwen3Vl, { width: 640, height: 480 }), 302);
  });

  it('1920×1080 rounds to 1920×1088: 60 × 34 = 2040 + 2 (patch 14 would give 2691 + 2)', () => {
    assert.deepEqual(dynamicResolutionSize(qwen3Vl, { width: 1920, height: 1080 }), { width: 1920, height: 1088 });
    assert.equal(estimateImageTokens(qwen3Vl, { width: 1920, height: 1080 }), 2042);
  });

  it('a tiny image is scaled up to the 8-token area: 10×10 → 96×96 (ceil(10 · √81.92 / 32) = 3), 9 + 2', () => {
    assert.deepEqual(dynamicResolutionSize(qwen3Vl, { width: 10, height: 10 }), { width: 96, height: 96 });
    assert.equal(estimateImageTokens(qwen3Vl, { width: 10, height: 10 }), 11);
  });

  it('96×64 (3 × 2 = 6 tokens, under 8) is scaled up to 128×96: 12 + 2', () => {
    assert.deepEqual(dynamicResolutionSize(qwen3Vl, { width: 96, height: 64 }), { width: 128, height: 96 });
    assert.equal(estimateImageTokens(qwen3Vl, { width: 96, height: 64 }), 14);
  });

  it('a huge image is scaled down under 4096 tokens: 4000×3000 → 2336×1760, 73 × 55 = 4015 + 2', () => {
    assert.deepEqual(dynamicResolutionSize(qwen3Vl, { width: 4000, height: 3000 }), { width: 2336, height: 1760 });
    assert.equal(estimateImageTokens(qwen3Vl, { width: 4000, height: 3000 }), 4017);
  });

  it('--image-max-tokens 256 caps 1920×1080 at 672×384: 21 × 12 = 252 + 2', () => {
    assert.deepEqual(dynamicResolutionSize(qwen3Vl, { width: 1920, height: 1080 }, { maxTokens: 256 }), { width: 672, height: 384 });
    assert.equal(estimateImageTokens(qwen3Vl, { width: 1920, height: 1080 }, { maxTokens: 256 }), 254);
  });

  it('tiny-qwen3vl reads as patch 16, merge 2 from its projector file', async () => {
    const pair = await ensureSyntheticPair('tiny-qwen3vl', testModelsDirectory('tiny-qwen3vl'));
    const info = await checkModelPair(pair);
    assert.ok(info.vision);
    if (!info.vision) return;
    assert.equal(info.vision.projectorType, 'qwen3vl_merger');
    assert.equal(info.vision.patchSize, 16);
    assert.equal(info.vision.spatialMergeSize, 2);
    assert.equal(estimateImageTokens(info.vision, { width: 1365, height: 768 }), 43 * 24 + 2);
  });
});

describe('imageBudgetFor: llava-llama-3 and Qwen3-VL', () => {
  it('llava-llama-3 (fixed 336 px): twice the input size on the long side, 672', async () => {
    const pair = await ensureSyntheticPair('tiny-llava-llama3', testModelsDirectory('tiny-llava-llama3'));
    assert.deepEqual(imageBudgetFor(await checkModelPair(pair)), { maxLongSide: 672 });
  });

  it('Qwen3-VL: 1024 tokens of 32 × 32 pixels (1 048 576), long side up to 2688', async () => {
    const pair = await ensureSyntheticPair('tiny-qwen3vl', testModelsDirectory('tiny-qwen3vl'));
    assert.deepEqual(imageBudgetFor(await checkModelPair(pair)), { maxLongSide: 2688, maxPixels: 1_048_576 });
  });
});

describe('checkModelPair: Qwen3-VL deepstack widths', () => {
  it('a matched tiny-qwen3vl pair: both sides are 64 × (1 + 3) = 256 wide', async () => {
    const pair = await ensureSyntheticPair('tiny-qwen3vl', testModelsDirectory('tiny-qwen3vl'));
    const info = await checkModelPair(pair);
    assert.equal(info.modelArchitecture, 'qwen3vl');
    assert.equal(info.embeddingLength, 64);
    assert.equal(info.inputEmbeddingLength, 256);
    assert.ok(info.vision);
    assert.equal(info.vision && info.vision.projectionWidth, 256);
  });

  it('deepstack tensors on a block past clip.vision.block_count are not counted (clip.cpp never loads them)', async () => {
    const shape = presetShapes('tiny-qwen3vl').projector;
    const contents = projectorContents(shape);
    const stray = contents.tensors.filter((tensor) => tensor.name.startsWith('v.deepstack.0.')).map((tensor) => ({
      ...tensor,
      name: tensor.name.replace('v.deepstack.0.', `v.deepstack.${shape.blockCount}.`),
    }));
    const directory = testGeneratedDirectory('family-llama3-qwen3vl');
    await fs.mkdir(directory, { recursive: true });
    const mmprojPath = path.join(directory, 'mmproj-stray-deepstack.gguf');
    await writeGguf(mmprojPath, { metadata: contents.metadata, tensors: [...contents.tensors, ...stray] }, { seed: 5 });
    const model = await ensureSyntheticPair('tiny-qwen3vl', testModelsDirectory('tiny-qwen3vl'));
    const info = await checkModelPair({ modelPath: model.modelPath, mmprojPath });
    assert.ok(info.vision);
    assert.equal(info.vision && info.vision.projectionWidth, 256);
  });
});
