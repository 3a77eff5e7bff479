// How many prompt tokens one image takes in llama-server, measured: the same question is asked
// with the image (through the explain flow, which prepares the image as the editor does) and
// without it, and the difference of llama-server's usage.prompt_tokens is the image's share.
// Returns it beside Glimpse's estimate for the image as sent, so a test can assert they agree.

import type { LlamaServer } from '../../src/core/engine/llamaServer';
import { LocalEngine } from '../../src/core/engine/localEngine';
import { explainImage } from '../../src/core/chat/explainImage';
import type { PreparedImage } from '../../src/core/images/prepare';
import { estimateImageTokens } from '../../src/core/models/imageTokens';
import type { ChatStreamEvent } from '../../src/core/openai/openAiClient';

export interface ImageTokenMeasurement {
  /** What the prompt grew by with the image, as llama-server counted it. */
  readonly measured: number;
  /** Glimpse's estimate for the image as sent (undefined: the projector is not predicted). */
  readonly predicted: number | undefined;
  /** The image as it was sent (size after Glimpse's budget). */
  readonly sent: PreparedImage;
  /** Every event of the answer with the image, the last one `done`. */
  readonly events: readonly ChatStreamEvent[];
}

/** `server`: a LlamaServer (asked through a LocalEngine of its own) or the LocalEngine to ask through. */
export async function measureImageTokens(server: LlamaServer | LocalEngine, imagePath: string, maxTokens = 8): Promise<ImageTokenMeasurement> {
  const local = server instanceof LocalEngine ? server : new LocalEngine(server);
  const engine = local.server;
  let sent: PreparedImage | undefined;
  const result = await explainImage(local, { images: [{ path: imagePath }], question: 'What is this?' },
    { maxTokens, temperature: 0, extraBody: { ignore_eos: true } },
    (phase) => { if (phase.phase === 'prepared-images') sent = phase.images[0]; });
  const events: ChatStreamEvent[] = [];
  for await (const event of result.events) events.push(event);
  const done = events.at(-1);
  if (done?.type !== 'done') throw new Error(`the answer with the image ended with ${JSON.stringify(done)}`);
  if (!sent) throw new Error('the explain flow reported no prepared image');

  const textOnly = result.turns.map((turn) => ({ role: turn.role, text: turn.text }));
  let textOnlyTokens: number | undefined;
  for await (const event of engine.chat(textOnly, { maxTokens: 1, cachePrompt: false })) {
    if (event.type === 'done') textOnlyTokens = event.usage?.promptTokens;
  }
  const withImage = done.usage?.promptTokens;
  if (withImage === undefined || textOnlyTokens === undefined) throw new Error('llama-server reported no prompt token count');
  const pair = await engine.pairInfo();
  const predicted = pair.vision ? estimateImageTokens(pair.vision, sent, { maxTokens: engine.current?.imageMaxTokens }) : undefined;
  return { measured: withImage - textOnlyTokens, predicted, sent, events };
}
