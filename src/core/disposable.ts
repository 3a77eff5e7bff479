// Minimal disposable helpers shared by the core (mirrors VS Code's Disposable without importing it).

export interface Disposable {
  dispose(): void | Promise<void>;
}

/** A tiny typed event emitter: `event(listener)` subscribes and returns a Disposable. */
export class Emitter<T> {
  private listeners = new Set<(value: T) => void>();

  readonly event = (listener: (value: T) => void): Disposable => {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch {
        // a failing listener must not break the emitter or the others
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
