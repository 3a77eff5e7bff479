// Prefill while typing: while the user writes a question, the conversation so far plus the draft
// (and any image attached for it) is sent to the engine with nothing to generate, so the server
// evaluates it into its prompt cache. When the question is sent, only what changed since the last
// pause in typing (the last words, the end-of-turn tokens) is left to evaluate: a follow-up's first
// token comes sooner, and an image attached before typing is encoded while the user types.
//
// The turns must be exactly those the question will send (Conversation.draftTurns): the server
// reuses the longest common prefix of tokens, so everything up to the first difference is kept.
// A request runs only after `delayMs` without a change, at most one at a time; the newest draft
// waits for the running one. Sending the question (`cancel`) drops whatever is waiting.

import type { Disposable } from '../disposable';
import type { PrefillEngine, PrefillFigures } from '../engine/chatEngine';
import type { ChatTurn } from '../openai/turn';

export interface DraftPrefillOptions {
  /** Quiet time after the last change before a request: typing in bursts sends one request per pause. */
  readonly delayMs?: number;
  readonly onPrefilled?: (figures: PrefillFigures) => void;
  /** A failed prefill changes nothing for the question (it is sent whole): reported for the log only. */
  readonly onError?: (error: unknown) => void;
}

/** The default quiet time: longer than the gap between keystrokes, shorter than a pause to think. */
const defaultPrefillDelayMs = 400;

export class DraftPrefill implements Disposable {
  private readonly delayMs: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private waiting: { readonly key: string; readonly turns: readonly ChatTurn[] } | undefined;
  private running: { readonly key: string; readonly controller: AbortController } | undefined;
  /** The draft the server's cache holds now (as far as this class knows). */
  private warmedKey: string | undefined;
  private settledWaiters: Array<() => void> = [];
  private disposed = false;

  constructor(private readonly engine: PrefillEngine, private readonly options: DraftPrefillOptions = {}) {
    this.delayMs = options.delayMs ?? defaultPrefillDelayMs;
  }

  /** The draft changed: these are the turns sending it now would send (undefined: nothing to prefill). */
  update(turns: readonly ChatTurn[] | undefined): void {
    if (this.disposed) return;
    this.clearTimer();
    const key = turns && keyOf(turns);
    if (!key || key === this.warmedKey || key === this.running?.key) {
      this.waiting = undefined;
      this.notifyIfSettled();
      return;
    }
    this.waiting = { key, turns };
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runWaiting();
    }, this.delayMs);
  }

  /** The question is being sent (or the conversation changed): stop prefilling, forget the draft. */
  cancel(): void {
    this.clearTimer();
    this.waiting = undefined;
    // Forgotten at once: a draft typed again before the aborted request ends is a new request.
    this.running?.controller.abort();
    this.running = undefined;
    this.warmedKey = undefined;
    this.notifyIfSettled();
  }

  /** Whether a request is running or waiting for its quiet time. */
  private get isBusy(): boolean {
    return this.timer !== undefined || this.running !== undefined || this.waiting !== undefined;
  }

  /** Resolves when nothing is running or waiting (tests and the benchmark wait for the cache to be warm). */
  settled(): Promise<void> {
    if (!this.isBusy) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  dispose(): void {
    this.cancel();
    this.disposed = true;
  }

  private async runWaiting(): Promise<void> {
    const next = this.waiting;
    // One at a time: the running request's end picks up the newest draft.
    if (!next || this.running) return;
    this.waiting = undefined;
    const controller = new AbortController();
    this.running = { key: next.key, controller };
    try {
      const figures = await this.engine.prefill(next.turns, controller.signal);
      if (!controller.signal.aborted && figures) {
        this.warmedKey = next.key;
        this.options.onPrefilled?.(figures);
      }
    } catch (error) {
      if (!controller.signal.aborted) this.options.onError?.(error);
    } finally {
      if (this.running?.controller === controller) this.running = undefined;
      if (this.waiting && !this.timer) void this.runWaiting();
      else this.notifyIfSettled();
    }
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private notifyIfSettled(): void {
    if (this.isBusy) return;
    const waiters = this.settledWaiters.splice(0);
    for (const resolve of waiters) resolve();
  }
}

/** What identifies a request for the cache: roles, texts and image contents (by hash), in order. */
function keyOf(turns: readonly ChatTurn[]): string {
  return JSON.stringify(turns.map((turn) => [turn.role, turn.text, (turn.images ?? []).map((image) => image.sha256)]));
}
