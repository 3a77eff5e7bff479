// Image token count for the `idefics3` projector (SmolVLM, Idefics3), as the pinned libmtmd
// computes it. libmtmd always slices an idefics3 image (tools/mtmd/mtmd-image.cpp
// `mtmd_image_preprocessor_idefics3::preprocess`):
//  1. it resizes the image, up or down, so that its longest edge is the projector's preprocessing
//     size (`clip.vision.preproc_image_size`, 2048 for SmolVLM 256M/500M), the other edge keeping
//     the aspect ratio, truncated and then made even;
//  2. it stretches that up to whole tiles of image_size (512) on each side: grid = ceil(side / 512);
//  3. it encodes every tile plus one overview (the whole image at 512×512).
// With llama-server's --image-max-tokens / --image-min-tokens (clip.cpp `set_limit_image_tokens()`
// turns them into pixel limits of tokens × (patch × scale_factor)²), or in an old file without the
// preprocessing size, libmtmd takes the generic path instead (`calc_size_preserved_ratio` with
// align = image_size): the longest edge is scaled to the preprocessing size and each side rounded
// up to whole tiles (no preprocessing size: each side rounded to the nearest whole tile); if that
// holds more pixels than the maximum, the image is scaled down to it and each side rounded down
// (at least one tile), if fewer than the minimum, scaled up to it and rounded up. The same tiles and
// overview follow.
//
// Each tile and the overview give (image_size / patch_size)² / scale_factor² embeddings (clip.cpp
// `clip_n_output_tokens`: pixel shuffle by `clip.vision.projector.scale_factor`, 4 for SmolVLM:
// 1024 patches → 64). The markers around them (tools/mtmd/mtmd.cpp, MTMD_SLICE_TMPL_IDEFICS3):
//  - before each tile, "<fake_token_around_image><row_R_col_C>" (2 tokens);
//  - "\n" after every row of tiles but the last (1 token each);
//  - after the tiles, the overview: "\n\n" "<fake_token_around_image>" "<global-img>" before it and
//    "<fake_token_around_image>" after it (4 tokens).

import { sizePreservingRatio } from './preservedRatioSize';

export interface Idefics3Projector {
  /** `clip.vision.image_size`: the side of a tile and of the overview. */
  readonly imageSize: number;
  readonly patchSize: number;
  /** `clip.vision.projector.scale_factor` (clip.cpp's n_merge; 1 when the key is absent). */
  readonly scaleFactor?: number;
  /** `clip.vision.preproc_image_size`: the longest edge the image is resized to, if the file has it. */
  readonly preprocessImageSize?: number;
}

/** llama-server's --image-min-tokens / --image-max-tokens (absent or 0: not given). */
export interface Idefics3TokenLimits {
  readonly minTokens?: number;
  readonly maxTokens?: number;
}

export interface Idefics3Slicing {
  /** The size the image is resized to before it is cut (a whole number of tiles per side). */
  readonly refinedWidth: number;
  readonly refinedHeight: number;
  readonly columns: number;
  readonly rows: number;
  /** Embeddings per tile and for the overview. */
  readonly embeddingsPerTile: number;
  /** Everything the prompt grows by: every tile's and the overview's embeddings and markers. */
  readonly tokens: number;
}

const tileMarkers = 2; // <fake_token_around_image><row_R_col_C>
const rowEndMarkers = 1; // \n
const overviewMarkers = 4; // \n\n <fake_token_around_image> <global-img> … <fake_token_around_image>

/** How libmtmd cuts a `width` × `height` image for this projector, or undefined if it cannot tell. */
export function idefics3Slicing(projector: Idefics3Projector, width: number, height: number, limits: Idefics3TokenLimits = {}): Idefics3Slicing | undefined {
  const { imageSize: tile, patchSize } = projector;
  const scale = projector.scaleFactor ?? 1;
  if (!(tile > 0 && patchSize > 0 && scale > 0 && width > 0 && height > 0)) return undefined;
  const patchesPerSide = Math.floor(tile / patchSize);
  const embeddingsPerTile = Math.floor((patchesPerSide * patchesPerSide) / (scale * scale));

  const pixelsPerToken = (patchSize * scale) ** 2;
  const pixelLimits = { min: (limits.minTokens ?? 0) * pixelsPerToken, max: (limits.maxTokens ?? 0) * pixelsPerToken };
  const refined = refinedSize(tile, projector.preprocessImageSize, pixelLimits, width, height);
  const columns = Math.ceil(refined.width / tile);
  const rows = Math.ceil(refined.height / tile);
  const tiles = columns * rows;
  const rowEnds = tiles > 0 ? rows - 1 : 0;
  const tokens = tiles * (embeddingsPerTile + tileMarkers) + rowEnds * rowEndMarkers + embeddingsPerTile + overviewMarkers;
  return { refinedWidth: refined.width, refinedHeight: refined.height, columns, rows, embeddingsPerTile, tokens };
}

function refinedSize(tile: number, longestEdge: number | undefined, limits: { min: number; max: number }, width: number, height: number): { width: number; height: number } {
  const edge = longestEdge !== undefined && longestEdge > 0 ? longestEdge : 0;
  if (edge > 0 && limits.min <= 0 && limits.max <= 0) {
    // the C++ divides by a double aspect ratio and truncates to int, then adds side % 2
    const aspectRatio = width / height;
    let resizedWidth: number;
    let resizedHeight: number;
    if (width >= height) {
      resizedWidth = edge;
      resizedHeight = Math.trunc(edge / aspectRatio);
      resizedHeight += resizedHeight % 2;
    } else {
      resizedHeight = edge;
      resizedWidth = Math.trunc(edge * aspectRatio);
      resizedWidth += resizedWidth % 2;
    }
    return { width: Math.ceil(resizedWidth / tile) * tile, height: Math.ceil(resizedHeight / tile) * tile };
  }
  // img_tool::calc_size_preserved_ratio with align = image_size
  return sizePreservingRatio({ width, height }, { align: tile, minPixels: limits.min, maxPixels: limits.max, longestEdge: edge }) ?? { width: tile, height: tile };
}
