// Cold start to first token, as "Explain Image" does it through the core (explainImage): a fresh
// llama-server each run. Phases on one clock from the request: model pair checked (GGUF headers),
// image prepared (sharp, in parallel with the server start), server ready (spawn + model and
// projector load + warm-up), first token (image encode and prefill included; the encode alone is
// read from the server's log).

import { explainImage } from '../src/core/chat/explainImage';
import { LocalEngine } from '../src/core/engine/localEngine';
import { LlamaServer } from '../src/core/engine/llamaServer';
import { parseLlamaLog } from './llamaLog';

export interface ColdStartPhases {
  pairCheckedMs: number;
  imagePreparedMs: number;
  serverReadyMs: number;
  encodeMs?: number;
  firstTokenMs: number;
}

export async function runColdStart(options: { serverPath?: string; modelPath: string; mmprojPath: string; imagePath: string; threads: number; contextSize: number }): Promise<ColdStartPhases> {
  const lines: string[] = [];
  const server = new LlamaServer(
    { serverPath: options.serverPath, modelPath: options.modelPath, mmprojPath: options.mmprojPath, threads: options.threads, contextSize: options.contextSize, extraArgs: ['-lv', '4'] },
    { info() {}, warn() {}, error() {}, server: (line) => lines.push(line) },
  );
  const started = performance.now();
  const phases: Partial<ColdStartPhases> = {};
  try {
    const result = await explainImage(new LocalEngine(server), { images: [{ path: options.imagePath }], question: 'Describe this image.' }, { maxTokens: 4, temperature: 0 }, (phase) => {
      const at = performance.now() - started;
      if (phase.phase === 'described') phases.pairCheckedMs = at;
      if (phase.phase === 'prepared-images') phases.imagePreparedMs = at;
      if (phase.phase === 'engine-ready') phases.serverReadyMs = at;
      if (phase.phase === 'first-token') phases.firstTokenMs = at;
    });
    for await (const event of result.events) void event;
  } finally {
    await server.dispose();
  }
  return { ...(phases as ColdStartPhases), encodeMs: parseLlamaLog(lines).encodeMs };
}
