// The health check's counting, with a scripted probe: several polls in a row without an answer
// make a stuck server, one answer in between starts the count again, and dispose stops it all.

import assert from 'node:assert/strict';
import { HealthMonitor, type HealthProbe } from '../../../src/core/engine/healthMonitor';

const fast = { intervalMs: 2, timeoutMs: 50, failuresBeforeRestart: 3 };

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('HealthMonitor', () => {
  it('reports a server after the set number of unanswered polls in a row, with the time since its last answer, and polls no more', async () => {
    const answers = [true, true, false, false, false, false, false];
    let polls = 0;
    const probe: HealthProbe = async () => answers[polls++] ?? false;
    const reports: number[] = [];
    const monitor = new HealthMonitor(probe, fast, (silentMs) => reports.push(silentMs));
    try {
      await waitFor(() => reports.length > 0, 'the report');
      assert.equal(polls, 5, 'two answers, then three polls without one');
      // The silence spans the three failed polls and the pauses before them: more than nothing
      // (Node's timers may fire a fraction of a millisecond early, so no tighter bound is kept).
      assert.ok(reports[0] > 0, `silent for ${reports[0]} ms`);
      const after = polls;
      await new Promise((resolve) => setTimeout(resolve, 20 * fast.intervalMs));
      assert.equal(polls, after, 'no poll after the report');
      assert.equal(reports.length, 1);
    } finally {
      monitor.dispose();
    }
  });

  it('an answer between failed polls starts the count again', async () => {
    // Two failures, then an answer, over and over: never three in a row.
    let polls = 0;
    const probe: HealthProbe = async () => polls++ % 3 === 2;
    let reported = false;
    const monitor = new HealthMonitor(probe, fast, () => (reported = true));
    try {
      await waitFor(() => polls >= 30, 'thirty polls');
      assert.equal(reported, false);
    } finally {
      monitor.dispose();
    }
  });

  it('dispose stops the polls and cancels the one in flight; nothing is reported', async () => {
    let inFlight: AbortSignal | undefined;
    let polls = 0;
    const probe: HealthProbe = (_timeoutMs, signal) => {
      polls++;
      inFlight = signal;
      return new Promise((resolve) => signal.addEventListener('abort', () => resolve(false)));
    };
    let reported = false;
    const monitor = new HealthMonitor(probe, fast, () => (reported = true));
    await waitFor(() => inFlight !== undefined, 'the first poll');
    monitor.dispose();
    assert.equal(inFlight?.aborted, true, 'the poll in flight was cancelled');
    await new Promise((resolve) => setTimeout(resolve, 20 * fast.intervalMs));
    assert.equal(polls, 1);
    assert.equal(reported, false);
  });
});
