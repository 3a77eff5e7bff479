// Notices a llama-server that still runs but no longer answers: stopped (SIGSTOP), deadlocked, or
// otherwise stuck. While the server is up it asks GET /health every few seconds; llama-server
// answers it from its HTTP threads without waiting for a slot, so it answers while a long prefill
// or image encode keeps every core busy (checked with the engine tests). After several polls in a
// row without an answer it reports how long the server has been silent; the caller ends it.
//
// Times are monotonic (performance.now, the timers): a machine that sleeps does not count as
// silence.

import { delay } from '../abort';
import type { Disposable } from '../disposable';

export interface HealthCheckOptions {
  /** The pause between one poll's answer and the next poll. */
  readonly intervalMs?: number;
  /** How long one poll waits for an answer. */
  readonly timeoutMs?: number;
  /** Polls in a row without an answer before the server counts as stuck. */
  readonly failuresBeforeRestart?: number;
}

/** About 15 s of silence before the engine counts as stuck: polls at 2 s pauses, 3 s each, three in a row. */
export const defaultHealthCheck: Required<HealthCheckOptions> = { intervalMs: 2_000, timeoutMs: 3_000, failuresBeforeRestart: 3 };

/** One poll: resolves true when the server answered within `timeoutMs` (any HTTP status), false otherwise. */
export type HealthProbe = (timeoutMs: number, signal: AbortSignal) => Promise<boolean>;

export class HealthMonitor implements Disposable {
  private readonly stopped = new AbortController();

  /** Starts polling at once; `onUnresponsive` runs at most once, with the silence in milliseconds, and polling stops. */
  constructor(probe: HealthProbe, options: HealthCheckOptions | undefined, onUnresponsive: (silentMs: number) => void) {
    const settings = { ...defaultHealthCheck, ...options };
    void this.poll(probe, settings, onUnresponsive);
  }

  private async poll(probe: HealthProbe, settings: Required<HealthCheckOptions>, onUnresponsive: (silentMs: number) => void): Promise<void> {
    const { signal } = this.stopped;
    let lastAnswer = performance.now();
    let failures = 0;
    while (!signal.aborted) {
      try {
        await delay(settings.intervalMs, { signal, unref: true });
      } catch {
        return;
      }
      const answered = await probe(settings.timeoutMs, signal).catch(() => false);
      if (signal.aborted) return;
      if (answered) {
        failures = 0;
        lastAnswer = performance.now();
      } else if (++failures >= settings.failuresBeforeRestart) {
        this.stopped.abort();
        onUnresponsive(performance.now() - lastAnswer);
        return;
      }
    }
  }

  dispose(): void {
    this.stopped.abort();
  }
}
