// How large an image Glimpse sends to a given model. Sending more pixels than the projector uses
// costs base64, transfer and resize time for nothing; sending fewer loses text in screenshots.
//  - Fixed-size projectors (LLaVA-1.5 `mlp`, …) resize every image to image_size²: twice that on the
//    long side keeps the server's own resize sharp and the payload small.
//  - Tiled projectors (LLaVA-1.6 grid pinpoints) use up to ~3 tiles a side: 1344 px.
//  - Dynamic-resolution projectors (Qwen2-VL family) spend one token per (2·patch)² pixels; the
//    pixel cap keeps an image at `maxImageTokens` tokens (default 1024: ~1036×775 at patch 14,
//    ~1182×887 at Qwen3-VL's patch 16), which bounds encode time on a CPU while keeping
//    screenshot text readable.

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
  if (vision.tiled) return { maxLongSide: generalLongSide };
  if (vision.imageSize) return { maxLongSide: Math.max(448, vision.imageSize * 2) };
  return { maxLongSide: generalLongSide };
}
