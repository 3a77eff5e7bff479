// Telling a process from a later one with the same pid: the parsers of /proc/<pid>/stat and of
// macOS's ps line, and the identity of real processes on this machine.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { parseLinuxStat, parsePsLine, readProcessIdentity, sameProcess, canIdentifyProcesses } from '../../../src/core/engine/processIdentity';
import { exitOf } from '../../fixtures/engineOwnerProcess';

describe('processIdentity', () => {
  it('reads the start time of /proc/<pid>/stat after the name, even a name with spaces and parentheses', () => {
    const fields = ['S', ...Array.from({ length: 18 }, (_, i) => String(i + 4)), '98765', '23', '24'];
    assert.equal(fields[22 - 3], '98765');
    const stat = `4242 (llama) (server x) ${fields.join(' ')}\n`;
    assert.deepEqual(parseLinuxStat(stat), { started: '98765', zombie: false });
    assert.deepEqual(parseLinuxStat(stat.replace(') S ', ') Z ')), { started: '98765', zombie: true });
    assert.equal(parseLinuxStat('garbage'), undefined);
  });

  it('reads the start and command of a ps line; a zombie has no identity', () => {
    const line = 'Ss   Tue Dec  2 10:00:07 2026     /Users/me/llama-server -m /models/a b.gguf --port 4123\n';
    assert.deepEqual(parsePsLine(line), { started: 'Tue Dec 2 10:00:07 2026', commandLine: '/Users/me/llama-server -m /models/a b.gguf --port 4123' });
    assert.equal(parsePsLine('Z+   Tue Dec  2 10:00:07 2026 (llama-server)\n'), undefined);
    assert.equal(parsePsLine(''), undefined);
  });

  it('two live processes have different identities, one process keeps its own, and an ended one has none', async function () {
    if (!canIdentifyProcesses) this.skip();
    const first = spawn('sleep', ['30']);
    const second = spawn('sleep', ['31']);
    try {
      const [a, b, again] = await Promise.all([readProcessIdentity(first.pid!), readProcessIdentity(second.pid!), readProcessIdentity(first.pid!)]);
      assert.ok(a && b);
      assert.match(a.commandLine, /sleep.30/);
      assert.equal(sameProcess(a, again), true);
      assert.equal(sameProcess(a, b), false);
    } finally {
      first.kill('SIGKILL');
      second.kill('SIGKILL');
    }
    await exitOf(first);
    assert.equal(await readProcessIdentity(first.pid!), undefined);
  });
});
