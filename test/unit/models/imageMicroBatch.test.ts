// Which pairs need a larger llama-server micro-batch (`-ub`) so that one image fits in it: those
// whose image embeddings llama.cpp decodes non-causally, when an image can exceed the default 512.

import assert from 'node:assert/strict';
import { decodesImagesNonCausally, imageMicroBatch } from '../../../src/core/models/imageMicroBatch';
import type { ModelPairInfo, VisionProjectorInfo } from '../../../src/core/models/pairCheck';

function pair(projectorType: string, embeddingLength: number, vision: Partial<VisionProjectorInfo> = {}): ModelPairInfo {
  return {
    modelPath: '/m.gguf', modelFileSize: 1, modelName: 'm', modelArchitecture: 'gemma4', embeddingLength, inputEmbeddingLength: embeddingLength,
    contextLength: 8192, blockCount: 2,
    vision: { mmprojPath: '/p.gguf', fileSize: 1, projectorType, hasVisionEncoder: true, patchSize: 16, imageSize: 224, spatialMergeSize: 3, tiled: false, ...vision } as VisionProjectorInfo,
  };
}

describe('imageMicroBatch', () => {
  it('Gemma 4 26B/31B (any width but 1536 and 2560) decode images non-causally; E2B and E4B do not', () => {
    assert.equal(decodesImagesNonCausally('gemma4v', 5376), true);
    assert.equal(decodesImagesNonCausally('gemma4v', 64), true);
    assert.equal(decodesImagesNonCausally('gemma4v', 1536), false);
    assert.equal(decodesImagesNonCausally('gemma4v', 2560), false);
    assert.equal(decodesImagesNonCausally('gemma3', 2560), true);
    assert.equal(decodesImagesNonCausally('qwen2vl_merger', 1536), false);
  });

  it('a Gemma 4 31B pair gets -ub 1120, the most tokens one of its images takes; E2B keeps the default', () => {
    assert.equal(imageMicroBatch(pair('gemma4v', 5376)), 1120);
    assert.equal(imageMicroBatch(pair('gemma4v', 1536)), undefined);
  });

  it('Gemma 3 (256 embeddings an image) fits the default 512; a text-only setup needs nothing', () => {
    assert.equal(imageMicroBatch(pair('gemma3', 2560, { imageSize: 896, patchSize: 14, spatialMergeSize: undefined })), undefined);
    assert.equal(imageMicroBatch({ ...pair('gemma3', 2560), vision: false }), undefined);
  });
});
