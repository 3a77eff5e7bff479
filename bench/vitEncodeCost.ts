// A rough projection of image-encode time for a real Qwen2-VL vision encoder, which is too large
// to generate and too slow to run on a shared 2-core machine (Qwen2-VL-2B's ViT: 1280-d, 32 layers,
// ~0.6 G parameters, full attention over every patch). The machine's encoder throughput is taken
// from the bench pair's measured encode (CLIP ViT-B/16 at 224 px, real shapes), then applied to the
// Qwen2-VL encoder's arithmetic at the token counts the Qwen2-VL rows measured. Weight matmuls
// grow linearly with patches, attention quadratically, so the projection is an order of magnitude,
// not a measurement.

import type { VisualTokenRow } from './visualTokens';

export interface VitShape {
  readonly hidden: number;
  readonly layers: number;
  readonly feedForward: number;
  readonly patchSize: number;
}

export const clipVitB16: VitShape = { hidden: 768, layers: 12, feedForward: 3072, patchSize: 16 };
export const qwen2Vl2bVit: VitShape = { hidden: 1280, layers: 32, feedForward: 5120, patchSize: 14 };

/** Multiply-adds × 2 of a ViT over `positions` patches: patch embedding, q/k/v/out and MLP matmuls, attention. */
export function vitEncoderFlops(shape: VitShape, positions: number): number {
  const { hidden: d, layers, feedForward: f, patchSize: p } = shape;
  const patchEmbedding = 2 * positions * 3 * p * p * d;
  const perLayer = 2 * positions * (4 * d * d + 2 * d * f) + 4 * positions * positions * d;
  return patchEmbedding + layers * perLayer;
}

/** Markdown lines: the projection for the Qwen2-VL rows, or nothing when a figure is missing. */
export function qwen2VlEncodeProjection(rows: readonly VisualTokenRow[]): string[] {
  const calibration = rows.find((row) => row.preset === 'bench' && row.budgeted && row.encodeMs !== undefined);
  const qwenRows = rows.filter((row) => row.projectorType === 'qwen2vl_merger' && row.serverTokens !== undefined);
  if (!calibration?.encodeMs || qwenRows.length === 0) return [];
  const clipPositions = (224 / clipVitB16.patchSize) ** 2 + 1; // patches + class token
  const flopsPerSecond = vitEncoderFlops(clipVitB16, clipPositions) / (calibration.encodeMs / 1000);
  const projected = qwenRows
    .filter((row) => row.source.width === 3840 || row.source.width === 1280)
    .map((row) => {
      const positions = (row.serverTokens ?? 0) * 4; // 2×2 patches merged into one token
      const seconds = vitEncoderFlops(qwen2Vl2bVit, positions) / flopsPerSecond;
      return `${row.source.width}×${row.source.height} ${row.budgeted ? 'with the budget' : 'without it'} (${row.serverTokens} tokens) ≈ ${seconds.toFixed(0)} s`;
    });
  return [
    `Projection for a real Qwen2-VL-2B vision encoder (1280-d, 32 layers, full attention) on this machine, at the encoder ` +
      `throughput the bench pair's CLIP ViT-B/16 encode showed (${(flopsPerSecond / 1e9).toFixed(0)} GFLOP/s): ${projected.join('; ')}. ` +
      `An order of magnitude only (see bench/vitEncodeCost.ts).`,
  ];
}
