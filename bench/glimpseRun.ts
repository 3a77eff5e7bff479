// One run through Glimpse's core: a fresh llama-server (cold load), the image prepared by the core,
// one streamed answer. Figures measured as in mtmdCliRun.ts so the two can be divided.

import { followUpTurns } from '../src/core/chat/prompts';
import type { ChatTurn } from '../src/core/chat/turn';
import { LlamaServer } from '../src/core/engine/llamaServer';
import { prepareImage, type PreparedImage } from '../src/core/images/prepare';
import { imageBudgetFor } from '../src/core/models/imageBudget';
import { parseLlamaLog } from './llamaLog';
import type { RunFigures } from './mtmdCliRun';
import { PeakMemorySampler } from './peakMemory';

export interface GlimpseRunFigures extends RunFigures {
  /** A follow-up question in the same conversation: time to its first token, and what the server reused. */
  followUpFirstTokenMs: number;
  followUpCachedTokens: number;
  prepareMs: number;
  prepared: PreparedImage;
  decodeTokensPerSecond: number;
  promptTokens: number;
}

export interface GlimpseRunOptions {
  serverPath?: string;
  modelPath: string;
  mmprojPath: string;
  imagePath: string;
  prompt: string;
  threads: number;
  contextSize: number;
  tokens: number;
}

export async function runGlimpse(options: GlimpseRunOptions): Promise<GlimpseRunFigures> {
  const lines: string[] = [];
  const server = new LlamaServer(
    {
      serverPath: options.serverPath,
      modelPath: options.modelPath,
      mmprojPath: options.mmprojPath,
      threads: options.threads,
      contextSize: options.contextSize,
      // Verbosity 4 prints the trace lines llamaLog.ts times the image encode with.
      extraArgs: ['-lv', '4', ...(process.env.GLIMPSE_BENCH_EXTRA_ARGS ?? '').split(' ').filter(Boolean)],
    },
    { info() {}, warn() {}, error() {}, server: (line) => lines.push(line) },
  );
  try {
    const loadStarted = performance.now();
    const running = await server.start();
    const loadMs = performance.now() - loadStarted;
    const memory = new PeakMemorySampler(running.pid);

    const askedAt = performance.now();
    const prepared = await prepareImage({ path: options.imagePath }, imageBudgetFor(running.pair));
    const prepareMs = performance.now() - askedAt;
    let firstTokenMs: number | undefined;
    let decodeTokensPerSecond = 0;
    let promptTokens = 0;
    let answer = '';
    const turns: ChatTurn[] = [{ role: 'user', text: options.prompt, images: [prepared] }];
    const chatOptions = { maxTokens: options.tokens, temperature: 0, seed: 1, cachePrompt: true, extraBody: { ignore_eos: true } };
    for await (const event of server.chat(turns, chatOptions)) {
      if (event.type === 'delta') {
        firstTokenMs ??= performance.now() - askedAt;
        answer += event.text;
      }
      if (event.type === 'done') {
        decodeTokensPerSecond = event.timings?.predictedPerSecond ?? 0;
        promptTokens = event.usage?.promptTokens ?? 0;
      }
    }
    // The follow-up: the same image prefix, the answer, a new question (the chat panel's path).
    const followUpAskedAt = performance.now();
    let followUpFirstTokenMs: number | undefined;
    let followUpCachedTokens = 0;
    for await (const event of server.chat(followUpTurns(turns, answer, 'What colours does it use?'), { ...chatOptions, maxTokens: 8 })) {
      if (event.type === 'delta') followUpFirstTokenMs ??= performance.now() - followUpAskedAt;
      if (event.type === 'done') followUpCachedTokens = event.timings?.cachedTokens ?? 0;
    }
    const peakRssMiB = memory.stop();
    // Give the server a moment to print its timing lines after the last chunk.
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { loadMs, firstTokenMs: firstTokenMs ?? NaN, followUpFirstTokenMs: followUpFirstTokenMs ?? NaN, followUpCachedTokens, prepareMs, prepared, log: parseLlamaLog(lines), peakRssMiB, decodeTokensPerSecond, promptTokens };
  } finally {
    await server.dispose();
  }
}
