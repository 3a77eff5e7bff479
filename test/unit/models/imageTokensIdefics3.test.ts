// The idefics3 (SmolVLM) image token estimate against numbers worked out by hand from libmtmd's
// slicing (mtmd-image.cpp `mtmd_image_preprocessor_idefics3`, mtmd.cpp MTMD_SLICE_TMPL_IDEFICS3),
// with the published SmolVLM 500M projector's hyperparameters: 512 px tiles, patch 16, scale
// factor 4, longest edge 2048. Per tile and for the overview: (512/16)² / 4² = 64 embeddings; each
// tile 2 markers, each row but the last 1, the overview 4:
//   tokens = tiles·66 + (rows − 1) + 64 + 4.
// Plus the budget Glimpse sends such an image with, the projector fields read from the tiny pair,
// and the count the chat shows for a prepared image.

import assert from 'node:assert/strict';
import { describeLocalPair } from '../../../src/core/engine/localEngine';
import { imageBudgetFor } from '../../../src/core/models/imageBudget';
import { estimateImageTokens, ImageTokenProjector } from '../../../src/core/models/imageTokens';
import { idefics3Slicing } from '../../../src/core/models/imageTokensIdefics3';
import { checkModelPair } from '../../../src/core/models/pairCheck';
import { ensureSyntheticPair, testModelsDirectory } from '../../fixtures/gguf/presets';

const smolVlm500m: ImageTokenProjector = {
  projectorType: 'idefics3',
  imageSize: 512,
  patchSize: 16,
  spatialMergeSize: undefined,
  tiled: false,
  scaleFactor: 4,
  preprocessImageSize: 2048,
};

describe('estimateImageTokens: idefics3 (SmolVLM)', () => {
  it('320×240 is scaled up to 2048×1536: 4×3 tiles, 12·66 + 2 + 68 = 862', () => {
    const slicing = idefics3Slicing({ imageSize: 512, patchSize: 16, scaleFactor: 4, preprocessImageSize: 2048 }, 320, 240);
    assert.deepEqual(slicing, { refinedWidth: 2048, refinedHeight: 1536, columns: 4, rows: 3, embeddingsPerTile: 64, tokens: 862 });
    assert.equal(estimateImageTokens(smolVlm500m, { width: 320, height: 240 }), 862);
  });

  it('1920×1080 becomes 2048×1152, stretched to 2048×1536: 4×3 tiles, 862', () => {
    assert.equal(idefics3Slicing({ imageSize: 512, patchSize: 16, scaleFactor: 4, preprocessImageSize: 2048 }, 1920, 1080)?.refinedHeight, 1536);
    assert.equal(estimateImageTokens(smolVlm500m, { width: 1920, height: 1080 }), 862);
  });

  it('3840×2160 is scaled down to the same 2048×1152: only the aspect ratio counts, 862', () => {
    assert.equal(estimateImageTokens(smolVlm500m, { width: 3840, height: 2160 }), 862);
  });

  it('a tall 1280×4000 page becomes 655 (made even: 656)×2048: 2×4 tiles, 8·66 + 3 + 68 = 599', () => {
    const slicing = idefics3Slicing({ imageSize: 512, patchSize: 16, scaleFactor: 4, preprocessImageSize: 2048 }, 1280, 4000);
    assert.deepEqual([slicing?.columns, slicing?.rows, slicing?.refinedWidth], [2, 4, 1024]);
    assert.equal(estimateImageTokens(smolVlm500m, { width: 1280, height: 4000 }), 599);
  });

  it('a square takes the full 4×4 grid (16·66 + 3 + 68 = 1127), a 4:1 strip one row (4·66 + 68 = 332)', () => {
    assert.equal(estimateImageTokens(smolVlm500m, { width: 1000, height: 1000 }), 1127);
    assert.equal(estimateImageTokens(smolVlm500m, { width: 2000, height: 500 }), 332);
  });

  it('an old file without the preprocessing size rounds each side to whole tiles (1920×1080 → 4×2: 597; 320×240 → 1×1: 134)', () => {
    const old: ImageTokenProjector = { ...smolVlm500m, preprocessImageSize: undefined };
    assert.equal(estimateImageTokens(old, { width: 1920, height: 1080 }), 8 * 66 + 1 + 68);
    assert.equal(estimateImageTokens(old, { width: 320, height: 240 }), 66 + 68);
  });

  it('without an image size it is not predicted', () => {
    assert.equal(estimateImageTokens({ ...smolVlm500m, imageSize: undefined }, { width: 320, height: 240 }), undefined);
  });

  it('reads the scale factor and preprocessing size from the tiny SmolVLM pair, and sends at most 2048 px on the long side', async () => {
    const pair = await ensureSyntheticPair('tiny-smolvlm-500m', testModelsDirectory('tiny-smolvlm-500m'));
    const info = await checkModelPair({ modelPath: pair.modelPath, mmprojPath: pair.mmprojPath });
    assert.ok(info.vision);
    if (!info.vision) return;
    assert.deepEqual(
      [info.vision.projectorType, info.vision.imageSize, info.vision.patchSize, info.vision.scaleFactor, info.vision.preprocessImageSize],
      ['idefics3', 512, 16, 4, 2048],
    );
    assert.equal(estimateImageTokens(info.vision, { width: 1280, height: 4000 }), 599);
    assert.deepEqual(imageBudgetFor(info), { maxLongSide: 2048 });
    // what the chat shows under "What the model sees" for the page as sent (655×2048)
    assert.equal(describeLocalPair(info).imageTokens?.(655, 2048), 599);
  });
});
