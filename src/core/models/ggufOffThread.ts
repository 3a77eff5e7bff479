// Runs ggufWorker.ts in a worker thread with a heap limit and a deadline: whatever a header
// declares, the parse ends within `timeoutMs` and can take at most `maxHeapMb` of heap, and the
// thread that asked goes on running. The worker script sits beside this module: out/…/models
// after `tsc`, dist/ in the bundles (esbuild.mjs builds it as its own entry).

import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { GgufWorkerReply, GgufWorkerRequest } from './ggufWorker';

export interface OffThreadLimits {
  readonly timeoutMs: number;
  readonly maxHeapMb: number;
}

/** A real model's header, vocabulary walked past, parses in well under a second and a few MB. */
export const defaultOffThreadLimits: OffThreadLimits = { timeoutMs: 15_000, maxHeapMb: 192 };

export type OffThreadResult = GgufWorkerReply | { readonly ok: false; readonly stopped: 'timeout' | 'memory' | 'crashed'; readonly reason: string };

export function workerScriptPath(): string {
  return path.join(__dirname, 'ggufWorker.js');
}

export function parseGgufOffThread(request: GgufWorkerRequest, limits: OffThreadLimits = defaultOffThreadLimits): Promise<OffThreadResult> {
  return new Promise((resolve) => {
    let settled = false;
    const worker = new Worker(workerScriptPath(), {
      workerData: request,
      resourceLimits: { maxOldGenerationSizeMb: limits.maxHeapMb, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
      stdout: true,
      stderr: true,
    });
    const settle = (result: OffThreadResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(result);
    };
    const timer = setTimeout(() => settle({ ok: false, stopped: 'timeout', reason: `no answer within ${limits.timeoutMs} ms` }), limits.timeoutMs);
    worker.once('message', (reply: GgufWorkerReply) => settle(reply));
    worker.once('error', (error: Error & { code?: string }) => {
      const memory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      settle({ ok: false, stopped: memory ? 'memory' : 'crashed', reason: error.message });
    });
    worker.once('exit', (code) => settle({ ok: false, stopped: 'crashed', reason: `the reader stopped with exit code ${code}` }));
  });
}
