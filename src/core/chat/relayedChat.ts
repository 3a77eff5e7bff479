// A chat driven by another chat UI (VS Code's language-model chat provider API): that UI keeps the
// conversation and sends all of it, in a neutral shape, with every request. This turns it into the
// engine's turns and streams the answer, the way explainImage.ts does for Glimpse's own chat: asks
// the engine what its model can do, refuses a model that cannot see before anything is read or
// started (images are never dropped silently), starts the engine while the images are prepared at
// the model's budget, then streams.
//
// How the messages become turns:
// - System messages, wherever they are, become one system turn, first.
// - Consecutive messages of the same role become one turn (system messages taken out first, so a
//   system message between two user messages does not keep them apart); their texts are joined
//   with a blank line. Empty text parts are skipped; a message left with nothing is dropped.
// - Images go on user turns only (ChatTurn's rule, and what chat templates accept). An image in a
//   system or assistant message moves to the next user turn after it, ahead of that turn's own
//   images (request order is kept). When no user message follows, it goes on a new user turn at the
//   end (or on the last turn when that is a user turn: two user turns in a row would be merged).
//   A follow-up request places an assistant's image on the same turn again (the user's next
//   question joins that turn), so the prompt's prefix (and llama-server's cache of it) stays the same.
// - Images are numbered across the request, in message order: "image 1", "image 2", … (the label
//   an image error names).

import { requireVision, type ChatEngine } from '../engine/chatEngine';
import { GlimpseError } from '../errors';
import type { ImageBudget } from '../images/budget';
import { prepareImage, type ImageLimits, type PreparedImage } from '../images/prepare';
import type { PreparedImageCache } from '../images/preparedImageCache';
import type { ChatCompletionOptions, ChatStreamEvent } from '../openai/openAiClient';
import type { ChatTurn } from '../openai/turn';

export type RelayedPart =
  | { readonly kind: 'text'; readonly text: string }
  /** `mimeType` is the sender's word for it; the bytes are what decide (prepareImage reads their signature). */
  | { readonly kind: 'image'; readonly bytes: Uint8Array; readonly mimeType: string };

export interface RelayedMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly parts: readonly RelayedPart[];
}

export interface RelayedChatRequest {
  readonly messages: readonly RelayedMessage[];
  readonly limits?: Partial<ImageLimits>;
}

/** The task a blind model is refused, completing "… so it cannot …". */
const visionTask = 'read the image in this request';

/**
 * Streams the answer; rejects before anything streams on a blind model with images, a bad image, or
 * no messages. `cache` (one per provider, kept between requests) spares a re-sent image a second
 * decode and keeps its bytes identical; without it each image is prepared afresh.
 */
export async function* relayChat(
  engine: ChatEngine,
  request: RelayedChatRequest,
  options: ChatCompletionOptions,
  signal?: AbortSignal,
  cache?: PreparedImageCache,
): AsyncGenerator<ChatStreamEvent> {
  const images = numberedImages(request.messages);
  if (images.length === 0 && !request.messages.some((message) => textOf(message) !== '')) {
    throw new GlimpseError('invalid-argument', 'The request holds no text or image to answer.');
  }
  const description = await engine.describe(signal);
  if (images.length > 0) requireVision(description, visionTask);

  // The model loads while the images are prepared; a failure to start is reported when the answer
  // is awaited, or not at all when an image fails first.
  const ready = engine.ensureReady(signal);
  ready.catch(() => undefined);
  const prepared = await Promise.all(images.map((image) => prepareOne(image, description.imageBudget, request.limits, signal, cache)));
  const turns = relayedTurns(request.messages, prepared);
  await ready;
  yield* engine.chat(turns, options, signal);
}

interface NumberedImage {
  readonly bytes: Uint8Array;
  readonly label: string;
}

/** The request's images in message order, labelled "image 1", "image 2", …. */
function numberedImages(messages: readonly RelayedMessage[]): NumberedImage[] {
  const images: NumberedImage[] = [];
  for (const message of messages) {
    for (const part of message.parts) {
      if (part.kind === 'image') images.push({ bytes: part.bytes, label: `image ${images.length + 1}` });
    }
  }
  return images;
}

function prepareOne(image: NumberedImage, budget: ImageBudget, limits: Partial<ImageLimits> | undefined, signal: AbortSignal | undefined, cache: PreparedImageCache | undefined): Promise<PreparedImage> {
  return cache ? cache.prepare(image, budget, limits, signal) : prepareImage(image, budget, limits, signal);
}

/** A message's non-empty texts, joined with a blank line. */
function textOf(message: RelayedMessage): string {
  return message.parts
    .flatMap((part) => (part.kind === 'text' && part.text !== '' ? [part.text] : []))
    .join('\n\n');
}

interface DraftTurn {
  readonly role: ChatTurn['role'];
  readonly texts: string[];
  readonly images: PreparedImage[];
}

/** The turns sent for `messages`, with `images` the prepared images in the order numberedImages gave them. */
function relayedTurns(messages: readonly RelayedMessage[], images: readonly PreparedImage[]): ChatTurn[] {
  let nextImage = 0;
  const systemTexts: string[] = [];
  const turns: DraftTurn[] = [];
  // Images of system and assistant messages, waiting for the next user turn.
  let carried: PreparedImage[] = [];
  for (const message of messages) {
    const text = textOf(message);
    const own = message.parts.filter((part) => part.kind === 'image').map(() => images[nextImage++]);
    if (message.role !== 'user') carried.push(...own);
    if (message.role === 'system') {
      if (text !== '') systemTexts.push(text);
      continue;
    }
    const turnImages = message.role === 'user' ? [...carried, ...own] : [];
    if (message.role === 'user') carried = [];
    if (text === '' && turnImages.length === 0) continue;
    const last = turns.at(-1);
    if (last?.role === message.role) {
      if (text !== '') last.texts.push(text);
      last.images.push(...turnImages);
    } else {
      turns.push({ role: message.role, texts: text === '' ? [] : [text], images: turnImages });
    }
  }
  if (carried.length > 0) {
    const last = turns.at(-1);
    if (last?.role === 'user') last.images.push(...carried);
    else turns.push({ role: 'user', texts: [], images: carried });
  }
  const system: ChatTurn[] = systemTexts.length > 0 ? [{ role: 'system', text: systemTexts.join('\n\n') }] : [];
  return [...system, ...turns.map(toChatTurn)];
}

function toChatTurn(draft: DraftTurn): ChatTurn {
  const text = draft.texts.join('\n\n');
  return draft.images.length > 0 ? { role: draft.role, text, images: draft.images } : { role: draft.role, text };
}
