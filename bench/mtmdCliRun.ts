// One run of llama-mtmd-cli (same llama.cpp build as the server) on a model pair and an image:
// the native baseline Glimpse's engine is compared with.

import { spawn } from 'node:child_process';
import { serverEnvironment } from '../src/core/engine/locateServer';
import { parseLlamaLog, type LlamaLogFigures } from './llamaLog';
import { PeakMemorySampler } from './peakMemory';

export interface RunFigures {
  /** Spawn until ready to take the image (model + projector loaded, warmed up). */
  loadMs: number;
  /** Ready with the image in hand (file or request) until the first generated token. */
  firstTokenMs: number;
  log: LlamaLogFigures;
  peakRssMiB?: number;
}

export interface CliRunOptions {
  cliPath: string;
  modelPath: string;
  mmprojPath: string;
  imagePath: string;
  prompt: string;
  threads: number;
  contextSize: number;
  tokens: number;
  /** llama.cpp flags both sides get (e.g. --fit off on a CPU-only build). */
  sharedArgs: readonly string[];
}

export function runMtmdCli(options: CliRunOptions): Promise<RunFigures> {
  const args = [
    '-m', options.modelPath, '--mmproj', options.mmprojPath, '--image', options.imagePath,
    '-p', options.prompt, '-n', String(options.tokens), '-t', String(options.threads), '-c', String(options.contextSize),
    '--temp', '0', '--ignore-eos', '--seed', '1', '-lv', '4', ...options.sharedArgs,
  ];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(options.cliPath, args, { env: serverEnvironment(options.cliPath), stdio: ['ignore', 'pipe', 'pipe'] });
    const memory = new PeakMemorySampler(child.pid ?? 0);
    const lines: string[] = [];
    let partial = '';
    // mtmd-cli logs "main: loading model: …" once the model and projector are loaded and warm.
    let readyAt: number | undefined;
    let firstOutputAt: number | undefined;
    child.stderr.on('data', (data: Buffer) => {
      const parts = (partial + data.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (readyAt === undefined && /main: loading model/.test(line)) readyAt = performance.now();
      }
    });
    child.stdout.on('data', (data: Buffer) => {
      // The CLI prints only generated text on stdout; its first byte is the first token.
      if (firstOutputAt === undefined && data.length > 0) firstOutputAt = performance.now();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const peakRssMiB = memory.stop();
      if (partial) lines.push(partial);
      if (code !== 0 || readyAt === undefined || firstOutputAt === undefined) {
        reject(new Error(`llama-mtmd-cli failed (exit ${code}):\n${lines.slice(-10).join('\n')}`));
        return;
      }
      // stdout and stderr are separate pipes: their chunks may be read out of order by a few µs.
      resolve({ loadMs: readyAt - started, firstTokenMs: Math.max(0, firstOutputAt - readyAt), log: parseLlamaLog(lines), peakRssMiB });
    });
  });
}
