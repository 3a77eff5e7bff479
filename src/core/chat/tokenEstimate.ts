// Token counts for a chat UI that asks how much of its context a message takes (VS Code's
// provideTokenCount), when the engine cannot count them itself (not running, or remote): an
// estimate from the text's size, and per image its visual tokens when the model's projector lets
// them be predicted.
//
// The text rule: UTF-8 bytes / 3, rounded up. Measured against real tokenizers (llama.cpp's
// vocabulary-only GGUFs, models/ggml-vocab-*.gguf in its source, tokenized by llama.cpp: a 300-byte
// English paragraph, a 3.6 kB TypeScript file, 6 kB of Markdown, 4 kB of package.json and a
// 220-byte Chinese paragraph), bytes per token were:
//
//                          prose   TypeScript   Markdown   JSON   Chinese
//   Gemma 4                 4.8       4.0         4.3       3.1     5.5
//   Llama 3 (BPE)           4.8       4.4         4.5       3.5     4.3
//   Qwen2 / Qwen3.5         4.8       4.4         4.4       3.5     5.6
//   StarCoder (BPE)         4.6       4.1         4.3       3.5     4.4
//   Llama 2 (SentencePiece) 4.6       3.6         3.8       2.9     2.4
//
// Bytes / 4 (the usual rule) falls short by up to 28 % on JSON, and by 39 % on Chinese through
// the Llama 2 vocabulary (LLaVA 1.5's); a count that falls short lets the UI send more than the
// context holds. Bytes / 3 counts high on prose (by about 60 %) and falls short only through the
// Llama 2 vocabulary: by 4 % on JSON and 20 % on Chinese. The project's synthetic test models (a
// byte-level BPE with few merges) take more tokens per byte than any real one: their counts come
// from llama-server (LocalEngine.countTokens), not from here.

import type { EngineDescription } from '../engine/chatEngine';
import { fitWithinBudget } from '../images/budget';
import { inspectImage } from '../images/inspect';
import type { RelayedMessage } from './relayedChat';

/** UTF-8 bytes per token the estimate assumes (see the table above). */
export const estimatedBytesPerToken = 3;

/**
 * What a message's role markers add in a chat template: ChatML's `<|im_start|>user\n … <|im_end|>\n`
 * is 5 tokens, Gemma's `<start_of_turn>user\n … <end_of_turn>\n` is 5 too.
 */
export const messageOverheadTokens = 5;

/**
 * The visual tokens of an image whose size cannot be read or whose tokens the model does not let us
 * predict: between the fixed 256 of Gemma 3 and 576 of LLaVA 1.5 and the 1000 and more a large
 * screenshot takes with Qwen2-VL, Gemma 4 or SmolVLM at their budgets.
 */
export const defaultImageTokens = 768;

/** Estimated tokens of `text`: its UTF-8 bytes / 3, rounded up (0 for no text). */
export function estimateTextTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / estimatedBytesPerToken);
}

export interface RelayedTokenSources {
  /** The model's visual tokens for an image of this size as sent (EngineDescription.imageTokens). */
  readonly imageTokens?: EngineDescription['imageTokens'];
  /** The budget images are sent at (EngineDescription.imageBudget): an image's size as sent. */
  readonly imageBudget?: EngineDescription['imageBudget'];
  /** An exact count of a text, when the engine can give one now (ChatEngine.countTokens); undefined falls back to the estimate. */
  readonly countText?: (text: string) => Promise<number | undefined>;
}

/**
 * The tokens a message takes: its texts (counted by `countText` when it answers, else estimated),
 * its role markers, and each image: the model's prediction for its size as sent (read from the
 * image's header, which is cheap: sharp reads no pixels), or defaultImageTokens when the header
 * cannot be read or the model predicts nothing. A bad image is counted, not refused: the chat
 * refuses it with what to do when the message is sent.
 */
export async function estimateRelayedTokens(message: RelayedMessage, sources: RelayedTokenSources = {}): Promise<number> {
  let tokens = messageOverheadTokens;
  for (const part of message.parts) {
    if (part.kind === 'text') {
      if (part.text === '') continue;
      const counted = await sources.countText?.(part.text);
      tokens += counted ?? estimateTextTokens(part.text);
    } else {
      tokens += await imageTokensOf(part.bytes, sources);
    }
  }
  return tokens;
}

async function imageTokensOf(bytes: Uint8Array, sources: RelayedTokenSources): Promise<number> {
  if (!sources.imageTokens) return defaultImageTokens;
  try {
    const source = await inspectImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'image');
    const sent = sources.imageBudget ? fitWithinBudget(source, sources.imageBudget) : source;
    return sources.imageTokens(sent.width, sent.height) ?? defaultImageTokens;
  } catch {
    return defaultImageTokens;
  }
}
