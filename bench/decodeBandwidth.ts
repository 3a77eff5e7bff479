// Decode speed against the limit memory bandwidth sets: a decoded token reads every weight once
// (bytesPerToken.ts), so bandwidth ÷ bytes per token is the most tokens per second any engine can
// decode on this machine. Bandwidth is measured first (no server running), then a text-only
// llama-server (no projector: decode does not use it) generates a fixed number of tokens per run.

import { LlamaServer } from '../src/core/engine/llamaServer';
import { bytesReadPerToken, type BytesPerToken } from './bytesPerToken';
import { measureMemoryBandwidth, type MemoryBandwidth } from './memoryBandwidth';
import { median } from './statistics';

export interface DecodeRun {
  readonly tokensPerSecond: number;
  readonly promptTokens: number;
  readonly generatedTokens: number;
}

export interface DecodeBandwidthFigures {
  readonly bandwidth: MemoryBandwidth;
  readonly bytesPerToken: BytesPerToken;
  readonly decodeRuns: readonly DecodeRun[];
  /** Median of the runs. */
  readonly decodeTokensPerSecond: number;
  /** Best measured bandwidth ÷ bytes per token. */
  readonly limitTokensPerSecond: number;
  readonly fractionOfLimit: number;
}

export interface DecodeBandwidthOptions {
  readonly serverPath?: string;
  readonly modelPath: string;
  readonly threads: number;
  readonly contextSize: number;
  readonly tokens: number;
  readonly runs: number;
}

const prompt = 'Write a long story about a lighthouse keeper.';

export async function benchDecodeBandwidth(options: DecodeBandwidthOptions): Promise<DecodeBandwidthFigures> {
  const bandwidth = measureMemoryBandwidth(options.threads);
  const decodeRuns = await measureDecode(options);
  const decodeTokensPerSecond = median(decodeRuns.map((run) => run.tokensPerSecond)) ?? NaN;
  // The KV cache read grows with the context: count it at the middle of the generated tokens.
  const averageContext = Math.round(median(decodeRuns.map((run) => run.promptTokens + run.generatedTokens / 2)) ?? NaN);
  const bytesPerToken = await bytesReadPerToken(options.modelPath, averageContext);
  const limitTokensPerSecond = bandwidth.bestBytesPerSecond / bytesPerToken.totalBytes;
  return { bandwidth, bytesPerToken, decodeRuns, decodeTokensPerSecond, limitTokensPerSecond, fractionOfLimit: decodeTokensPerSecond / limitTokensPerSecond };
}

async function measureDecode(options: DecodeBandwidthOptions): Promise<DecodeRun[]> {
  const server = new LlamaServer({ serverPath: options.serverPath, modelPath: options.modelPath, threads: options.threads, contextSize: options.contextSize });
  const runs: DecodeRun[] = [];
  try {
    for (let run = 1; run <= options.runs; run++) {
      process.stderr.write(`decode ${run}/${options.runs}\n`);
      const chatOptions = { maxTokens: options.tokens, temperature: 0, seed: 1, cachePrompt: false, extraBody: { ignore_eos: true } };
      for await (const event of server.chat([{ role: 'user', text: prompt }], chatOptions)) {
        if (event.type === 'done' && event.timings) {
          runs.push({ tokensPerSecond: event.timings.predictedPerSecond, promptTokens: event.timings.promptTokens, generatedTokens: event.timings.predictedTokens });
        }
      }
    }
  } finally {
    await server.dispose();
  }
  if (runs.length === 0) throw new Error('llama-server reported no timings for the decode runs');
  return runs;
}

export function decodeBandwidthTable(figures: DecodeBandwidthFigures): string[] {
  const { bandwidth, bytesPerToken: bytes } = figures;
  const gb = (value: number) => (value / 1e9).toFixed(1);
  const mib = (value: number) => (value / 2 ** 20).toFixed(1);
  return [
    '| figure | value |',
    '|---|---:|',
    `| memory read bandwidth, best of ${bandwidth.passes} passes (median) | ${gb(bandwidth.bestBytesPerSecond)} GB/s (${gb(bandwidth.medianBytesPerSecond)}) |`,
    `| block weights (all layers, norms) | ${mib(bytes.blockWeightBytes)} MiB |`,
    `| output head (${bytes.tiedOutput ? 'tied: the whole token embedding table' : 'output.weight'}) | ${mib(bytes.outputHeadBytes)} MiB |`,
    `| token embedding lookup (one row) | ${(bytes.embeddingRowBytes / 1024).toFixed(2)} KiB |`,
    `| KV cache at ${bytes.contextTokens} positions (${(bytes.kvBytesPerPosition / 1024).toFixed(0)} KiB each, F16) | ${mib(bytes.kvBytes)} MiB |`,
    `| bytes read per decoded token | ${mib(bytes.totalBytes)} MiB |`,
    `| bandwidth limit (best bandwidth ÷ bytes per token) | ${figures.limitTokensPerSecond.toFixed(1)} tok/s |`,
    `| decode measured (median of ${figures.decodeRuns.length}) | ${figures.decodeTokensPerSecond.toFixed(1)} tok/s |`,
    `| decode as a fraction of the limit | ${(figures.fractionOfLimit * 100).toFixed(0)} % |`,
    `| effective read rate while decoding (decode × bytes per token) | ${gb(figures.decodeTokensPerSecond * bytes.totalBytes)} GB/s |`,
  ];
}
