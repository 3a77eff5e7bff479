// The two model steps of "mockup to code" (runMockup.ts runs the whole flow around them): asks for
// the inventory of the mockup (step 1, unless one-step), then for the code (step 2), streaming
// both. Code deltas carry the code extracted so far, never prose, so a caller can stream it
// straight into an editor. The engine is ready and the image prepared before this is called.
//
// Cancellation: when the signal aborts, the generator does not throw; it ends with a `done` event
// that has `cancelled: true`, `complete: false` and the code extracted so far (possibly empty), so
// the caller keeps the partial code. Other failures (the server died, HTTP errors) are thrown; the
// last `code-delta` then holds the partial code.

import type { ChatEngine } from '../engine/chatEngine';
import type { ChatCompletionOptions, ChatStreamEvent, CompletionUsage, ServerTimings } from '../openai/openAiClient';
import { isCancelled } from '../errors';
import type { PreparedImage } from '../images/prepare';
import type { ChatTurn } from '../openai/turn';
import { extractCode, extractStreamingCode, type CodeSource } from './extractCode';
import { codeTurns, inventoryTurns } from './prompts';
import { mockupTarget, type MockupTargetId } from './targets';

/** An inventory is a short list; this also stops a small model that repeats itself. */
export const defaultInventoryMaxTokens = 1024;

export interface MockupRequest {
  readonly image: PreparedImage;
  readonly target: MockupTargetId;
  /** Inventory first (default in the extension), or the code directly. */
  readonly twoStep: boolean;
  /** The user's extra instructions, added to the code request. */
  readonly instructions?: string;
  /** Token limit for step 1 (the smaller of this and `options.maxTokens`). Default 1024. */
  readonly inventoryMaxTokens?: number;
}

export type MockupPhase = 'inventory' | 'code';

/** Figures for one step, from the engine's final event. */
export interface MockupStepStats {
  readonly ms: number;
  /** Time to the first token: prompt processing, image encoding included on the first step. */
  readonly firstTokenMs?: number;
  readonly finishReason: string | null;
  readonly usage?: CompletionUsage;
  readonly timings?: ServerTimings;
}

export interface MockupStats {
  readonly inventory?: MockupStepStats;
  readonly code?: MockupStepStats;
}

export type MockupEvent =
  | { readonly type: 'phase'; readonly phase: MockupPhase }
  | { readonly type: 'inventory-delta'; readonly text: string }
  /** `text`: the raw delta (prose included); `code`: all the code extracted so far (see extractStreamingCode). */
  | { readonly type: 'code-delta'; readonly text: string; readonly code: string }
  | {
      readonly type: 'done';
      /** The final extraction (extractCode): the value to keep; may differ from the last code-delta at its ends. */
      readonly code: string;
      readonly language?: string;
      /** 'none': the answer held no code for the target; `answer` has what the model wrote instead. */
      readonly source: CodeSource;
      /** The code step's whole answer, prose included. */
      readonly answer: string;
      /** Step 1's answer, trimmed; undefined for one-step or when cancelled before it started. */
      readonly inventory?: string;
      /** True when the answer ran to its end: not cancelled and not cut off by the token limit. */
      readonly complete: boolean;
      readonly cancelled: boolean;
      /** The answer hit the token limit (finish reason "length"): the code is cut off. */
      readonly truncated: boolean;
      readonly stats: MockupStats;
    };

/** Streams the inventory and the code for a mockup; see the file header for how cancellation ends it. */
export async function* generateMockupCode(
  engine: ChatEngine,
  request: MockupRequest,
  options: ChatCompletionOptions,
  signal?: AbortSignal,
): AsyncGenerator<MockupEvent> {
  const target = mockupTarget(request.target);
  let inventory: string | undefined;
  let answer = '';
  const stats: { inventory?: MockupStepStats; code?: MockupStepStats } = {};
  const finish = (cancelled: boolean, codeStep?: MockupStepStats): MockupEvent => {
    // A cancelled answer is extracted like one cut off by the token limit: an open fence runs to its end.
    const extracted = extractCode(answer, target);
    const truncated = codeStep?.finishReason === 'length';
    return {
      type: 'done', code: extracted.code, language: extracted.language, source: extracted.source, answer, inventory,
      complete: !cancelled && !truncated, cancelled, truncated, stats,
    };
  };

  try {
    if (request.twoStep) {
      yield { type: 'phase', phase: 'inventory' };
      const limit = Math.min(request.inventoryMaxTokens ?? defaultInventoryMaxTokens, options.maxTokens ?? Number.POSITIVE_INFINITY);
      let listed = '';
      const step = yield* streamStep(engine, inventoryTurns(request.image), { ...options, maxTokens: limit }, signal, (text) => {
        listed += text;
        return { type: 'inventory-delta', text };
      });
      inventory = listed.trim();
      stats.inventory = step.stats;
      if (step.cancelled) {
        yield finish(true);
        return;
      }
    }

    yield { type: 'phase', phase: 'code' };
    // An empty inventory gives the one-step prompt: an empty list would only mislead the model.
    const turns = codeTurns(request.image, request.target, inventory, { instructions: request.instructions });
    const step = yield* streamStep(engine, turns, options, signal, (text) => {
      answer += text;
      return { type: 'code-delta', text, code: extractStreamingCode(answer, target).code };
    });
    stats.code = step.stats;
    yield finish(step.cancelled, step.stats);
  } catch (error) {
    if (!isCancelled(error) && !signal?.aborted) throw error;
    yield finish(true);
  }
}

interface StepResult {
  readonly cancelled: boolean;
  readonly stats: MockupStepStats;
}

/** One chat request: yields an event per delta; a cancellation (abort or 'cancelled' error) ends it quietly. */
async function* streamStep(
  engine: ChatEngine,
  turns: readonly ChatTurn[],
  options: ChatCompletionOptions,
  signal: AbortSignal | undefined,
  onDelta: (text: string) => MockupEvent,
): AsyncGenerator<MockupEvent, StepResult> {
  const started = Date.now();
  let firstTokenMs: number | undefined;
  let last: Extract<ChatStreamEvent, { type: 'done' }> | undefined;
  let cancelled = false;
  try {
    for await (const event of engine.chat(turns, options, signal)) {
      // Stop reading as soon as the signal aborts, whether or not the engine notices it itself.
      if (signal?.aborted) {
        cancelled = true;
        break;
      }
      if (event.type === 'delta') {
        firstTokenMs ??= Date.now() - started;
        yield onDelta(event.text);
      } else {
        last = event;
      }
    }
  } catch (error) {
    if (!isCancelled(error) && !signal?.aborted) throw error;
    cancelled = true;
  }
  // An engine that simply stops yielding on abort (an answer that had already ended is kept whole).
  if (signal?.aborted && !last) cancelled = true;
  return {
    cancelled,
    stats: { ms: Date.now() - started, firstTokenMs, finishReason: last?.finishReason ?? null, usage: last?.usage, timings: last?.timings },
  };
}
