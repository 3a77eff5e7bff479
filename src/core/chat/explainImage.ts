// "Explain this image" as one core operation used by the CLI and the extension: checks the model
// pair, prepares the images for that model's budget while llama-server starts, then streams the
// answer. Reports each phase so callers can show progress and benchmarks can time them.

import { imageBudgetFor } from '../models/imageBudget';
import { noProjectorMessage } from '../models/pairCheck';
import { prepareImage, type PreparedImage } from '../images/prepare';
import type { LlamaServer, RunningServer } from '../engine/llamaServer';
import type { ChatCompletionOptions, ChatStreamEvent } from '../openai/openAiClient';
import { explainImageTurns, type ImageKind } from './prompts';
import type { ChatTurn } from '../openai/turn';
import { GlimpseError } from '../errors';

export type ExplainPhase =
  | { readonly phase: 'checked-pair' }
  | { readonly phase: 'prepared-images'; readonly images: readonly PreparedImage[]; readonly ms: number }
  | { readonly phase: 'server-ready'; readonly server: RunningServer; readonly ms: number }
  | { readonly phase: 'first-token'; readonly ms: number };

export interface ExplainImageRequest {
  readonly imagePaths: readonly string[];
  readonly question?: string;
  readonly kind?: ImageKind;
}

export interface ExplainImageResult {
  /** The turns sent, so a follow-up can extend them without changing the image prefix. */
  readonly turns: readonly ChatTurn[];
  readonly events: AsyncGenerator<ChatStreamEvent>;
}

export async function explainImage(
  server: LlamaServer,
  request: ExplainImageRequest,
  options: ChatCompletionOptions,
  onPhase: (phase: ExplainPhase) => void = () => undefined,
  signal?: AbortSignal,
): Promise<ExplainImageResult> {
  const started = Date.now();
  const pair = await server.pairInfo();
  onPhase({ phase: 'checked-pair' });
  if (!pair.vision) {
    throw new GlimpseError(
      'model-no-vision',
      noProjectorMessage(pair.modelName),
    );
  }
  const budget = imageBudgetFor(pair);
  // Start the server (model load) and prepare the images at the same time.
  const serverReady = server.start(signal).then((running) => {
    onPhase({ phase: 'server-ready', server: running, ms: Date.now() - started });
    return running;
  });
  const imagesReady = Promise.all(request.imagePaths.map((p) => prepareImage({ path: p }, budget, undefined, signal))).then((images) => {
    onPhase({ phase: 'prepared-images', images, ms: Date.now() - started });
    return images;
  });
  // Both settle before either error is reported, so a failed image never leaves an orphan start.
  const [serverResult, imagesResult] = await Promise.allSettled([serverReady, imagesReady]);
  if (imagesResult.status === 'rejected') throw imagesResult.reason;
  if (serverResult.status === 'rejected') throw serverResult.reason;

  const turns = explainImageTurns({ images: imagesResult.value, question: request.question, kind: request.kind });
  async function* stream(): AsyncGenerator<ChatStreamEvent> {
    let first = true;
    for await (const event of server.chat(turns, options, signal)) {
      if (first && event.type === 'delta') {
        first = false;
        onPhase({ phase: 'first-token', ms: Date.now() - started });
      }
      yield event;
    }
  }
  return { turns, events: stream() };
}
