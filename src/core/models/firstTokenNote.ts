// What the "what the model sees" strip says when the first-token budget traded detail for time:
// the size the model takes the image in, the wait expected on this machine, what the full size
// would cost, and what to do for small text. Nothing when nothing was traded.

import { defaultMaxImageTokens } from './imageBudget';
import { dynamicResolutionSize, dynamicTokenLimits, estimateImageTokens, type ImageSize } from './imageTokens';
import { idefics3Slicing } from './imageTokensIdefics3';
import { expectedSeconds, type FirstTokenPlan } from './firstTokenBudget';
import type { VisionProjectorInfo } from './pairCheck';

export interface NotedImage {
  /** As sent. */
  readonly width: number;
  readonly height: number;
  /** The source (or crop) before Glimpse resized it. */
  readonly originalWidth: number;
  readonly originalHeight: number;
}

/** Below half size a screenshot's UI text (11–14 px) drops under ~6 px: too small to read. */
const legibleScale = 0.5;

export function firstTokenNote(vision: VisionProjectorInfo, plan: FirstTokenPlan, image: NotedImage, imageMaxTokens: number | undefined): string | undefined {
  const original = { width: image.originalWidth, height: image.originalHeight };
  const tokens = estimateImageTokens(vision, image, { maxTokens: imageMaxTokens });
  const full = fullSizeTokens(vision, original);
  if (tokens === undefined || full === undefined || tokens >= full) return undefined;
  const seen = seenSize(vision, image, imageMaxTokens);
  const expected = expectedSeconds(plan, tokens);
  const fullSeconds = expectedSeconds(plan, full);
  if (!seen || expected === undefined || fullSeconds === undefined) return undefined;
  const scale = Math.min(seen.width / original.width, seen.height / original.height);
  const speed = plan.measured ? 'as timed on this machine' : 'estimated until Glimpse has timed an image here';
  const seenAt = `Seen at ${seen.width}×${seen.height}`;
  const trade = expected <= plan.budgetSeconds * 1.1
    ? `${seenAt} to answer within ~${seconds(plan.budgetSeconds)} s`
    : `${seenAt}, the least this model takes: ~${seconds(expected)} s here, over the ${seconds(plan.budgetSeconds)} s budget`;
  const advice = scale < legibleScale
    ? `small text is unreadable at ${Math.round(scale * 100)}%: crop to the part that matters, or raise "glimpse.firstTokenBudgetSeconds"`
    : 'crop for small text';
  return `${trade} (the full size would take ~${seconds(fullSeconds)} s, ${speed}); ${advice}.`;
}

/** Tokens the image would take without the budget: the model's own slicing, or Glimpse's default cap. */
function fullSizeTokens(vision: VisionProjectorInfo, original: ImageSize): number | undefined {
  if (vision.projectorType === 'idefics3') return estimateImageTokens(vision, original);
  if (dynamicTokenLimits(vision)) return estimateImageTokens(vision, original, { maxTokens: defaultMaxImageTokens });
  return undefined;
}

/** The pixels the encoder gets: idefics3's tiles (the overview aside), or the dynamic resize of what was sent. */
function seenSize(vision: VisionProjectorInfo, image: ImageSize, imageMaxTokens: number | undefined): ImageSize | undefined {
  if (vision.projectorType === 'idefics3') {
    if (!vision.imageSize || !vision.patchSize) return undefined;
    const slicing = idefics3Slicing({ ...vision, imageSize: vision.imageSize, patchSize: vision.patchSize }, image.width, image.height, { maxTokens: imageMaxTokens });
    return slicing && { width: slicing.refinedWidth, height: slicing.refinedHeight };
  }
  return dynamicResolutionSize(vision, image, { maxTokens: imageMaxTokens });
}

function seconds(value: number): string {
  return value < 10 ? value.toFixed(1).replace(/\.0$/, '') : String(Math.round(value));
}
