// Visual-token estimates against numbers worked out from libmtmd's formulas (checked separately
// with float32 arithmetic in numpy), plus the projector fields read from the tiny pairs.

import assert from 'node:assert/strict';
import { dynamicResolutionSize, estimateImageTokens, ImageTokenProjector } from '../../../src/core/models/imageTokens';
import { checkModelPair } from '../../../src/core/models/pairCheck';
import { imageBudgetFor } from '../../../src/core/models/imageBudget';
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

describe('estimateImageTokens: Gemma 3 and Qwen2.5-VL', () => {
  // The published Gemma 3 mmproj: 896 px, 14 px patches, no scale-factor key (clip.cpp pools 4×4).
  const gemma3: ImageTokenProjector = { projectorType: 'gemma3', imageSize: 896, patchSize: 14, spatialMergeSize: undefined, tiled: false };
  const qwen25Vl: ImageTokenProjector = { ...qwen2Vl, projectorType: 'qwen2.5vl_merger' };

  it('gemma3: every image is resized to 896×896, 64×64 patches pooled 4×4 to 256 embeddings + 2 markers', () => {
    for (const image of [{ width: 320, height: 240 }, { width: 1920, height: 1080 }, { width: 800, height: 3000 }, { width: 10, height: 10 }]) {
      assert.equal(estimateImageTokens(gemma3, image), 258, `${image.width}×${image.height}`);
    }
  });

  it('gemma3: a scale-factor key changes the pooling (224 px, patch 14, factor 2: 16×16 patches → 64 embeddings + 2 markers)', () => {
    assert.equal(estimateImageTokens({ ...gemma3, imageSize: 224, scaleFactor: 2 }, { width: 640, height: 480 }), 66);
  });

  it('gemma3: without an image size it is not predicted', () => {
    assert.equal(estimateImageTokens({ ...gemma3, imageSize: undefined }, { width: 640, height: 480 }), undefined);
  });

  it('tiny-gemma3 read through the pair check: 896 px, patch 14, no scale factor → 258', async () => {
    const pair = await ensureSyntheticPair('tiny-gemma3', testModelsDirectory('tiny-gemma3'));
    const info = await checkModelPair({ modelPath: pair.modelPath, mmprojPath: pair.mmprojPath });
    assert.ok(info.vision);
    if (!info.vision) return;
    assert.equal(info.vision.projectorType, 'gemma3');
    assert.equal(info.vision.imageSize, 896);
    assert.equal(info.vision.patchSize, 14);
    assert.equal(info.vision.scaleFactor, undefined);
    assert.equal(info.vision.spatialMergeSize, undefined);
    assert.equal(estimateImageTokens(info.vision, { width: 1920, height: 1080 }), 258);
  });

  it('gemma3: Glimpse sends at most 1792 px on the long side (twice the 896 px libmtmd resizes to) and no pixel cap', async () => {
    const pair = await ensureSyntheticPair('tiny-gemma3', testModelsDirectory('tiny-gemma3'));
    const info = await checkModelPair({ modelPath: pair.modelPath, mmprojPath: pair.mmprojPath });
    assert.deepEqual(imageBudgetFor(info), { maxLongSide: 1792 });
  });

  it('qwen2.5vl_merger counts as Qwen2-VL does: 1920×1080 → 2691 + 2, 320×240 → 99 + 2', () => {
    assert.equal(estimateImageTokens(qwen25Vl, { width: 1920, height: 1080 }), 2693);
    assert.equal(estimateImageTokens(qwen25Vl, { width: 320, height: 240 }), 101);
  });

  it('qwen2.5vl_merger: 1194×672 aligns to 1204×672 (43×24 = 1032 + 2); 462×1734 rounds 16.5 up, to 476×1736 (17×62 = 1054 + 2)', () => {
    assert.deepEqual(dynamicResolutionSize(qwen25Vl, { width: 1194, height: 672 }), { width: 1204, height: 672 });
    assert.equal(estimateImageTokens(qwen25Vl, { width: 1194, height: 672 }), 1034);
    assert.deepEqual(dynamicResolutionSize(qwen25Vl, { width: 462, height: 1734 }), { width: 476, height: 1736 });
    assert.equal(estimateImageTokens(qwen25Vl, { width: 462, height: 1734 }), 1056);
  });

  it('tiny-qwen2.5vl read through the pair check: patch 14, merge 2 from its key', async () => {
    const pair = await ensureSyntheticPair('tiny-qwen2.5vl', testModelsDirectory('tiny-qwen2.5vl'));
    const info = await checkModelPair({ modelPath: pair.modelPath, mmprojPath: pair.mmprojPath });
    assert.ok(info.vision);
    if (!info.vision) return;
    assert.equal(info.vision.projectorType, 'qwen2.5vl_merger');
    assert.equal(info.vision.patchSize, 14);
    assert.equal(info.vision.spatialMergeSize, 2);
    assert.equal(estimateImageTokens(info.vision, { width: 320, height: 240 }), 101);
  });
});
