// The messages between the chat panel's webview and the extension host: one schema per message,
// used by both sides, and the TypeScript types inferred from those schemas (none is declared
// apart from its schema). Every message from the webview is validated at runtime
// (`parseWebviewMessage`) before the extension acts on it; anything that does not match is dropped
// and logged. Messages to the webview are validated there the same way (`parseHostMessage`), so a
// version skew between a reloaded webview and the host shows up as a log line, not as a broken panel.

import * as v from 'valibot';
import type { DeepReadonly } from './deepReadonly';
import { parseMessage, type ParseResult } from './parseMessage';

export type { ParseResult } from './parseMessage';

/** The longest question the panel may send: a guard against a runaway paste, not a model limit. */
export const maxQuestionLength = 20_000;
/** The largest image the panel may send as bytes (checked in the webview before sending, and again here). */
export const maxAttachmentBytes = 20 * 1024 * 1024;
/** base64 grows data by 4/3. */
const maxAttachmentBase64Length = Math.ceil(maxAttachmentBytes / 3) * 4;
/** The smallest crop side in pixels (or the image's side, when that is smaller): the host refuses less, the dialog never draws less. */
export const minCropSide = 16;
/** No image Glimpse decodes is this long on a side (the decoder's pixel limit is far below it): a sanity bound for rectangles. */
export const maxImageSide = 1_000_000;

// ---- building blocks ----

const text = v.string();
const finite = v.pipe(v.number(), v.finite());
const textUpTo = (limit: number) => v.pipe(v.string(), v.maxLength(limit));
/** A data: URI of an image made by the host; never a remote URL. */
const dataImage = v.pipe(v.string(), v.startsWith('data:image/'));
const pixelOffset = v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(maxImageSide - 1));
const pixelLength = v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(maxImageSide));
const imageId = textUpTo(100);

// ---- shapes shared by both directions ----

export const errorActions = ['openSettings', 'showLog', 'retry', 'getEngine'] as const;
const errorAction = v.picklist(errorActions);
export type ErrorAction = v.InferOutput<typeof errorAction>;

const engineStatus = v.picklist(['idle', 'sleeping', 'loading', 'generating', 'error']);
export type EngineStatus = v.InferOutput<typeof engineStatus>;

const imageViewEntries = {
  label: text,
  /** A small thumbnail as a data: URI (PNG/JPEG made by the host; never a remote URL). */
  thumbnail: dataImage,
  /** Size the model was sent, and the original size. */
  width: finite,
  height: finite,
  originalWidth: finite,
  originalHeight: finite,
  /** Visual tokens the image takes in the model's context, when the projector lets us predict it. */
  tokens: v.optional(finite),
  /** Set when the downscale will likely make small text unreadable (suggest a crop). */
  warning: v.optional(text),
};
const imageView = v.object(imageViewEntries);
export type ImageView = DeepReadonly<v.InferOutput<typeof imageView>>;

/** An image attached in the composer, prepared for the model, not yet sent. */
const pendingImageView = v.object({ ...imageViewEntries, id: text });
export type PendingImageView = DeepReadonly<v.InferOutput<typeof pendingImageView>>;

/**
 * A rectangle of an image in whole pixels of the image as displayed (after EXIF orientation; for
 * SVG, its declared size): what a crop is measured in, on both sides.
 */
const pixelRect = v.object({ x: pixelOffset, y: pixelOffset, width: pixelLength, height: pixelLength });
export type PixelRect = DeepReadonly<v.InferOutput<typeof pixelRect>>;

const answerStats = v.object({
  promptTokens: v.optional(finite),
  cachedTokens: v.optional(finite),
  generatedTokens: v.optional(finite),
  tokensPerSecond: v.optional(finite),
  firstTokenMs: v.optional(finite),
});
export type AnswerStats = DeepReadonly<v.InferOutput<typeof answerStats>>;

const answerEnd = v.picklist(['done', 'stopped', 'error']);

const turnView = v.object({
  id: text,
  role: v.picklist(['user', 'assistant']),
  text,
  images: v.optional(v.array(imageView)),
  /** assistant turns: still streaming, stopped by the user, or ended by an error. */
  status: v.optional(v.picklist(['streaming', 'done', 'stopped', 'error'])),
  error: v.optional(text),
  /** What the user can do about the error (kept so a reloaded panel still offers it). */
  actions: v.optional(v.array(errorAction)),
  stats: v.optional(answerStats),
});
export type TurnView = DeepReadonly<v.InferOutput<typeof turnView>>;

// ---- webview → extension ----

