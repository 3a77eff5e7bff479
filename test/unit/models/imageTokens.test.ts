// Visual-token estimates against numbers worked out from libmtmd's formulas (checked separately
// with float32 arithmetic in numpy), plus the projector fields read from the tiny pairs.

import assert from 'node:assert/strict';
import { dynamicResolutionSize, estimateImageTokens, ImageTokenProjector } from '../../../src/core/models/imageTokens';
import { checkModelPair } from '../../../src/core/models/pairCheck';
import { ensureSyntheticPair, testModelsDirectory } from '../../fixtures/gguf/presets';

const qwen2Vl: ImageTokenProjector = { projectorType: 'qwen2vl_merger', imageSize: 560, patchSize: 14, spatialMergeSize: 2, tiled: false };
const llava15: ImageTokenProjector = { projectorType: 'mlp', imageSize: 336, patchSize: 14, spatialMergeSize: undefined, tiled: false };

describe('estimateImageTokens', () => {
  it('tiny-llava (mlp, 56 px, patch 14) gives 16 tokens for any image size', async () => {
    const pair = await ensureSyntheticPair('tiny-llava', testModelsDirectory('tiny-llava'));
    const info = await checkModelPair({ modelPath: pair.modelPath, mmprojPath: pair.mmprojPath });
    assert.ok(info.vision);
    if (!info.vision) return;
    assert.equal(estimateImageTokens(info.vision, { width: 56, height: 56 }), 16);
    assert.equal(estimateImageTokens(info.vision, { width: 1920, height: 1080 }), 16);
  });

  it('LLaVA-1.5 (336 px, patch 14) gives 576 tokens', () => {
    assert.equal(estimateImageTokens(llava15, { width: 800, height: 600 }), 576);
  });

  it('a tiled mlp projector (LLaVA-1.6) is not predicted', () => {
    assert.equal(estimateImageTokens({ ...llava15, tiled: true }, { width: 800, height: 600 }), undefined);
  });

  it('qwen2vl: 640×480 is aligned to 644×476, 23×17 = 391 embeddings + 2 markers', async () => {
    const pair = await ensureSyntheticPair('tiny-qwen2vl', testModelsDirectory('tiny-qwen2vl'));
    const info = await checkModelPair({ modelPath: pair.modelPath, mmprojPath: pair.mmprojPath });
    assert.ok(info.vision);
    if (!info.vision) return;
    assert.deepEqual(dynamicResolutionSize(info.vision, { width: 640, height: 480 }), { width: 644, height: 476 });
    assert.equal(estimateImageTokens(info.vision, { width: 640, height: 480 }), 393);
  });

  it('qwen2vl: 64×48 becomes 112×84, 12 embeddings (what llama-mtmd-cli reported for this image with tiny-qwen2vl) + 2 markers', () => {
    assert.deepEqual(dynamicResolutionSize(qwen2Vl, { width: 64, height: 48 }), { width: 112, height: 84 });
    assert.equal(estimateImageTokens(qwen2Vl, { width: 64, height: 48 }), 14);
  });

  it('qwen2vl: 1920×1080 gives 2691 embeddings and 320×240 gives 99, each + 2 markers', () => {
    assert.equal(estimateImageTokens(qwen2Vl, { width: 1920, height: 1080 }), 2693);
    assert.equal(estimateImageTokens(qwen2Vl, { width: 320, height: 240 }), 101);
  });

  it('qwen2vl: a tiny image is scaled up to the 8-token minimum area (10×10 → 84×84, 9 embeddings + 2 markers)', () => {
    assert.deepEqual(dynamicResolutionSize(qwen2Vl, { width: 10, height: 10 }), { width: 84, height: 84 });
    assert.equal(estimateImageTokens(qwen2Vl, { width: 10, height: 10 }), 11);
  });

  it('qwen2vl: a huge image is scaled down under the 4096-token maximum (4000×3000 → 4015 embeddings + 2 markers)', () => {
    assert.deepEqual(dynamicResolutionSize(qwen2Vl, { width: 4000, height: 3000 }), { width: 2044, height: 1540 });
    assert.equal(estimateImageTokens(qwen2Vl, { width: 4000, height: 3000 }), 4017);
  });

  it('qwen2vl: --image-max-tokens lowers the cap (1920×1080 at 256 → 252 embeddings + 2 markers)', () => {
    assert.equal(estimateImageTokens(qwen2Vl, { width: 1920, height: 1080 }, { maxTokens: 256 }), 254);
  });

  it('an unknown projector type is not predicted', () => {
    assert.equal(estimateImageTokens({ ...qwen2Vl, projectorType: 'some_future_type' }, { width: 640, height: 480 }), undefined);
  });
});
