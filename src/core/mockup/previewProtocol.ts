// Messages between the mockup preview's webview and the extension host, validated on both sides
// like the chat panel's (src/core/protocol.ts), with the types inferred from the schemas. The host
// sends the generated code and the page kind; the webview builds the sandboxed iframe's document
// itself with buildPreviewDocument, so the Tailwind runtime (~280 KB) crosses once, not on every
// streamed update.

import * as v from 'valibot';
import type { DeepReadonly } from '../deepReadonly';
import { parseMessage, type ParseResult } from '../parseMessage';

const finite = v.pipe(v.number(), v.finite());
const positive = v.pipe(v.number(), v.finite(), v.gtValue(0));
const textUpTo = (limit: number) => v.pipe(v.string(), v.maxLength(limit));

const scoreState = v.picklist(['running', 'done', 'skipped', 'failed']);
export type PreviewScoreState = v.InferOutput<typeof scoreState>;

const previewScoreEntries = {
  state: scoreState,
  /** 0..1, higher is closer to the mockup. */
  score: v.optional(finite),
  /** Mean SSIM of luminance, -1..1. */
  ssim: v.optional(finite),
  /** Colour-distribution similarity, 0..1. */
  colour: v.optional(finite),
  /** The headless render, as a PNG data: URI. */
  renderDataUri: v.optional(v.pipe(v.string(), v.startsWith('data:image/png'))),
  message: v.optional(v.string()),
};
const previewScore = v.object(previewScoreEntries);
export type PreviewScore = DeepReadonly<v.InferOutput<typeof previewScore>>;

const previewHostMessage = v.variant('type', [
  v.strictObject({ type: v.literal('mockup'), dataUri: v.pipe(v.string(), v.startsWith('data:image/')), width: positive, height: positive, label: v.string() }),
  /** The Tailwind browser runtime, sent once before any Tailwind page. */
  v.strictObject({ type: v.literal('runtime'), tailwind: textUpTo(5_000_000) }),
  /** `preview` 'none': no live preview for this target; `note` says why. */
  v.strictObject({ type: v.literal('code'), code: textUpTo(2_000_000), preview: v.picklist(['html', 'tailwind', 'none']), targetLabel: v.string(), streaming: v.boolean() }),
  v.strictObject({ type: v.literal('score'), ...previewScoreEntries }),
  v.strictObject({ type: v.literal('status'), text: textUpTo(10_000) }),
]);
export type PreviewHostMessage = DeepReadonly<v.InferOutput<typeof previewHostMessage>>;

const previewWebviewMessage = v.variant('type', [
  v.strictObject({ type: v.literal('ready') }),
  v.strictObject({ type: v.literal('rescore') }),
  v.strictObject({ type: v.literal('log'), level: v.picklist(['info', 'warn', 'error']), message: textUpTo(4_000) }),
]);
export type PreviewWebviewMessage = DeepReadonly<v.InferOutput<typeof previewWebviewMessage>>;

export function parsePreviewHostMessage(value: unknown): ParseResult<PreviewHostMessage> {
  return parseMessage(previewHostMessage, value);
}

export function parsePreviewWebviewMessage(value: unknown): ParseResult<PreviewWebviewMessage> {
  return parseMessage(previewWebviewMessage, value);
}
