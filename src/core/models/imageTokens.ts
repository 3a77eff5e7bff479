// How many embedding positions (visual tokens) one image takes in the model's context, computed
// the way libmtmd does for the projector types Glimpse knows, so the prompt budget can be
// planned before an image is sent. The count is what the prompt grows by, as llama-server reports
// it: the image embeddings plus the marker tokens libmtmd puts around them (tools/mtmd/mtmd.cpp,
// `img_beg`/`img_end` and the slice templates), each marker being one token of the model's
// vocabulary as in the published models.
//
//  - Fixed-size projectors (`mlp`, `mlp_norm`; `ldp`/`ldpv2` quarter it): every image is resized
//    to image_size × image_size (tools/mtmd/mtmd-image.cpp `mtmd_image_preprocessor_fixed_size`),
//    giving (image_size / patch_size)² tokens (tools/mtmd/clip.cpp `clip_n_output_tokens`).
//  - `gemma3`: fixed size too (mtmd.cpp uses `mtmd_image_preprocessor_fixed_size`: every image
//    is fitted, padded, into 896 × 896 in the published files), then the patch grid is average-pooled by
//    n_merge per side (4 unless `clip.vision.projector.scale_factor` says otherwise): 64² patches
//    → 16² = 256 embeddings (`clip_n_output_tokens`), between `<start_of_image>` and
//    `<end_of_image>`.
//  - Qwen2-VL family (`qwen2vl_merger`, `qwen2.5vl_merger`, `qwen3vl_merger`): dynamic resolution.
//    The size is aligned to multiples of patch × merge and kept between a minimum and maximum
//    pixel count (mtmd-image.cpp `calc_size_preserved_ratio`, called by
//    `mtmd_image_preprocessor_dyn_size`); the limits are 8 and 4096 merged tokens unless
//    llama-server's --image-min-tokens / --image-max-tokens override them (clip.cpp
//    `load_hparams`: `set_limit_image_tokens(8, 4096)`, one case shared by all three); tokens are
//    (w / 2p) × (h / 2p) (`clip_n_output_tokens`). Qwen2-VL and 2.5-VL have 14 px patches (28 px
//    per token), Qwen3-VL 16 px (32 px per token): the patch size comes from the projector file.
//  - Qwen2.5-VL's window attention changes nothing here: same patch size, merge, limits and count
//    as Qwen2-VL (checked in clip.cpp at de3ff81).
//  - Gemma 4 (`gemma4v`): the same resize with align = patch × pooling kernel (16 × 3 = 48 px),
//    limits 70 and 1120 tokens (`set_limit_image_tokens(70, 1120)`), one token per pooled
//    48 × 48 block (`clip_n_output_tokens`: patches / merge²), between <|image> and <image|>.
//  - `idefics3` (SmolVLM): the image is cut into image_size tiles plus an overview, each wrapped in
//    marker tokens; --image-max-tokens / --image-min-tokens change how many tiles (imageTokensIdefics3.ts).

import type { VisionProjectorInfo } from './pairCheck';
import { idefics3Slicing } from './imageTokensIdefics3';
import { sizePreservingRatio } from './preservedRatioSize';

export type ImageTokenProjector = Pick<VisionProjectorInfo, 'projectorType' | 'imageSize' | 'patchSize' | 'spatialMergeSize' | 'tiled'> &
  Partial<Pick<VisionProjectorInfo, 'scaleFactor' | 'preprocessImageSize'>>;

export interface ImageTokenOptions {
  /** llama-server `--image-min-tokens` (dynamic-resolution projectors and idefics3). */
  readonly minTokens?: number;
  /** llama-server `--image-max-tokens` (dynamic-resolution projectors and idefics3: see imageTokensIdefics3.ts). */
  readonly maxTokens?: number;
}

export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

/**
 * Dynamic-resolution projectors: the token limits clip.cpp `load_hparams` sets, and the side of
 * one token in pixels (`clip_n_output_tokens`): two patches for the Qwen family ("2 conv, so
 * double patch size", whatever the merge), patch × merge for Gemma 4's pooling.
 */
interface DynamicRule {
  readonly minTokens: number;
  readonly maxTokens: number;
  readonly tokenEdge: 'twoPatches' | 'patchTimesMerge';
}
const qwenRule: DynamicRule = { minTokens: 8, maxTokens: 4096, tokenEdge: 'twoPatches' };
const dynamicRules: ReadonlyMap<string, DynamicRule> = new Map([
  ['qwen2vl_merger', qwenRule],
  ['qwen2.5vl_merger', qwenRule],
  ['qwen3vl_merger', qwenRule],
  ['gemma4v', { minTokens: 70, maxTokens: 1120, tokenEdge: 'patchTimesMerge' }],
]);

