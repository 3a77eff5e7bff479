// One run through Glimpse's core: a fresh llama-server (cold load), the image prepared by the core,
// one streamed answer. Figures measured as in mtmdCliRun.ts so the two can be divided.

import type { ChatTurn } from '../src/core/openai/turn';
import { LlamaServer } from '../src/core/engine/llamaServer';
import { prepareImage, type PreparedImage } from '../src/core/images/prepare';
import { imageBudgetFor } from '../src/core/models/imageBudget';
import { measureChatFollowUps, type ChatFollowUpFigures } from './chatFollowUp';
import { parseLlamaLog } from './llamaLog';
import type { RunFigures } from './mtmdCliRun';
import { PeakMemorySampler } from './peakMemory';

export interface GlimpseRunFigures extends RunFigures {
  /** A conversation through the chat panel's path on the same server: first question, follow-ups. */
  chat: ChatFollowUpFigures;
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
    const turns: ChatTurn[] = [{ role: 'user', text: options.prompt, images: [prepared] }];
    const chatOptions = { maxTokens: options.tokens, temperature: 0, seed: 1, cachePrompt: true, extraBody: { ignore_eos: true } };
    for await (const event of server.chat(turns, chatOptions)) {
      if (event.type === 'delta') firstTokenMs ??= performance.now() - askedAt;
      if (event.type === 'done') {
        decodeTokensPerSecond = event.timings?.predictedPerSecond ?? 0;
        promptTokens = event.usage?.promptTokens ?? 0;
      }
    }
    // Give the server a moment to print its timing lines after the last chunk (the log figures
    // are the first request's).
    await new Promise((resolve) => setTimeout(resolve, 200));
    const log = parseLlamaLog(lines);
    // The peak of the one request the CLI also makes; the conversation below is not compared.
    const peakRssMiB = memory.stop();
    // Then a conversation as the chat panel has it: its own system prompt, so nothing of the
    // request above is reused, and the image is encoded again for its first question.
    const chat = await measureChatFollowUps(server, prepared, 32);
    return { loadMs, firstTokenMs: firstTokenMs ?? NaN, chat, prepareMs, prepared, log, peakRssMiB, decodeTokensPerSecond, promptTokens };
  } finally {
    await server.dispose();
  }
}
