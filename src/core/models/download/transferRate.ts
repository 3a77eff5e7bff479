// Download speed for progress reports: bytes received over the network (resumed bytes already on
// disk do not count), measured over windows of at least `minWindowMs` and smoothed with an
// exponential moving average so one slow or fast burst does not make the estimate jump.

export class TransferRate {
  private received = 0;
  private windowStartBytes = 0;
  private windowStartTime: number;
  private smoothed = 0;
  private measured = false;

  constructor(
    private readonly now: () => number,
    private readonly minWindowMs = 100,
    /** Weight of the newest window (0–1). */
    private readonly alpha = 0.3,
  ) {
    this.windowStartTime = now();
  }

  add(bytes: number): void {
    this.received += bytes;
  }

  /** Bytes per second, smoothed; 0 until one full window has been measured. */
  bytesPerSecond(): number {
    const time = this.now();
    const elapsedMs = time - this.windowStartTime;
    if (elapsedMs >= this.minWindowMs) {
      const instant = ((this.received - this.windowStartBytes) * 1000) / elapsedMs;
      this.smoothed = this.measured ? this.alpha * instant + (1 - this.alpha) * this.smoothed : instant;
      this.measured = true;
      this.windowStartBytes = this.received;
      this.windowStartTime = time;
    }
    return this.smoothed;
  }
}
