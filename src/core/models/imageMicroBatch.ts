// llama.cpp decodes the image embeddings of some families with bidirectional (non-causal)
// attention (tools/mtmd/mtmd.cpp `mtmd_decode_use_non_causal`): Gemma 3, and Gemma 4 at any text
// width other than E2B's 1536 and E4B's 2560 (the 26B and 31B models). llama_decode then needs a
// whole image in one micro-batch, and aborts the server ("non-causal attention requires n_ubatch
// >= n_tokens") when an image has more embeddings than llama-server's `-ub` (512 by default). For
// those pairs the engine is started with a micro-batch that holds the largest image.

import { largestImageEmbeddings, type ImageTokenOptions } from './imageTokens';
import type { ModelPairInfo } from './pairCheck';

/** llama-server's default `-ub` (common/common.h `n_ubatch`). */
const defaultMicroBatch = 512;

/** Gemma 4 widths whose images libmtmd decodes causally (E2B, E4B). */
const causalGemma4Widths = new Set([1536, 2560]);

export function decodesImagesNonCausally(projectorType: string, textWidth: number): boolean {
  if (projectorType === 'gemma4v') return !causalGemma4Widths.has(textWidth);
  return projectorType === 'gemma3' || projectorType === 'gemma4uv' || projectorType === 'deepseek4v';
}

/** The `-ub` the pair needs, or undefined when llama-server's default holds every image. */
export function imageMicroBatch(pair: ModelPairInfo, options: ImageTokenOptions = {}): number | undefined {
  const vision = pair.vision;
  if (!vision || !decodesImagesNonCausally(vision.projectorType, pair.embeddingLength)) return undefined;
  const largest = largestImageEmbeddings(vision, options);
  return largest !== undefined && largest > defaultMicroBatch ? largest : undefined;
}
