// What the chat needs from an engine, whichever it is: the embedded llama-server (LlamaServer) or a
// team's remote OpenAI-compatible server (RemoteEngine). The controller asks what the model can
// see and how large an image it takes, makes sure the engine is ready, and streams answers.

import type { ChatTurn } from '../openai/turn';
import type { ImageBudget } from '../images/budget';
import type { ChatCompletionOptions, ChatStreamEvent } from '../openai/openAiClient';
import { GlimpseError } from '../errors';
import type { UserOption } from '../userOptions';

export interface EngineDescription {
  /** The model's name as the UI shows it. */
  readonly modelLabel: string;
  /** Whether the model accepts images; 'unknown' when the server does not say (sent, not refused). */
  readonly vision: boolean | 'unknown';
  /** When vision is false: why, and what to do (shown to the user; images are never dropped silently). */
  readonly visionRefusal?: string;
  /** The options that would give it vision (the projector path; a remote vision override). */
  readonly visionRefusalOptions?: readonly UserOption[];
  /** How large an image to send. */
  readonly imageBudget: ImageBudget;
  /** Visual tokens an image of this size (as sent) takes, when the projector lets us predict it. */
  readonly imageTokens?: (width: number, height: number) => number | undefined;
  /** What the first-token budget traded for an image (sent size and source size), if anything. */
  readonly imageNote?: (image: { width: number; height: number; originalWidth: number; originalHeight: number }) => string | undefined;
}

export interface ChatEngine {
  describe(signal?: AbortSignal): Promise<EngineDescription>;
  ensureReady(signal?: AbortSignal): Promise<void>;
  chat(turns: readonly ChatTurn[], options: ChatCompletionOptions, signal?: AbortSignal): AsyncGenerator<ChatStreamEvent>;
  /** The model's own token count of `text` when the engine can tell now without starting; undefined otherwise. */
  countTokens?(text: string, signal?: AbortSignal): Promise<number | undefined>;
}

/**
 * Refuses a model that cannot see before any image is read or sent (images are never dropped
 * silently): the engine's own reason, or one naming the task. `task` completes "so it cannot …".
 */
export function requireVision(description: EngineDescription, task = 'answer questions about images'): void {
  if (description.vision !== false) return;
  throw new GlimpseError(
    'model-no-vision',
    description.visionRefusal ?? `${description.modelLabel} cannot see images, so it cannot ${task}. Pick a model with vision (a model and its mmproj projector).`,
    { optionsToChange: description.visionRefusalOptions ?? [] },
  );
}

/** What a prefill did: the tokens the server evaluated now, and those it already had in its cache. */
export interface PrefillFigures {
  readonly evaluatedTokens?: number;
  readonly cachedTokens?: number;
  readonly ms: number;
}

/** An engine that can read turns into its prompt cache ahead of a question (see chat/draftPrefill.ts). */
export interface PrefillEngine {
  /** Evaluates the turns into the server's cache; undefined when the engine cannot now (not running, remote). */
  prefill(turns: readonly ChatTurn[], signal: AbortSignal): Promise<PrefillFigures | undefined>;
}