const webviewMessage = v.variant('type', [
  v.strictObject({ type: v.literal('ready') }),
  v.strictObject({ type: v.literal('ask'), text: textUpTo(maxQuestionLength) }),
  /** The question box changed (every edit): the host may prefill the draft into the engine's cache. */
  v.strictObject({ type: v.literal('draft'), text: textUpTo(maxQuestionLength) }),
  /** Bytes of a pasted or dropped image (base64), checked against maxAttachmentBytes on both sides. */
  v.strictObject({
    type: v.literal('attachImage'),
    name: textUpTo(500),
    mimeType: v.pipe(v.string(), v.regex(/^image\/[a-z0-9.+-]+$/)),
    dataBase64: v.pipe(v.string(), v.maxLength(maxAttachmentBase64Length), v.check((data) => /^[A-Za-z0-9+/]*={0,2}$/.test(data.slice(-4)), 'Invalid base64 ending')),
  }),
  /** The attach button: the host opens a file picker. */
  v.strictObject({ type: v.literal('pickImages') }),
  v.strictObject({ type: v.literal('removeImage'), id: textUpTo(100) }),
  /** The Crop… button of a pending image: the host answers with `cropSource` (or `cropRefused`). */
  v.strictObject({ type: v.literal('openCrop'), imageId }),
  /**
   * Replace a pending image by this part of its original (the whole original undoes a crop). The
   * rectangle is in pixels of the original as `cropSource` measured it; the host checks it lies
   * inside and answers with `pendingImages` (or `cropRefused`).
   */
  v.strictObject({ type: v.literal('cropImage'), imageId, rect: pixelRect }),
  /** A code block of an answer: copy it, insert it at the cursor of the last active editor, or open it as a new document. */
  v.strictObject({
    type: v.literal('codeAction'),
    action: v.picklist(['copy', 'insert', 'open']),
    code: textUpTo(1_000_000),
    language: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_+#.-]{0,50}$/)),
  }),
  v.strictObject({ type: v.literal('stop') }),
  v.strictObject({ type: v.literal('action'), action: errorAction }),
  v.strictObject({ type: v.literal('log'), level: v.picklist(['info', 'warn', 'error']), message: textUpTo(4_000) }),
]);
export type WebviewMessage = DeepReadonly<v.InferOutput<typeof webviewMessage>>;

// ---- extension → webview ----

const hostMessage = v.variant('type', [
  v.strictObject({ type: v.literal('conversation'), turns: v.array(turnView), modelLabel: text }),
  v.strictObject({ type: v.literal('turnAdded'), turn: turnView }),
  v.strictObject({ type: v.literal('answerDelta'), turnId: text, text }),
  v.strictObject({
    type: v.literal('answerEnded'), turnId: text, status: answerEnd, error: v.optional(text),
    actions: v.optional(v.array(errorAction)), stats: v.optional(answerStats),
  }),
  v.strictObject({ type: v.literal('engineStatus'), status: engineStatus, detail: v.optional(text), modelLabel: v.optional(text) }),
  v.strictObject({ type: v.literal('busy'), busy: v.boolean() }),
  /** The images attached for the next question, as the model will see them. */
  v.strictObject({ type: v.literal('pendingImages'), images: v.array(pendingImageView) }),
  /** A message for the composer area (e.g. an attachment refused), not part of the conversation. */
  v.strictObject({ type: v.literal('notice'), level: v.picklist(['info', 'warning', 'error']), text }),
  /**
   * What the crop dialog shows for a pending image: a preview of the whole original (a JPEG data:
   * URI, at most 1024 px long; held only while the dialog is open), the original's size, which
   * rectangles are measured in, the current crop if the image is cropped, and the model's size
   * budget, so the dialog can say at what size a crop will be sent.
   */
  v.strictObject({
    type: v.literal('cropSource'), imageId: text, preview: dataImage, width: pixelLength, height: pixelLength,
    crop: v.optional(pixelRect), budget: v.object({ maxLongSide: pixelLength, maxPixels: v.optional(finite) }),
  }),
  /** The crop dialog could not open, or a crop failed: the text says why; the pending image is unchanged. */
  v.strictObject({ type: v.literal('cropRefused'), imageId: text, text }),
]);
export type HostMessage = DeepReadonly<v.InferOutput<typeof hostMessage>>;

export function parseWebviewMessage(value: unknown): ParseResult<WebviewMessage> {
  return parseMessage(webviewMessage, value);
}

export function parseHostMessage(value: unknown): ParseResult<HostMessage> {
  return parseMessage(hostMessage, value);
}
