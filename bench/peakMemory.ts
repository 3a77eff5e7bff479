// Samples a process's peak resident memory (VmHWM in /proc/<pid>/status, Linux) while it runs.
// VmHWM only grows, so the last sample before exit is the peak up to that moment.

import fs from 'node:fs';

export class PeakMemorySampler {
  private peakKb = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number, intervalMs = 50) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.sample();
  }

  sample(): void {
    try {
      const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const match = /VmHWM:\s+(\d+) kB/.exec(status);
      if (match) this.peakKb = Math.max(this.peakKb, Number(match[1]));
    } catch {
      // the process has exited, or this is not Linux
    }
  }

  /** Peak in MiB, or undefined when nothing could be read. */
  stop(): number | undefined {
    this.sample();
    clearInterval(this.timer);
    return this.peakKb > 0 ? this.peakKb / 1024 : undefined;
  }
}
