// At most one call per interval while values keep coming, always ending with the latest: for
// updates that arrive faster than they are worth showing (a page re-rendered per streamed token,
// per keystroke). Unlike a debounce, a steady stream still gets through, once per interval.

import type { Disposable } from './disposable';

export class Throttle<T> implements Disposable {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private latest: { readonly value: T } | undefined;

  constructor(private readonly send: (value: T) => void, private readonly intervalMs: number) {}

  /** Sends the value at the end of the current interval (or starts one), unless a newer one comes first. */
  push(value: T): void {
    this.latest = { value };
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const latest = this.latest;
      this.latest = undefined;
      if (latest) this.send(latest.value);
    }, this.intervalMs);
  }

  /** Sends the value now; anything waiting is dropped. */
  now(value: T): void {
    this.dispose();
    this.send(value);
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.latest = undefined;
  }
}
