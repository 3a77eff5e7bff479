// Visual tokens against pixels, for fixed-size (LLaVA `mlp`) and dynamic-resolution (Qwen2-VL)
// projectors. Each test size is prepared as Glimpse sends it (imageBudgetFor → prepareImage), the
// tokens are predicted with imageTokens.ts and read back from llama-server's log, and the encode
// is timed from the log (llamaLog.ts). One row per preset also sends the 3840×2160 image without
// Glimpse's budget: a fixed-size projector's server resizes it to image_size² (same tokens), a
// Qwen2-VL server keeps up to 4096 tokens' worth of pixels (tokens and encode time grow).

import path from 'node:path';
import { LlamaServer } from '../src/core/engine/llamaServer';
import type { ImageSize } from '../src/core/images/budget';
import { prepareImage } from '../src/core/images/prepare';
import { imageBudgetFor } from '../src/core/models/imageBudget';
import { dynamicResolutionSize, estimateImageTokens } from '../src/core/models/imageTokens';
import type { VisionProjectorInfo } from '../src/core/models/pairCheck';
import { ensureSyntheticPair, modelsDirectoryFor, type SyntheticPresetName } from '../test/fixtures/gguf/presets';
import { writeTestImage } from '../test/fixtures/images';
import { parseLlamaLog } from './llamaLog';
import { median } from './statistics';

export const visualTokenSizes: readonly ImageSize[] = [
  { width: 224, height: 224 },
  { width: 448, height: 448 },
  { width: 896, height: 896 },
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
];

/** tiny-llava and bench are both fixed-size `mlp` (bench with real CLIP ViT-B/16 shapes); tiny-qwen2vl is dynamic. */
export const visualTokenPresets: readonly SyntheticPresetName[] = ['tiny-llava', 'bench', 'tiny-qwen2vl'];

/** Enough context for a Qwen2-VL image at the server's own 4096-token cap. */
const minimumContext = 8192;

export interface VisualTokenRow {
  readonly preset: SyntheticPresetName;
  readonly projectorType: string;
  readonly source: ImageSize;
  /** False for the row sent at its full size, without Glimpse's budget. */
  readonly budgeted: boolean;
  readonly sent: ImageSize;
  /** What was sent: "image/png" or "image/jpeg", and its size in bytes. */
  readonly sentMimeType: string;
  readonly sentBytes: number;
  /** What libmtmd resizes the image to before encoding, as imageTokens.ts predicts it. */
  readonly encoderInput?: ImageSize;
  readonly predictedTokens?: number;
  /** Sum of n_tokens_batch over the server's "decoding image batch i/n" log lines. */
  readonly serverTokens?: number;
  /** Cross-check: total minus text tokens of the server's "init sampler … tokens: text = T, total = N" line. */
  readonly promptImageTokens?: number;
  /** usage.prompt_tokens with the image minus without it: embeddings plus libmtmd's marker tokens
   *  (what estimateImageTokens predicts). */
  readonly promptGrowth?: number;
  /** Median over the runs. */
  readonly encodeMs?: number;
  readonly encodeRunsMs: readonly number[];
  /** Median time to decode the image's embeddings into the model ("image decoded … in X ms"). */
  readonly imageDecodeMs?: number;
  /** Median client time from sending the request to its end (1 generated token): includes the
   *  upload, the server's own image decode and resize, the encode and the prompt. */
  readonly requestMs?: number;
}

export interface VisualTokenOptions {
  readonly serverPath?: string;
  readonly threads: number;
  readonly contextSize: number;
  readonly runs: number;
  readonly imagesDirectory: string;
  readonly presets?: readonly SyntheticPresetName[];
  /** Source sizes (visualTokenSizes when absent). */
  readonly sizes?: readonly ImageSize[];
  /** Also send the largest size without Glimpse's budget (true when absent). */
  readonly unbudgetedLargest?: boolean;
}