const fixedSizeDivisors: ReadonlyMap<string, number> = new Map([
  ['mlp', 1],
  ['mlp_norm', 1],
  ['ldp', 4],
  ['ldpv2', 4],
]);
/** Fixed-size projectors that average-pool the patch grid, with clip.cpp's default n_merge. */
const pooledProjectorDefaults: ReadonlyMap<string, number> = new Map([['gemma3', 4]]);

/** Marker tokens libmtmd adds around one image that is not sliced (`img_beg` + `img_end`). */
const imageMarkerTokens: ReadonlyMap<string, number> = new Map([
  ['qwen2vl_merger', 2], // <|vision_start|> … <|vision_end|>
  ['qwen2.5vl_merger', 2],
  ['qwen3vl_merger', 2],
  ['gemma3', 2], // <start_of_image> … <end_of_image>
  ['gemma4v', 2], // <|image> … <image|>
]);

function markersOf(projectorType: string): number {
  return imageMarkerTokens.get(projectorType) ?? 0;
}

/** The token limits of a dynamic-resolution projector (clip.cpp's defaults), or undefined for the others. */
export function dynamicTokenLimits(projector: Pick<ImageTokenProjector, 'projectorType'>): { readonly minTokens: number; readonly maxTokens: number } | undefined {
  return dynamicRules.get(projector.projectorType);
}

/** Visual tokens for a `width` × `height` image, or undefined for a projector it cannot predict. */
export function estimateImageTokens(projector: ImageTokenProjector, image: ImageSize, options: ImageTokenOptions = {}): number | undefined {
  const { patchSize, imageSize } = projector;
  if (patchSize === undefined || patchSize <= 0) return undefined;

  const divisor = fixedSizeDivisors.get(projector.projectorType);
  if (divisor !== undefined) {
    if (projector.tiled || imageSize === undefined || imageSize <= 0) return undefined;
    const perSide = Math.floor(imageSize / patchSize);
    return Math.floor((perSide * perSide) / divisor) + markersOf(projector.projectorType);
  }

  if (projector.projectorType === 'idefics3') {
    if (imageSize === undefined) return undefined;
    return idefics3Slicing({ ...projector, imageSize, patchSize }, image.width, image.height, options)?.tokens;
  }

  const defaultPooling = pooledProjectorDefaults.get(projector.projectorType);
  if (defaultPooling !== undefined) {
    if (imageSize === undefined || imageSize <= 0) return undefined;
    const pooling = projector.scaleFactor ?? defaultPooling;
    if (pooling <= 0) return undefined;
    const perSide = Math.floor(imageSize / patchSize);
    return Math.floor((perSide * perSide) / (pooling * pooling)) + markersOf(projector.projectorType);
  }

  const dynamic = dynamicRules.get(projector.projectorType);
  if (dynamic !== undefined) {
    const resized = dynamicResolutionSize(projector, image, options);
    if (resized === undefined) return undefined;
    const tokenEdge = dynamic.tokenEdge === 'patchTimesMerge' ? patchSize * (projector.spatialMergeSize ?? 2) : patchSize * 2;
    return Math.floor(resized.width / tokenEdge) * Math.floor(resized.height / tokenEdge) + markersOf(projector.projectorType);
  }
  return undefined;
}

/**
 * The most embeddings one image can take (markers not counted), or undefined for a projector it
 * cannot predict: the token limit of a dynamic-resolution projector, the fixed count of the others.
 */
export function largestImageEmbeddings(projector: ImageTokenProjector, options: ImageTokenOptions = {}): number | undefined {
  const dynamic = dynamicRules.get(projector.projectorType);
  if (dynamic !== undefined) return options.maxTokens ?? dynamic.maxTokens;
  if (projector.projectorType === 'idefics3') return undefined; // sliced: each tile is decoded on its own
  const fixed = estimateImageTokens(projector, { width: 1, height: 1 }, options);
  return fixed === undefined ? undefined : fixed - markersOf(projector.projectorType);
}

/** The size libmtmd resizes an image to for a dynamic-resolution (Qwen2-VL family) projector. */
export function dynamicResolutionSize(
  projector: Pick<ImageTokenProjector, 'patchSize' | 'spatialMergeSize'> & { readonly projectorType?: string },
  image: ImageSize,
  options: ImageTokenOptions = {},
): ImageSize | undefined {
  const { patchSize } = projector;
  if (patchSize === undefined || patchSize <= 0) return undefined;
  const merge = projector.spatialMergeSize ?? 2;
  const align = patchSize * merge;
  const tokenArea = align * align;
  const limits = dynamicRules.get(projector.projectorType ?? '') ?? qwenRule;
  return sizePreservingRatio(image, {
    align,
    minPixels: (options.minTokens ?? limits.minTokens) * tokenArea,
    maxPixels: (options.maxTokens ?? limits.maxTokens) * tokenArea,
  });
}
