// What the idle unload (glimpse.unloadAfterIdleMinutes → llama-server --sleep-idle-seconds) frees
// and what waking costs, on one engine process: a question about an image (cold start), a text
// follow-up on the warm server (its cache holds the image), then the server is left idle until it
// reports sleeping, and the same follow-up is asked again. Resident memory (VmRSS) is read awake,
// after the first answers, and asleep; the wake costs the model's reload plus the whole
// conversation again, image encode included (sleeping drops the prompt cache).

import fs from 'node:fs';
import { explainImage } from '../src/core/chat/explainImage';
import { LocalEngine } from '../src/core/engine/localEngine';
import { LlamaServer } from '../src/core/engine/llamaServer';
import type { ChatTurn } from '../src/core/openai/turn';

export interface IdleUnloadFigures {
  readonly imageFirstTokenMs: number;
  readonly warmFollowUpMs: number;
  readonly wokenFollowUpMs: number;
  readonly awakeRssMiB?: number;
  readonly asleepRssMiB?: number;
  /** How long after the last answer the server reported sleeping. */
  readonly sleptAfterMs: number;
}

export interface IdleUnloadOptions {
  readonly serverPath?: string;
  readonly modelPath: string;
  readonly mmprojPath: string;
  readonly imagePath: string;
  readonly threads: number;
  readonly contextSize: number;
  readonly sleepAfterSeconds: number;
  /** Passed to llama-server (e.g. --image-max-tokens, to keep a sliced image's encode short). */
  readonly extraArgs?: readonly string[];
}

const followUp = 'And what stands out most?';

export async function runIdleUnload(options: IdleUnloadOptions): Promise<IdleUnloadFigures> {
  const server = new LlamaServer({
    serverPath: options.serverPath, modelPath: options.modelPath, mmprojPath: options.mmprojPath, threads: options.threads,
    contextSize: options.contextSize, sleepAfterIdleSeconds: options.sleepAfterSeconds, extraArgs: options.extraArgs,
  });
  const engine = new LocalEngine(server);
  try {
    const started = performance.now();
    let imageFirstTokenMs = 0;
    const result = await explainImage(engine, { images: [{ path: options.imagePath }], question: 'Describe this image.' }, { maxTokens: 8, temperature: 0 }, (phase) => {
      if (phase.phase === 'first-token') imageFirstTokenMs = performance.now() - started;
    });
    let answer = '';
    for await (const event of result.events) if (event.type === 'delta') answer += event.text;
    const turns: ChatTurn[] = [...result.turns, { role: 'assistant', text: answer }, { role: 'user', text: followUp }];

    const warmFollowUpMs = await firstTokenMs(engine, turns);
    const pid = server.current?.pid;
    const awakeRssMiB = rssMiB(pid);
    const idleFrom = performance.now();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('llama-server did not report sleeping')), (options.sleepAfterSeconds + 60) * 1000);
      const subscription = server.onDidChangeState((state) => {
        if (state !== 'sleeping') return;
        clearTimeout(timer);
        subscription.dispose();
        resolve();
      });
    });
    const sleptAfterMs = performance.now() - idleFrom;
    // Let the unload finish returning memory before reading it.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const asleepRssMiB = rssMiB(pid);
    const wokenFollowUpMs = await firstTokenMs(engine, turns);
    return { imageFirstTokenMs, warmFollowUpMs, wokenFollowUpMs, awakeRssMiB, asleepRssMiB, sleptAfterMs };
  } finally {
    await engine.dispose();
  }
}

async function firstTokenMs(engine: LocalEngine, turns: readonly ChatTurn[]): Promise<number> {
  const started = performance.now();
  let first: number | undefined;
  for await (const event of engine.chat(turns, { maxTokens: 4, temperature: 0 })) {
    if (event.type === 'delta' && first === undefined) first = performance.now() - started;
  }
  return first ?? performance.now() - started;
}

function rssMiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
