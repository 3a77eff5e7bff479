// The orphan reaper against real processes (`sleep`) named by hand-written records: it ends a
// recorded process whose owner is gone (SIGKILL when SIGTERM is ignored), and never signals a
// process whose owner still runs, nor one that is not the recorded process (a reused pid).

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commandLineHash, ownProcessIdentity, readEngineProcessRecords, type EngineProcessRecord } from '../../../src/core/engine/engineProcessRecord';
import { reapOrphanedEngines } from '../../../src/core/engine/orphanReaper';
import { canIdentifyProcesses, readProcessIdentity } from '../../../src/core/engine/processIdentity';
import { exitOf } from '../../fixtures/engineOwnerProcess';
import { isAlive } from '../../fixtures/processes';

const quiet = { info() {}, warn() {} };

describe('orphanReaper', function () {
  if (!canIdentifyProcesses) return;
  let dir: string;
  const children: ChildProcess[] = [];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-reaper-'));
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.kill('SIGKILL');
      await exitOf(child);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A `sleep` whose command line is final (after the shell's exec, when there is one). */
  async function sleeper(command: string[]): Promise<ChildProcess> {
    const child = spawn(command[0], command.slice(1), { stdio: 'ignore' });
    children.push(child);
    for (;;) {
      const identity = await readProcessIdentity(child.pid!);
      if (identity?.commandLine.startsWith('sleep')) return child;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Writes a record of `pid` as it runs now; the owner is gone unless given. */
  async function writeRecord(pid: number, owner?: { pid: number; started: string }, change: (record: EngineProcessRecord) => EngineProcessRecord = (r) => r): Promise<string> {
    const identity = await readProcessIdentity(pid);
    assert.ok(identity);
    const record: EngineProcessRecord = {
      formatVersion: 1,
      // A start time no process has: this owner has ended.
      owner: owner ?? { pid: 999_999, started: '0' },
      engine: { pid, started: identity.started, commandLineSha256: commandLineHash(identity.commandLine), binary: 'sleep', port: 1 },
      recordedAt: new Date().toISOString(),
    };
    const file = path.join(dir, `llama-server-${record.owner.pid}-${pid}.json`);
    fs.writeFileSync(file, JSON.stringify(change(record)));
    return file;
  }

  it('ends a recorded process whose owner is gone and removes its record', async () => {
    const orphan = await sleeper(['sleep', '60']);
    const file = await writeRecord(orphan.pid!);
    const results = await reapOrphanedEngines(dir, quiet);
    assert.deepEqual(results.map((r) => r.outcome), ['ended']);
    await exitOf(orphan);
    assert.equal(orphan.signalCode, 'SIGTERM');
    assert.equal(fs.existsSync(file), false);
  });

  it('sends SIGKILL after the grace to an orphan that ignores SIGTERM', async () => {
    // Ignored signals stay ignored across exec: this sleep ignores SIGTERM.
    const orphan = await sleeper(['sh', '-c', 'trap "" TERM; exec sleep 61']);
    await writeRecord(orphan.pid!);
    const results = await reapOrphanedEngines(dir, quiet, { graceMs: 100 });
    assert.deepEqual(results.map((r) => r.outcome), ['ended']);
    await exitOf(orphan);
    assert.equal(orphan.signalCode, 'SIGKILL');
  });

  it('leaves the engine of an owner that still runs (another window, or this process), and its record', async () => {
    const engine = await sleeper(['sleep', '62']);
    const own = await ownProcessIdentity();
    assert.ok(own);
    const file = await writeRecord(engine.pid!, { pid: process.pid, started: own.started });
    const results = await reapOrphanedEngines(dir, quiet);
    assert.deepEqual(results.map((r) => r.outcome), ['owner-alive']);
    assert.equal(isAlive(engine.pid!), true);
    assert.equal(fs.existsSync(file), true);
  });

  it('never signals a process that is not the recorded one (its pid was reused): the record goes, the process stays', async () => {
    const stranger = await sleeper(['sleep', '63']);
    const otherStart = await writeRecord(stranger.pid!, undefined, (r) => ({ ...r, engine: { ...r.engine, started: String(Number(r.engine.started) - 1) } }));
    const otherCommand = await writeRecord(stranger.pid!, { pid: 999_998, started: '0' }, (r) => ({ ...r, engine: { ...r.engine, commandLineSha256: commandLineHash('llama-server -m model.gguf') } }));
    const results = await reapOrphanedEngines(dir, quiet, { graceMs: 100 });
    assert.deepEqual(results.map((r) => r.outcome), ['not-ours', 'not-ours']);
    assert.equal(isAlive(stranger.pid!), true);
    assert.equal(stranger.exitCode ?? stranger.signalCode, null);
    assert.equal(fs.existsSync(otherStart) || fs.existsSync(otherCommand), false);
  });

  it('removes a record whose process has ended, and a file that is not a record', async () => {
    const ended = await sleeper(['sleep', '64']);
    const file = await writeRecord(ended.pid!);
    ended.kill('SIGKILL');
    await exitOf(ended);
    const broken = path.join(dir, 'llama-server-1-broken.json');
    fs.writeFileSync(broken, '{"formatVersion": 1, "owner": {}}');
    const unrelated = path.join(dir, 'notes.json');
    fs.writeFileSync(unrelated, '{}');
    const results = await reapOrphanedEngines(dir, quiet);
    assert.deepEqual(results.map((r) => r.outcome).sort(), ['gone', 'not-ours']);
    assert.equal(fs.existsSync(file) || fs.existsSync(broken), false);
    assert.equal(fs.existsSync(unrelated), true, 'files that are not named as records are not touched');
    assert.deepEqual(await readEngineProcessRecords(dir), []);
  });
});
