// Keeps the last N lines of a child process's output, for error messages after a crash.

export class LineRingBuffer {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(private readonly capacity: number) {}

  /** Feeds raw text; complete lines are stored and returned (for logging). */
  push(text: string): string[] {
    const parts = (this.partial + text).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    const complete = parts.filter((line) => line.length > 0);
    for (const line of complete) {
      this.lines.push(line);
      if (this.lines.length > this.capacity) this.lines.shift();
    }
    return complete;
  }

  tail(count = this.capacity): string[] {
    const all = this.partial ? [...this.lines, this.partial] : [...this.lines];
    return all.slice(-count);
  }
}
