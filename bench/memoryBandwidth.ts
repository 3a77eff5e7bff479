// The machine's memory read bandwidth, for comparing decode speed with what memory allows. Native
// speed: bench/bandwidth.c is compiled with `cc -O3 -march=native` into a temporary folder and
// reads a 1 GiB buffer with as many threads as the engine uses. Without a C compiler, a Node
// estimate: Buffer#indexOf for a byte that is absent (memchr over the buffer: native speed, but one
// thread only, so it understates what several threads can read).

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median } from './statistics';

export interface MemoryBandwidth {
  /** Best pass, bytes per second: the attainable ceiling. */
  readonly bestBytesPerSecond: number;
  readonly medianBytesPerSecond: number;
  readonly threads: number;
  readonly bufferBytes: number;
  readonly passes: number;
  /** How it was measured, for the conditions line. */
  readonly method: string;
}

const sourcePath = path.resolve(__dirname, '..', '..', 'bench', 'bandwidth.c');

export function measureMemoryBandwidth(threads: number, bufferMiB = 1024, passes = 10): MemoryBandwidth {
  return measureNative(threads, bufferMiB, passes) ?? measureInNode(bufferMiB, passes);
}

function measureNative(threads: number, bufferMiB: number, passes: number): MemoryBandwidth | undefined {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-bandwidth-'));
  try {
    const binary = path.join(directory, 'bandwidth');
    const compiled = spawnSync('cc', ['-O3', '-march=native', '-pthread', '-o', binary, sourcePath], { encoding: 'utf8' });
    if (compiled.status !== 0) {
      process.stderr.write(`bandwidth: cc failed (${compiled.error?.message ?? compiled.stderr.trim()}); using the Node estimate\n`);
      return undefined;
    }
    let result: { threads: number; bytes: number; seconds: number[] };
    try {
      result = JSON.parse(execFileSync(binary, [String(threads), String(bufferMiB), String(passes)], { encoding: 'utf8' })) as typeof result;
    } catch (error) {
      process.stderr.write(`bandwidth: the compiled reader failed (${error instanceof Error ? error.message : String(error)}); using the Node estimate\n`);
      return undefined;
    }
    return summarize(result.seconds, result.bytes, result.threads, `bench/bandwidth.c (cc -O3 -march=native), ${result.threads} threads summing 64-bit words`);
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

function measureInNode(bufferMiB: number, passes: number): MemoryBandwidth {
  const buffer = Buffer.alloc(bufferMiB * 2 ** 20, 0); // zero-filled, so every page is mapped
  const seconds: number[] = [];
  for (let pass = 0; pass < passes; pass++) {
    const started = performance.now();
    if (buffer.indexOf(1) !== -1) throw new Error('bandwidth: the buffer should hold only zeros');
    seconds.push((performance.now() - started) / 1000);
  }
  return summarize(seconds, buffer.length, 1, 'Node Buffer#indexOf (memchr), 1 thread: no C compiler, understates a multi-threaded read');
}

function summarize(seconds: readonly number[], bytes: number, threads: number, method: string): MemoryBandwidth {
  const rates = seconds.map((s) => bytes / s);
  return {
    bestBytesPerSecond: Math.max(...rates),
    medianBytesPerSecond: median(rates) ?? NaN,
    threads,
    bufferBytes: bytes,
    passes: seconds.length,
    method,
  };
}
