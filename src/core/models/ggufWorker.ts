// Worker-thread entry that parses one GGUF header (ggufParse.ts) and posts the result back, so
// a hostile header costs a worker that can be stopped, never the extension host's own thread
// (see ggufOffThread.ts, which starts it with a heap limit and a deadline).

import * as fs from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { nonBlockingReadFlags } from '../regularFile';
import { GgufDamage } from './ggufCursor';
import { parseGguf, type ParsedGguf } from './ggufParse';

export interface GgufWorkerRequest {
  readonly path: string;
  readonly fileSize: number;
  readonly skipKeys: readonly string[];
}

export type GgufWorkerReply =
  | { readonly ok: true; readonly parsed: ParsedGguf }
  | { readonly ok: false; readonly damage: string; readonly cutOff: boolean }
  | { readonly ok: false; readonly failure: string; readonly code?: string };

async function parseRequest(request: GgufWorkerRequest): Promise<GgufWorkerReply> {
  try {
    // O_NONBLOCK: a FIFO put in the file's place after the caller's stat cannot block the open.
    const handle = await fs.open(request.path, nonBlockingReadFlags);
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) return { ok: false, failure: 'it is no longer a regular file', code: 'ENOTFILE' };
      return { ok: true, parsed: await parseGguf(handle, request.fileSize, new Set(request.skipKeys)) };
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof GgufDamage) return { ok: false, damage: error.message, cutOff: error.cutOff };
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, failure: error instanceof Error ? error.message : String(error), code };
  }
}

if (parentPort) {
  const port = parentPort;
  void parseRequest(workerData as GgufWorkerRequest).then((reply) => port.postMessage(reply));
}