export async function benchVisualTokens(options: VisualTokenOptions): Promise<VisualTokenRow[]> {
  const images = await Promise.all((options.sizes ?? visualTokenSizes).map(async (size) => {
    const file = path.join(options.imagesDirectory, `screenshot-${size.width}x${size.height}.png`);
    await writeTestImage(file, { ...size, format: 'png', pattern: 'screenshot' });
    return { size, file };
  }));
  const largest = images[images.length - 1];
  const rows: VisualTokenRow[] = [];
  for (const preset of options.presets ?? visualTokenPresets) {
    const pair = await ensureSyntheticPair(preset, modelsDirectoryFor(preset));
    const contextSize = Math.max(options.contextSize, minimumContext);
    const extraArgs = ['-lv', '4'];
    // llama-server caps a slot's context at the model's training context (2048 for the tiny presets).
    if (pair.model.contextLength < contextSize) extraArgs.push('--override-kv', `${pair.model.architecture}.context_length=int:${contextSize}`);
    const lines: string[] = [];
    const server = new LlamaServer(
      { serverPath: options.serverPath, modelPath: pair.modelPath, mmprojPath: pair.mmprojPath, threads: options.threads, contextSize, extraArgs },
      { info() {}, warn() {}, error() {}, server: (line) => lines.push(line) },
    );
    try {
      const running = await server.start();
      const vision = running.pair.vision;
      if (!vision) throw new Error(`the ${preset} pair has no projector`);
      const budget = imageBudgetFor(running.pair);
      // One unmeasured request first: the first image pays for buffers the later ones reuse.
      await askAbout(server, await prepareImage({ path: images[0].file }, budget));
      // The same question without an image: what the prompt grows by with one is the image's count.
      const textOnlyTokens = (await askAbout(server, undefined)).promptTokens;
      const cases = [
        ...images.map((image) => ({ image, budgeted: true })),
        ...(options.unbudgetedLargest === false ? [] : [{ image: largest, budgeted: false }]),
      ];
      for (const { image, budgeted } of cases) {
        process.stderr.write(`tokens: ${preset} ${image.size.width}×${image.size.height}${budgeted ? '' : ' without budget'}\n`);
        const sendBudget = budgeted ? budget : { maxLongSide: Math.max(image.size.width, image.size.height) };
        const prepared = await prepareImage({ path: image.file }, sendBudget);
        const sent = { width: prepared.width, height: prepared.height };
        const measured: Array<{ encodeMs?: number; imageDecodeMs?: number; requestMs: number; promptTokens?: number; tokens: ImageTokensInLog }> = [];
        for (let run = 0; run < options.runs; run++) {
          const from = lines.length;
          const { elapsedMs: requestMs, promptTokens } = await askAbout(server, prepared);
          const requestLines = lines.slice(from);
          const figures = parseLlamaLog(requestLines);
          measured.push({ encodeMs: figures.encodeMs, imageDecodeMs: figures.imageDecodeMs, requestMs, promptTokens, tokens: imageTokensInLog(requestLines) });
        }
        const withImageTokens = measured[0]?.promptTokens;
        const encodeRunsMs = measured.map((m) => m.encodeMs).filter((ms): ms is number => ms !== undefined);
        rows.push({
          preset,
          projectorType: vision.projectorType,
          source: image.size,
          budgeted,
          sent,
          sentMimeType: prepared.mimeType,
          sentBytes: prepared.data.length,
          encoderInput: encoderInputSize(vision, sent),
          predictedTokens: estimateImageTokens(vision, sent),
          serverTokens: measured[0]?.tokens.batchTokens,
          promptImageTokens: measured[0]?.tokens.promptImageTokens,
          promptGrowth: withImageTokens !== undefined && textOnlyTokens !== undefined ? withImageTokens - textOnlyTokens : undefined,
          encodeMs: median(encodeRunsMs),
          encodeRunsMs,
          imageDecodeMs: median(measured.map((m) => m.imageDecodeMs).filter((ms): ms is number => ms !== undefined)),
          requestMs: median(measured.map((m) => m.requestMs)),
        });
      }
    } finally {
      await server.dispose();
    }
  }
  return rows;
}

/** Milliseconds from sending the request to its last event, and the prompt tokens it reported. */
async function askAbout(server: LlamaServer, image: Awaited<ReturnType<typeof prepareImage>> | undefined): Promise<{ elapsedMs: number; promptTokens?: number }> {
  const started = performance.now();
  let promptTokens: number | undefined;
  // No prompt cache: every request encodes its image again. One generated token is enough.
  for await (const event of server.chat([{ role: 'user', text: 'Describe this image.', images: image ? [image] : [] }], { maxTokens: 1, temperature: 0, cachePrompt: false })) {
    if (event.type === 'done') promptTokens = event.usage?.promptTokens;
  }
  const elapsedMs = performance.now() - started;
  // The server prints its timing lines just after the last chunk.
  await new Promise((resolve) => setTimeout(resolve, 100));
  return { elapsedMs, promptTokens };
}

export interface ImageTokensInLog {
  readonly batchTokens?: number;
  readonly promptImageTokens?: number;
}

/** The image tokens llama-server reports in one request's log (verbosity 4). */
export function imageTokensInLog(lines: readonly string[]): ImageTokensInLog {
  let batchTokens: number | undefined;
  let promptImageTokens: number | undefined;
  for (const line of lines) {
    const batch = /decoding image batch \d+\/\d+, n_tokens_batch = (\d+)/.exec(line);
    if (batch) batchTokens = (batchTokens ?? 0) + Number(batch[1]);
    const sampler = /init sampler.*tokens: text = (\d+), total = (\d+)/.exec(line);
    if (sampler) promptImageTokens = Number(sampler[2]) - Number(sampler[1]);
  }
  return { batchTokens, promptImageTokens };
}

function encoderInputSize(vision: VisionProjectorInfo, sent: ImageSize): ImageSize | undefined {
  if (vision.spatialMergeSize !== undefined) return dynamicResolutionSize(vision, sent);
  if (!vision.tiled && vision.imageSize) return { width: vision.imageSize, height: vision.imageSize };
  return undefined;
}

export function visualTokenTable(rows: readonly VisualTokenRow[]): string[] {
  const size = (s: ImageSize | undefined) => (s ? `${s.width}×${s.height}` : '—');
  const number = (value: number | undefined, digits = 0) => (value === undefined ? '—' : value.toFixed(digits));
  return [
    '| preset (projector) | source | budget | sent as | sent Mpx | sent KiB | encoder input (predicted) | tokens predicted | tokens server (log) | prompt growth (usage) | encode ms | image → model ms | request ms |',
    '|---|---|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((row) =>
      `| ${row.preset} (${row.projectorType}) | ${size(row.source)} | ${row.budgeted ? 'Glimpse' : '**none**'} | ${size(row.sent)} ${row.sentMimeType.replace('image/', '').toUpperCase()} | ` +
        `${((row.sent.width * row.sent.height) / 1e6).toFixed(2)} | ${(row.sentBytes / 1024).toFixed(0)} | ${size(row.encoderInput)} | ${number(row.predictedTokens)} | ` +
        `${number(row.serverTokens)}${row.promptImageTokens !== undefined && row.promptImageTokens !== row.serverTokens ? ` (prompt: ${row.promptImageTokens})` : ''} | ` +
        `${number(row.promptGrowth)} | ${number(row.encodeMs, 1)} | ${number(row.imageDecodeMs, 0)} | ${number(row.requestMs, 0)} |`),
  ];
}
