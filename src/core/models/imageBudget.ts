// How large an image Glimpse sends to a given model. Sending more pixels than the projector uses
// costs base64, transfer and resize time for nothing; sending fewer loses text in screenshots.
//  - Fixed-size projectors (LLaVA-1.5 `mlp`, …) resize every image to image_size²: twice that on the
//    long side keeps the server's own resize sharp and the payload small. Gemma 3 (`gemma3`) is one:
//    libmtmd fits every image into 896 × 896 (its image_size; aspect kept, the rest padded:
//    clip.cpp's default PAD_CEIL), so up to 1792 px on the long side is sent; more pixels would
//    not add a single token (always 256).
//  - Tiled projectors (LLaVA-1.6 grid pinpoints) use up to ~3 tiles a side: 1344 px.
//  - Dynamic-resolution projectors (Qwen2-VL family) spend one token per (2·patch)² pixels; the
//    pixel cap keeps an image at `maxImageTokens` tokens (default 1024: ~1036×775 at patch 14,
//    ~1182×887 at Qwen3-VL's patch 16), which bounds encode time on a CPU while keeping
//    screenshot text readable.
//  - idefics3 (SmolVLM) resizes every image, up or down, to its preprocessing size on the long side
//    (`clip.vision.preproc_image_size`, 2048 for SmolVLM 256M/500M) before cutting it into tiles, so
//    that is the budget: more pixels are thrown away by libmtmd, fewer are upscaled again and lose
//    detail. The token count depends only on the aspect ratio (imageTokensIdefics3.ts). Without the
//    key, libmtmd rounds each side to whole tiles of image_size, so the image is sent as it is, up
//    to the general long side.

import type { ImageBudget } from '../images/budget';
import type { ModelPairInfo } from './pairCheck';

export const defaultMaxImageTokens = 1024;
const generalLongSide = 1344;

export function imageBudgetFor(pair: ModelPairInfo, maxImageTokens = defaultMaxImageTokens): ImageBudget {
  const vision = pair.vision;
  if (!vision) return { maxLongSide: generalLongSide };
  if (vision.spatialMergeSize !== undefined && vision.patchSize) {
    const tokenEdge = vision.patchSize * vision.spatialMergeSize;
    return { maxLongSide: generalLongSide * 2, maxPixels: maxImageTokens * tokenEdge * tokenEdge };
  }
  if (vision.projectorType === 'idefics3') {
    return { maxLongSide: vision.preprocessImageSize && vision.preprocessImageSize > 0 ? vision.preprocessImageSize : generalLongSide };
  }
  if (vision.tiled) return { maxLongSide: generalLongSide };
  if (vision.imageSize) return { maxLongSide: Math.max(448, vision.imageSize * 2) };
  return { maxLongSide: generalLongSide };
}
