// Cold start to first token, as "Explain Image" does it through the core (explainImage): a fresh
// llama-server each run. Phases on one clock from the request: model pair checked (GGUF headers),
// image prepared (sharp, in parallel with the server start), server ready (spawn + model and
// projector load + warm-up), first token (image encode and prefill included; the encode alone is
// read from the server's log).

import { explainImage } from '../src/core/chat/explainImage';
import { LocalEngine } from '../src/core/engine/localEngine';
import { LlamaServer } from '../src/core/engine/llamaServer';
import type { ImageSize } from '../src/core/images/budget';
import { parseLlamaLog } from './llamaLog';
import { PeakMemorySampler } from './peakMemory';
import { imageTokensInLog } from './visualTokens';

export interface ColdStartPhases {
  pairCheckedMs: number;
  imagePreparedMs: number;
  serverReadyMs: number;
  encodeMs?: number;
  firstTokenMs: number;
  /** The image as Glimpse sent it. */
  sent?: ImageSize;
  /** Image tokens the server decoded (sum of its "decoding image batch" lines). */
  imageTokens?: number;
  /** llama-server's peak resident memory up to the first token (VmHWM: load included). */
  peakRssMiB?: number;
  kvCacheMiB?: number;
}

export async function runColdStart(options: { serverPath?: string; modelPath: string; mmprojPath: string; imagePath: string; threads: number; contextSize: number }): Promise<ColdStartPhases> {
  const lines: string[] = [];
  const server = new LlamaServer(
    { serverPath: options.serverPath, modelPath: options.modelPath, mmprojPath: options.mmprojPath, threads: options.threads, contextSize: options.contextSize, extraArgs: ['-lv', '4'] },
    { info() {}, warn() {}, error() {}, server: (line) => lines.push(line) },
  );
  const started = performance.now();
  const phases: Partial<ColdStartPhases> = {};
  let memory: PeakMemorySampler | undefined;
  try {
    const result = await explainImage(new LocalEngine(server), { images: [{ path: options.imagePath }], question: 'Describe this image.' }, { maxTokens: 4, temperature: 0 }, (phase) => {
      const at = performance.now() - started;
      if (phase.phase === 'described') phases.pairCheckedMs = at;
      if (phase.phase === 'prepared-images') {
        phases.imagePreparedMs = at;
        phases.sent = { width: phase.images[0].width, height: phase.images[0].height };
      }
      if (phase.phase === 'engine-ready') {
        phases.serverReadyMs = at;
        const pid = server.current?.pid;
        if (pid !== undefined) memory = new PeakMemorySampler(pid);
      }
      if (phase.phase === 'first-token') {
        phases.firstTokenMs = at;
        phases.peakRssMiB = memory?.stop();
      }
    });
    for await (const event of result.events) void event;
  } finally {
    memory?.stop();
    await server.dispose();
  }
  const log = parseLlamaLog(lines);
  return { ...(phases as ColdStartPhases), encodeMs: log.encodeMs, kvCacheMiB: log.kvCacheMiB, imageTokens: imageTokensInLog(lines).batchTokens };
}
