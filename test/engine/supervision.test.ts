// Supervision of the real llama-server (built from node-llama-cpp's llama.cpp source) with the tiny
// synthetic pair: /health answers while the engine computes on every core; an engine stopped with
// SIGSTOP mid-answer is noticed, killed and replaced; an engine dies with its owner when the owner
// alone is SIGKILLed; one that outlives its owner is ended by the next start; and a record naming
// a process that is not the recorded engine never gets that process killed. (A SIGKILL mid-answer
// is in llamaServer.test.ts.)

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readEngineProcessRecords } from '../../src/core/engine/engineProcessRecord';
import { LlamaServer, type LlamaServerConfig } from '../../src/core/engine/llamaServer';
import { GlimpseError } from '../../src/core/errors';
import { ensureSyntheticPair } from '../fixtures/gguf/presets';
import { exitOf, isGone, killQuietly, startEngineOwner, waitUntilGone } from '../fixtures/engineOwnerProcess';
import { isAlive } from '../fixtures/processes';

const generated = path.resolve(__dirname, '../../../test/.generated');
const longAnswer = { maxTokens: 4000, temperature: 1, extraBody: { ignore_eos: true } };

describe('llama-server supervision (real engine, tiny pair)', function () {
  if (process.platform === 'win32') return;
  this.timeout(60_000);
  let base: LlamaServerConfig;
  let dir: string;
  const servers: LlamaServer[] = [];
  const strays: number[] = [];

  before(async () => {
    const pair = await ensureSyntheticPair('tiny-llava', path.join(generated, 'models', 'tiny-llava'));
    base = { modelPath: pair.modelPath, mmprojPath: pair.mmprojPath, threads: 2, contextSize: 16384 };
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-engine-supervision-'));
  });
  afterEach(async () => {
    killQuietly(...strays.splice(0));
    await Promise.all(servers.splice(0).map((s) => s.dispose()));
    fs.rmSync(dir, { recursive: true, force: true });
  });
  function server(config: Partial<LlamaServerConfig> = {}): LlamaServer {
    const created = new LlamaServer({ ...base, ...config });
    servers.push(created);
    return created;
  }

  it('answers /health within a second while an answer keeps both cores busy', async () => {
    const engine = server();
    const { endpoint } = await engine.start();
    const latencies: number[] = [];
    let deltas = 0;
    for await (const event of engine.chat([{ role: 'user', text: 'Write a long story.' }], longAnswer)) {
      if (event.type !== 'delta') continue;
      if (++deltas % 20 === 0) {
        const started = performance.now();
        const response = await fetch(`${endpoint.baseUrl}/health`, { signal: AbortSignal.timeout(5_000) });
        assert.equal(response.status, 200);
        latencies.push(performance.now() - started);
      }
      if (latencies.length === 15) break;
    }
    const slowest = Math.max(...latencies);
    assert.ok(slowest < 1_000, `the slowest of ${latencies.length} polls took ${slowest.toFixed(0)} ms`);
  });

  it('an engine stopped with SIGSTOP mid-answer is noticed within seconds and killed; the answer says so, and the next request works', async () => {
    const engine = server({ healthCheck: { intervalMs: 200, timeoutMs: 500, failuresBeforeRestart: 3 } });
    let stoppedPid = 0;
    let stoppedAt = 0;
    await assert.rejects((async () => {
      for await (const event of engine.chat([{ role: 'user', text: 'Write a long story.' }], longAnswer)) {
        if (event.type === 'delta' && stoppedPid === 0) {
          stoppedPid = engine.current!.pid;
          stoppedAt = performance.now();
          process.kill(stoppedPid, 'SIGSTOP');
        }
      }
    })(), (error: GlimpseError) => error.code === 'engine-exited' && /^The engine stopped responding for \d+ s \(it may be stuck\); Glimpse ended it/.test(error.message));
    const noticedMs = performance.now() - stoppedAt;
    // Three polls of up to 0.5 s with 0.2 s pauses: about 2.1 s.
    assert.ok(noticedMs < 5_000, `noticed after ${noticedMs.toFixed(0)} ms`);
    assert.equal(engine.lastExit?.signal, 'SIGKILL');
    assert.equal(isAlive(stoppedPid), false);

    let done = false;
    for await (const event of engine.chat([{ role: 'user', text: 'Again?' }], { maxTokens: 4 })) done ||= event.type === 'done';
    assert.equal(done, true);
    assert.ok(engine.current && engine.current.pid !== stoppedPid);
  });

  it('the engine dies with its owner when the owner alone is killed with SIGKILL', async () => {
    const { owner, pid, watchdogPid } = await startEngineOwner({ ...base, processRecordDir: path.join(dir, 'records') });
    strays.push(pid);
    assert.ok(watchdogPid);
    const killedAt = performance.now();
    owner.kill('SIGKILL');
    await waitUntilGone(pid, 5_000);
    const goneMs = performance.now() - killedAt;
    assert.ok(goneMs < 2_000, `llama-server ended ${goneMs.toFixed(0)} ms after its owner`);
  });

  it('an engine that outlived its owner (its watchdog killed too) is ended by the next start with the same record folder', async () => {
    const records = path.join(dir, 'records');
    const orphan = await startEngineOwner({ ...base, processRecordDir: records });
    strays.push(orphan.pid);
    await waitForRecordOf(records, orphan.pid);
    process.kill(orphan.watchdogPid!, 'SIGKILL');
    await waitUntilGone(orphan.watchdogPid!, 5_000);
    orphan.owner.kill('SIGKILL');
    await exitOf(orphan.owner);
    assert.equal(isGone(orphan.pid), false, 'llama-server outlived its owner');

    const next = server({ processRecordDir: records });
    const { pid } = await next.start();
    assert.equal(isGone(orphan.pid), true, 'the orphan was ended before the new engine started');
    await waitForRecordOf(records, pid);
    assert.deepEqual((await readEngineProcessRecords(records)).map((r) => r.record?.engine.pid), [pid]);
  });

  it('a record whose pid now belongs to another process gets that process left alone', async () => {
    const records = path.join(dir, 'records');
    const orphan = await startEngineOwner({ ...base, processRecordDir: records });
    strays.push(orphan.pid);
    const file = await waitForRecordOf(records, orphan.pid);
    orphan.owner.kill('SIGKILL');
    await waitUntilGone(orphan.pid, 5_000);
    // The pid is reused: the record of the ended engine now names a `sleep` (same owner, gone).
    const stranger = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const record = JSON.parse(fs.readFileSync(file, 'utf8'));
      record.engine.pid = stranger.pid;
      fs.writeFileSync(file, JSON.stringify(record));
      await server({ processRecordDir: records }).start();
      assert.equal(isAlive(stranger.pid!), true);
      assert.equal(stranger.exitCode ?? stranger.signalCode, null, 'the sleep was not signalled');
      assert.equal(fs.existsSync(file), false, 'the stale record is gone');
    } finally {
      stranger.kill('SIGKILL');
      await exitOf(stranger);
    }
  });
});

/** The record file of `pid` in `folder`, once it is there (it is written just after the spawn). */
async function waitForRecordOf(folder: string, pid: number): Promise<string> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const found = (await readEngineProcessRecords(folder)).find((r) => r.record?.engine.pid === pid);
    if (found) return found.file;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no record of pid ${pid} in ${folder}`);
}
