// Idle unload (`sleepAfterIdleSeconds`, llama-server's --sleep-idle-seconds) with the real engine
// and the tiny pair: the server unloads the model after the idle time, Glimpse reports the state
// from the server's own log, the process and its port stay, and the next question loads the model
// again and answers.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { LlamaServer, type EngineState } from '../../src/core/engine/llamaServer';
import { ensureSyntheticPair, testModelsDirectory } from '../fixtures/gguf/presets';
import { writeTestImage } from '../fixtures/images';
import { measureImageTokens } from './imageTokenCount';

function residentKib(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN);
}

function nextState(server: LlamaServer, wanted: EngineState, timeoutMs: number): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    if (server.state === wanted) return resolve(0);
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`the engine stayed "${server.state}" for ${timeoutMs} ms, waiting for "${wanted}"`));
    }, timeoutMs);
    const subscription = server.onDidChangeState((state) => {
      if (state !== wanted) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(Date.now() - started);
    });
  });
}

describe('idle unload (real engine, tiny pair)', function () {
  this.timeout(120_000);
  let server: LlamaServer | undefined;
  afterEach(async () => {
    await server?.dispose();
    server = undefined;
  });

  it('unloads the model after the idle time, keeps the process, and answers again on the next question', async () => {
    const pair = await ensureSyntheticPair('tiny-llava', testModelsDirectory('tiny-llava'));
    const image = await writeTestImage(path.join(testModelsDirectory('tiny-llava'), '..', '..', 'images', 'sleep-test.png'), { width: 320, height: 240, format: 'png' });
    const lines: string[] = [];
    server = new LlamaServer({ modelPath: pair.modelPath, mmprojPath: pair.mmprojPath, threads: 2, contextSize: 2048, sleepAfterIdleSeconds: 1 },
      { info: (line) => lines.push(line), warn() {}, error() {}, server: (line) => lines.push(line) });

    const first = await measureImageTokens(server, image);
    const running = server.current;
    assert.ok(running);
    const awakeKib = residentKib(running.pid);
    const asleepAfterMs = await nextState(server, 'sleeping', 15_000);
    const asleepKib = residentKib(running.pid);
    assert.ok(lines.some((line) => /unloaded the model after 1 s without a request/.test(line)), 'Glimpse logs the unload');

    const woken = Date.now();
    const again = await measureImageTokens(server, image);
    const wakeMs = Date.now() - woken;
    assert.equal(server.current?.pid, running.pid, 'the same process answered');
    assert.equal(server.state, 'ready');
    assert.equal(again.measured, first.measured, 'the reloaded model sees the image as before');
    assert.ok(again.events.some((event) => event.type === 'delta'), 'the answer after waking streams');
    console.log(`      (asleep ${asleepAfterMs} ms after the answer; RSS ${Math.round(awakeKib / 1024)} MiB awake, ${Math.round(asleepKib / 1024)} MiB asleep; the question after waking took ${wakeMs} ms)`);
  });

  it('with no idle time set, the server is started without --sleep-idle-seconds', async () => {
    const pair = await ensureSyntheticPair('tiny-llava', testModelsDirectory('tiny-llava'));
    const lines: string[] = [];
    server = new LlamaServer({ modelPath: pair.modelPath, mmprojPath: pair.mmprojPath, threads: 2, contextSize: 2048 },
      { info: (line) => lines.push(line), warn() {}, error() {}, server() {} });
    await server.start();
    const started = lines.find((line) => line.startsWith('Starting '));
    assert.ok(started && !started.includes('--sleep-idle-seconds'), started);
  });
});
