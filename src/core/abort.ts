// Cancellation through an AbortSignal, the same everywhere in the core: the check that stops work
// once a signal has aborted, and a delay that a signal cuts short.

import { GlimpseError } from './errors';

/** What an aborted signal becomes: a 'cancelled' GlimpseError with this message, or the error this makes. */
export type Cancelled = string | (() => Error);

/** Throws the `cancelled` error when `signal` has aborted; does nothing otherwise. */
export function throwIfAborted(signal: AbortSignal | undefined, cancelled: Cancelled): void {
  if (signal?.aborted) throw cancelledError(cancelled);
}

export interface DelayOptions {
  /** Ends the wait at once when it aborts (also when it has already aborted), rejecting with `cancelled`. */
  readonly signal?: AbortSignal;
  /** The rejection of an aborted wait; "Stopped." when not given. */
  readonly cancelled?: Cancelled;
  /** Lets the process exit during the wait (for a wait that nothing else needs to outlive). */
  readonly unref?: boolean;
}

/** Resolves after `ms` milliseconds, or rejects as soon as `options.signal` aborts. */
export function delay(ms: number, options: DelayOptions = {}): Promise<void> {
  const { signal, cancelled = 'Stopped.' } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelledError(cancelled));
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelledError(cancelled));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (options.unref) timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function cancelledError(cancelled: Cancelled): Error {
  return typeof cancelled === 'string' ? new GlimpseError('cancelled', cancelled) : cancelled();
}
