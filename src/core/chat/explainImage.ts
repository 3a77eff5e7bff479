// "Explain this image" as one core operation, for the CLI and the extension's chat alike: asks the
// engine what its model can do, refuses a model that cannot see, prepares the images for that
// model's budget while the engine starts, then streams the answer. Reports each phase so callers
// can show progress and benchmarks can time them.

import { requireVision, type ChatEngine, type EngineDescription } from '../engine/chatEngine';
import { prepareImage, type ImageInput, type ImageLimits, type PreparedImage } from '../images/prepare';
import type { ChatCompletionOptions, ChatStreamEvent } from '../openai/openAiClient';
import type { ChatTurn } from '../openai/turn';
import { explainImageTurns, type ImageKind } from './prompts';

/** The defaults of an explanation, the same for the CLI and the extension (whose settings default to them). */
export const explainDefaults = {
  /** An explanation with a checklist of what is on a screenshot runs to a few hundred tokens. */
  maxTokens: 1024,
  temperature: 0.2,
} as const;

export type ExplainPhase =
  | { readonly phase: 'described'; readonly description: EngineDescription; readonly ms: number }
  | { readonly phase: 'prepared-images'; readonly images: readonly PreparedImage[]; readonly ms: number }
  | { readonly phase: 'engine-ready'; readonly ms: number }
  | { readonly phase: 'first-token'; readonly ms: number };

export interface ExplainImageRequest {
  readonly images: readonly ImageInput[];
  readonly question?: string;
  readonly kind?: ImageKind;
  readonly limits?: Partial<ImageLimits>;
}

export interface ExplainImageResult {
  readonly description: EngineDescription;
  /** The images as the model is sent them. */
  readonly images: readonly PreparedImage[];
  /** The turns sent, so a follow-up can extend them without changing the image prefix. */
  readonly turns: readonly ChatTurn[];
  /** The answer: waits for the engine (started while the images were prepared), then streams. */
  readonly events: AsyncGenerator<ChatStreamEvent>;
}

/**
 * Resolves once the images are prepared (the engine may still be loading: `events` waits for it),
 * so a caller can show the images before the model is ready. A bad image rejects here.
 */
export async function explainImage(
  engine: ChatEngine,
  request: ExplainImageRequest,
  options: ChatCompletionOptions,
  onPhase: (phase: ExplainPhase) => void = () => undefined,
  signal?: AbortSignal,
): Promise<ExplainImageResult> {
  const started = Date.now();
  const description = await engine.describe(signal);
  onPhase({ phase: 'described', description, ms: Date.now() - started });
  requireVision(description);
  // The model loads while the images are prepared.
  const ready = engine.ensureReady(signal).then(() => onPhase({ phase: 'engine-ready', ms: Date.now() - started }));
  // A failure here is reported by `events`, or not at all when an image fails first.
  ready.catch(() => undefined);
  const images = await prepareImages(description, request.images, request.limits, signal);
  onPhase({ phase: 'prepared-images', images, ms: Date.now() - started });

  const turns = explainImageTurns({ images, question: request.question, kind: request.kind });
  async function* stream(): AsyncGenerator<ChatStreamEvent> {
    await ready;
    let first = true;
    for await (const event of engine.chat(turns, options, signal)) {
      if (first && event.type === 'delta') {
        first = false;
        onPhase({ phase: 'first-token', ms: Date.now() - started });
      }
      yield event;
    }
  }
  return { description, images, turns, events: stream() };
}

/** Prepares images once for the engine's model: the bytes to send at its budget. */
export function prepareImages(
  description: EngineDescription,
  inputs: readonly ImageInput[],
  limits?: Partial<ImageLimits>,
  signal?: AbortSignal,
): Promise<PreparedImage[]> {
  return Promise.all(inputs.map((input) => prepareImage(input, description.imageBudget, limits, signal)));
}
