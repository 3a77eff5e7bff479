// The first-token budget: how many visual tokens an image may take so that the first word of the
// answer comes within `budgetSeconds` on this machine. On a CPU nearly all of that wait is the
// image: its encode and the prompt it fills (a 1920×1080 screenshot through SmolVLM's slicing is 13
// encodes of 512 × 512, ~40 s on 2 threads). The cost per visual token is the one measured on this
// machine (encodeSpeed.ts); before the first measurement it is a prior from the pair's size (about
// 2 × parameters FLOPs per patch, at 40 GFLOP/s per thread, what a 2-core AVX2 machine gave for
// SmolVLM 500M Q8_0; file bytes stand for parameters), and with an accelerator there is no prior.
// Once follow-ups have timed the text, a typical prompt's text (~300 tokens) is taken off the
// budget first, and the image figure is net of it.
//
// The lever depends on how the model sizes an image:
//  - idefics3 (SmolVLM) always scales an image to its preprocessing size (2048 px) before slicing,
//    so sending fewer pixels changes nothing; llama-server's --image-max-tokens does (fewer tiles:
//    imageTokensIdefics3.ts). It is a server flag: it applies from the next engine start.
//  - Dynamic-resolution projectors (Qwen2-VL family, Gemma 4) take the image at the size it is
//    sent: the pixel budget of each request is lowered (imageBudget.ts `maxImageTokens`).
//  - Fixed-size projectors (LLaVA `mlp`, Gemma 3) always take the same tokens: nothing to trade.

import { defaultMaxImageTokens } from './imageBudget';
import { dynamicTokenLimits, estimateImageTokens, type ImageSize } from './imageTokens';
import type { ModelPairInfo, VisionProjectorInfo } from './pairCheck';

/** The setting's default: long enough for SmolVLM's overview plus two tiles on a 2-core laptop. */
export const defaultFirstTokenBudgetSeconds = 10;

const priorGflopsPerThread = 40;
/** Explain Image's prompt and a question: ~250 tokens of instructions, ~50 of question. */
const typicalPromptTextTokens = 300;

/** Screens, windows, pages and phones: the shapes a server-wide cap must fit. */
const referenceShapes: readonly ImageSize[] = [
  { width: 1920, height: 1080 },
  { width: 1440, height: 900 },
  { width: 1024, height: 768 },
  { width: 1000, height: 1000 },
  { width: 768, height: 1024 },
  { width: 1080, height: 1920 },
];

export interface FirstTokenPlan {
  readonly budgetSeconds: number;
  /** The cost used: measured on this machine, or the prior. Undefined: no estimate (accelerator, unknown projector). */
  readonly msPerVisualToken?: number;
  readonly measured: boolean;
  /** The prompt text's share of the first token, assumed for a typical question (ms); 0 when not measured. */
  readonly textMs: number;
  /** llama-server --image-max-tokens (idefics3); undefined: the model's own limit. */
  readonly serverMaxImageTokens?: number;
  /** Per-request visual-token cap (dynamic resolution); undefined: Glimpse's default. */
  readonly maxImageTokens?: number;
}

export interface PlanInputs {
  /** 0 or less: no budget. */
  readonly budgetSeconds: number;
  readonly measuredMsPerVisualToken?: number;
  /** Measured prompt cost per text token (follow-ups); undefined: not known, the image figure carries it. */
  readonly measuredMsPerTextToken?: number;
  readonly threads: number;
  /** The engine can offload to a GPU (no prior: a CPU figure would be far too slow). */
  readonly accelerated: boolean;
}

export function planFirstToken(pair: ModelPairInfo, inputs: PlanInputs): FirstTokenPlan {
  const vision = pair.vision;
  const measured = inputs.measuredMsPerVisualToken;
  const msPerVisualToken = measured ?? (vision && !inputs.accelerated ? priorMsPerVisualToken(pair, vision, inputs.threads) : undefined);
  const textMs = measured !== undefined ? (inputs.measuredMsPerTextToken ?? 0) * typicalPromptTextTokens : 0;
  const base = { budgetSeconds: inputs.budgetSeconds, msPerVisualToken, measured: measured !== undefined, textMs };
  if (!vision || msPerVisualToken === undefined || !(inputs.budgetSeconds > 0)) return base;
  const tokens = Math.max(0, inputs.budgetSeconds * 1000 - textMs) / msPerVisualToken;
  if (vision.projectorType === 'idefics3') return { ...base, serverMaxImageTokens: idefics3Cap(vision, tokens) };
  const limits = dynamicTokenLimits(vision);
  if (limits) {
    const cap = Math.max(limits.minTokens, Math.floor(tokens));
    return cap < defaultMaxImageTokens ? { ...base, maxImageTokens: cap } : base;
  }
  return base;
}

/**
 * The largest --image-max-tokens (whole tiles' worth) that keeps every reference shape within
 * `tokens`; undefined when the model's own slicing already does; one tile when nothing does.
 */
function idefics3Cap(vision: VisionProjectorInfo, tokens: number): number | undefined {
  const perTile = tileEmbeddings(vision);
  if (perTile === undefined) return undefined;
  const worst = (options: { maxTokens?: number }) => Math.max(...referenceShapes.map((shape) => estimateImageTokens(vision, shape, options) ?? Infinity));
  if (worst({}) <= tokens) return undefined;
  const uncappedTiles = Math.ceil(((vision.preprocessImageSize ?? 2048) / (vision.imageSize ?? 512)) ** 2);
  for (let tiles = uncappedTiles; tiles > 1; tiles--) {
    if (worst({ maxTokens: tiles * perTile }) <= tokens) return tiles * perTile;
  }
  return perTile;
}

function tileEmbeddings(vision: VisionProjectorInfo): number | undefined {
  if (!vision.imageSize || !vision.patchSize) return undefined;
  const perSide = Math.floor(vision.imageSize / vision.patchSize);
  const scale = vision.scaleFactor ?? 1;
  return Math.floor((perSide * perSide) / (scale * scale));
}

/** ~2 FLOPs per parameter per patch through the vision tower, per token through the language model. */
function priorMsPerVisualToken(pair: ModelPairInfo, vision: VisionProjectorInfo, threads: number): number {
  const patchesPerToken = patchesPerVisualToken(vision);
  const flops = 2 * vision.fileSize * patchesPerToken + 2 * pair.modelFileSize;
  return flops / (priorGflopsPerThread * 1e9 * Math.max(1, threads)) * 1000;
}

function patchesPerVisualToken(vision: VisionProjectorInfo): number {
  if (vision.projectorType === 'idefics3' || vision.projectorType === 'gemma3') return (vision.scaleFactor ?? 4) ** 2;
  if (vision.spatialMergeSize !== undefined) return vision.spatialMergeSize ** 2;
  return 1;
}

/** Seconds the first token takes for `visualTokens` under the plan, or undefined without an estimate. */
export function expectedSeconds(plan: FirstTokenPlan, visualTokens: number | undefined): number | undefined {
  if (plan.msPerVisualToken === undefined || visualTokens === undefined) return undefined;
  return (plan.msPerVisualToken * visualTokens + plan.textMs) / 1000;
}
