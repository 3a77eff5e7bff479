// LlamaServer's supervision with a stand-in llama-server (a small Node HTTP server, see
// test/fixtures/standInServer.ts): a server that stops answering is killed and the answer in
// flight fails saying so; the process is recorded while it runs; it dies with its owner; and one an
// owner left behind is ended by the next start with the same record folder.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readEngineProcessRecords } from '../../../src/core/engine/engineProcessRecord';
import { LlamaServer, type LlamaServerConfig } from '../../../src/core/engine/llamaServer';
import { GlimpseError } from '../../../src/core/errors';
import { ensureSyntheticPair, testModelsDirectory } from '../../fixtures/gguf/presets';
import { isAlive } from '../../fixtures/processes';
import { isGone, killQuietly, startEngineOwner, waitUntilGone } from '../../fixtures/engineOwnerProcess';
import { writeStandInServer } from '../../fixtures/standInServer';

describe('LlamaServer supervision (stand-in server)', function () {
  if (process.platform === 'win32') return;
  this.timeout(20_000);
  let dir: string;
  let base: LlamaServerConfig;
  const servers: LlamaServer[] = [];
  const strays: number[] = [];

  before(async () => {
    const pair = await ensureSyntheticPair('tiny-llava', testModelsDirectory('tiny-llava'));
    base = { modelPath: pair.modelPath, mmprojPath: pair.mmprojPath, startTimeoutMs: 10_000 };
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-supervision-'));
    base = { ...base, serverPath: writeStandInServer(path.join(dir, 'bin'), 'word '.repeat(4000), { delayMs: 10, chunk: 5 }) };
  });
  afterEach(async () => {
    killQuietly(...strays.splice(0));
    await Promise.all(servers.splice(0).map((s) => s.dispose()));
    fs.rmSync(dir, { recursive: true, force: true });
  });
  /** The pids recorded in `folder`, once `expected` says they are what the test waits for (records are written just after the spawn). */
  async function recordedPids(folder: string, expected: (pids: number[]) => boolean): Promise<number[]> {
    for (let attempt = 0; ; attempt++) {
      const pids = (await readEngineProcessRecords(folder)).map((r) => r.record?.engine.pid ?? 0);
      if (expected(pids) || attempt >= 500) return pids;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  function server(config: Partial<LlamaServerConfig> = {}): LlamaServer {
    const created = new LlamaServer({ ...base, ...config });
    servers.push(created);
    return created;
  }

  it('a server that stops answering mid-answer (SIGSTOP) is killed; the answer fails saying so, and the next request starts a new one', async () => {
    const engine = server({ healthCheck: { intervalMs: 50, timeoutMs: 150, failuresBeforeRestart: 3 } });
    let stoppedPid = 0;
    let stoppedAt = 0;
    await assert.rejects((async () => {
      for await (const event of engine.chat([{ role: 'user', text: 'Go on.' }], { maxTokens: 4000 })) {
        if (event.type === 'delta' && stoppedPid === 0) {
          stoppedPid = engine.current!.pid;
          stoppedAt = Date.now();
          process.kill(stoppedPid, 'SIGSTOP');
        }
      }
    })(), (error: GlimpseError) => error.code === 'engine-exited' && /^The engine stopped responding for \d+ s \(it may be stuck\); Glimpse ended it, and it starts again on the next request\. Try again\.$/.test(error.message));
    const detectedMs = Date.now() - stoppedAt;
    assert.ok(detectedMs < 10_000, `noticed after ${detectedMs} ms`);
    assert.equal(engine.lastExit?.signal, 'SIGKILL');
    assert.equal(engine.lastExit?.expected, false);
    assert.ok((engine.lastExit?.unresponsiveMs ?? 0) > 100, `unresponsive for ${engine.lastExit?.unresponsiveMs} ms`); // three 50 ms polls, less timer slack
    assert.equal(engine.state, 'error');

    // The stand-in streams its whole answer whatever the limit: the first words will do.
    let streamed = false;
    for await (const event of engine.chat([{ role: 'user', text: 'Again?' }], { maxTokens: 4 })) {
      streamed = event.type === 'delta';
      if (streamed) break;
    }
    assert.equal(streamed, true);
    assert.ok(engine.current && engine.current.pid !== stoppedPid, 'a new process answered');
  });

  it('a busy server that answers its health polls is left alone', async () => {
    const engine = server({ healthCheck: { intervalMs: 10, timeoutMs: 2_000, failuresBeforeRestart: 1 } });
    const { pid } = await engine.start();
    let deltas = 0;
    for await (const event of engine.chat([{ role: 'user', text: 'Go on.' }], { maxTokens: 4000 })) {
      if (event.type === 'delta' && ++deltas === 60) break;
    }
    assert.equal(engine.current?.pid, pid, 'the same process answered throughout');
    assert.equal(engine.lastExit, undefined);
  });

  it('records the process in the record folder while it runs, and removes the record when it stops', async () => {
    const records = path.join(dir, 'records');
    const engine = server({ processRecordDir: records });
    const { pid, endpoint } = await engine.start();
    assert.deepEqual(await recordedPids(records, (pids) => pids.length > 0), [pid]);
    const found = await readEngineProcessRecords(records);
    const { record } = found[0];
    assert.equal(record?.owner.pid, process.pid);
    assert.equal(record?.engine.pid, pid);
    assert.equal(record?.engine.port, Number(new URL(endpoint.baseUrl).port));
    assert.equal(record?.engine.binary, base.serverPath);
    assert.doesNotMatch(fs.readFileSync(found[0].file, 'utf8'), new RegExp(endpoint.apiKey ?? 'no key'), 'the API key is not written down');
    await engine.stop();
    assert.deepEqual(await readEngineProcessRecords(records), []);
  });

  it('the server dies with its owner when the owner alone is killed with SIGKILL', async () => {
    const { owner, pid, watchdogPid } = await startEngineOwner({ ...base, processRecordDir: path.join(dir, 'records') });
    strays.push(pid);
    assert.ok(watchdogPid && isAlive(watchdogPid), 'a watchdog runs beside the server');
    owner.kill('SIGKILL');
    const goneAfter = await waitUntilGone(pid, 5_000);
    await waitUntilGone(watchdogPid, 5_000);
    assert.ok(goneAfter < 5_000);
  });

  it('a server left running by an owner that died with its watchdog is ended by the next start with the same record folder', async () => {
    const records = path.join(dir, 'records');
    const orphan = await startEngineOwner({ ...base, processRecordDir: records });
    strays.push(orphan.pid);
    assert.deepEqual(await recordedPids(records, (pids) => pids.length > 0), [orphan.pid]);
    // Killing the watchdog first: the owner's death then leaves the server running.
    process.kill(orphan.watchdogPid!, 'SIGKILL');
    await waitUntilGone(orphan.watchdogPid!, 5_000);
    orphan.owner.kill('SIGKILL');
    await new Promise((resolve) => orphan.owner.once('exit', resolve));
    assert.equal(isGone(orphan.pid), false, 'the server outlived its owner');

    const next = server({ processRecordDir: records });
    const { pid } = await next.start();
    assert.equal(isGone(orphan.pid), true, 'the orphan was ended before the new server started');
    assert.deepEqual(await recordedPids(records, (pids) => pids.includes(pid)), [pid], 'only the new server is recorded');
  });
});
