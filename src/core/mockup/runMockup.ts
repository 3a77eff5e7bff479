// "Generate code from a mockup", the whole flow, for the extension and the CLI alike: asks the
// engine what its model can do, refuses a model that cannot see, prepares the mockup for that
// model's budget while the engine starts, then runs the two model steps (generateCode.ts) and marks
// code that did not run to its end. The defaults live here, so both adapters send the same request
// for the same mockup; the adapters only show the events (editor and preview, or the terminal).
//
// Cancellation before the code step starts rejects with a 'cancelled' GlimpseError; once it has
// started, the flow ends with a `done` event that keeps the code so far (see generateCode.ts).

import { requireVision, type ChatEngine, type EngineDescription } from '../engine/chatEngine';
import { GlimpseError } from '../errors';
import { prepareImage, type ImageInput, type ImageLimits, type PreparedImage } from '../images/prepare';
import type { ChatCompletionOptions } from '../openai/openAiClient';
import { defaultInventoryMaxTokens, generateMockupCode, type MockupEvent } from './generateCode';
import { incompleteMarker, mockupTarget, type MockupTargetId } from './targets';

/** One set of defaults for the CLI and the extension (its settings default to these). */
export const mockupDefaults = {
  /** A full page of HTML with its CSS is often 2,000-3,500 tokens. */
  maxTokens: 4096,
  inventoryMaxTokens: defaultInventoryMaxTokens,
  temperature: 0.2,
  /** List the mockup's texts and elements first, then write the code. */
  twoStep: true,
  /** The engine's context for a mockup: the image, the inventory and a whole page of code. */
  contextSize: 8192,
} as const;

export interface RunMockupRequest {
  readonly image: ImageInput;
  readonly target: MockupTargetId;
  readonly twoStep?: boolean;
  /** The user's extra instructions, e.g. "dark theme". */
  readonly instructions?: string;
  readonly limits?: Partial<ImageLimits>;
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly seed?: number;
}

type GenerationDone = Extract<MockupEvent, { type: 'done' }>;

export type RunMockupEvent =
  /** The mockup as the model is sent it (the engine may still be loading). */
  | { readonly type: 'prepared'; readonly image: PreparedImage; readonly description: EngineDescription; readonly imageTokens?: number }
  /** The engine is ready: the model steps start now. */
  | { readonly type: 'engine-ready'; readonly ms: number }
  | Exclude<MockupEvent, { type: 'done' }>
  | (GenerationDone & {
      /** Why the code is incomplete (stopped, cut off by the token limit); undefined when it ran to its end. */
      readonly incomplete?: string;
      /** The code to keep: with a first line saying it is incomplete, when it is. */
      readonly file: string;
    });

/** The chat request options of a mockup, the same from every adapter. */
export function mockupCompletionOptions(request: Pick<RunMockupRequest, 'maxTokens' | 'temperature' | 'seed'>): ChatCompletionOptions {
  return {
    maxTokens: request.maxTokens ?? mockupDefaults.maxTokens,
    temperature: request.temperature ?? mockupDefaults.temperature,
    ...(request.seed === undefined ? {} : { seed: request.seed }),
    cachePrompt: true,
  };
}

export async function* runMockup(engine: ChatEngine, request: RunMockupRequest, signal?: AbortSignal): AsyncGenerator<RunMockupEvent> {
  const target = mockupTarget(request.target);
  const started = Date.now();
  const description = await engine.describe(signal);
  requireVision(description, 'read a mockup');
  // The model loads while the mockup is prepared.
  const ready = engine.ensureReady(signal);
  ready.catch(() => undefined);
  let image: PreparedImage;
  try {
    image = await prepareImage(request.image, description.imageBudget, request.limits, signal);
  } catch (error) {
    // Settle the start first, so a bad image never races an engine error.
    await ready.catch(() => undefined);
    throw error;
  }
  yield { type: 'prepared', image, description, imageTokens: description.imageTokens?.(image.width, image.height) };
  await ready;
  if (signal?.aborted) throw new GlimpseError('cancelled', 'Stopped.');
  yield { type: 'engine-ready', ms: Date.now() - started };

  const steps = generateMockupCode(
    engine,
    {
      image,
      target: target.id,
      twoStep: request.twoStep ?? mockupDefaults.twoStep,
      instructions: request.instructions?.trim() || undefined,
      inventoryMaxTokens: mockupDefaults.inventoryMaxTokens,
    },
    mockupCompletionOptions(request),
    signal,
  );
  for await (const event of steps) {
    if (event.type !== 'done') {
      yield event;
      continue;
    }
    const incomplete = event.cancelled ? 'generation was stopped' : event.truncated ? 'the answer reached the token limit' : undefined;
    const file = incomplete && event.code.trim() ? `${incompleteMarker(target.id, incomplete)}\n${event.code}` : event.code;
    yield { ...event, incomplete, file };
  }
}
