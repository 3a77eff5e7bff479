// The messages between the chat panel's webview and the extension host: one definition used by
// both sides. Every message from the webview is validated at runtime (`parseWebviewMessage`)
// before the extension acts on it; anything that does not match is dropped and logged. Messages
// to the webview are validated there the same way (`parseHostMessage`), so a version skew between
// a reloaded webview and the host shows up as a log line, not as a broken panel.

// ---- shapes shared by both directions ----

export type EngineStatus = 'idle' | 'loading' | 'generating' | 'error';
export type ErrorAction = 'openSettings' | 'showLog' | 'retry' | 'getEngine';

export interface ImageView {
  readonly label: string;
  /** A small thumbnail as a data: URI (PNG/JPEG made by the host; never a remote URL). */
  readonly thumbnail: string;
  /** Size the model was sent, and the original size. */
  readonly width: number;
  readonly height: number;
  readonly originalWidth: number;
  readonly originalHeight: number;
  /** Visual tokens the image takes in the model's context, when the projector lets us predict it. */
  readonly tokens?: number;
  /** Set when the downscale will likely make small text unreadable (suggest a crop). */
  readonly warning?: string;
}

/** An image attached in the composer, prepared for the model, not yet sent. */
export interface PendingImageView extends ImageView {
  readonly id: string;
}

/**
 * A rectangle of an image in whole pixels of the image as displayed (after EXIF orientation; for
 * SVG, its declared size): what a crop is measured in, on both sides.
 */
export interface PixelRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface TurnView {
  readonly id: string;
  readonly role: 'user' | 'assistant';
  readonly text: string;
  readonly images?: readonly ImageView[];
  /** assistant turns: still streaming, stopped by the user, or ended by an error. */
  readonly status?: 'streaming' | 'done' | 'stopped' | 'error';
  readonly error?: string;
  /** What the user can do about the error (kept so a reloaded panel still offers it). */
  readonly actions?: readonly ErrorAction[];
  readonly stats?: AnswerStats;
}

export interface AnswerStats {
  readonly promptTokens?: number;
  readonly cachedTokens?: number;
  readonly generatedTokens?: number;
  readonly tokensPerSecond?: number;
  readonly firstTokenMs?: number;
}

// ---- webview → extension ----

export type WebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'ask'; readonly text: string }
  /** The question box changed (every edit): the host may prefill the draft into the engine's cache. */
  | { readonly type: 'draft'; readonly text: string }
  /** Bytes of a pasted or dropped image (base64), checked against maxAttachmentBytes on both sides. */
  | { readonly type: 'attachImage'; readonly name: string; readonly mimeType: string; readonly dataBase64: string }
  /** The attach button: the host opens a file picker. */
  | { readonly type: 'pickImages' }
  | { readonly type: 'removeImage'; readonly id: string }
  /** The Crop… button of a pending image: the host answers with `cropSource` (or `cropRefused`). */
  | { readonly type: 'openCrop'; readonly imageId: string }
  /**
   * Replace a pending image by this part of its original (the whole original undoes a crop). The
   * rectangle is in pixels of the original as `cropSource` measured it; the host checks it lies
   * inside and answers with `pendingImages` (or `cropRefused`).
   */
  | { readonly type: 'cropImage'; readonly imageId: string; readonly rect: PixelRect }
  /** A code block of an answer: copy it, insert it at the cursor of the last active editor, or open it as a new document. */
  | { readonly type: 'codeAction'; readonly action: 'copy' | 'insert' | 'open'; readonly code: string; readonly language: string }
  | { readonly type: 'stop' }
  | { readonly type: 'action'; readonly action: ErrorAction }
  | { readonly type: 'log'; readonly level: 'info' | 'warn' | 'error'; readonly message: string };

// ---- extension → webview ----

export type HostMessage =
  | { readonly type: 'conversation'; readonly turns: readonly TurnView[]; readonly modelLabel: string }
  | { readonly type: 'turnAdded'; readonly turn: TurnView }
  | { readonly type: 'answerDelta'; readonly turnId: string; readonly text: string }
  | { readonly type: 'answerEnded'; readonly turnId: string; readonly status: 'done' | 'stopped' | 'error'; readonly error?: string; readonly actions?: readonly ErrorAction[]; readonly stats?: AnswerStats }
  | { readonly type: 'engineStatus'; readonly status: EngineStatus; readonly detail?: string; readonly modelLabel?: string }
  | { readonly type: 'busy'; readonly busy: boolean }
  /** The images attached for the next question, as the model will see them. */
  | { readonly type: 'pendingImages'; readonly images: readonly PendingImageView[] }
  /** A message for the composer area (e.g. an attachment refused), not part of the conversation. */
  | { readonly type: 'notice'; readonly level: 'info' | 'warning' | 'error'; readonly text: string }
  /**
   * What the crop dialog shows for a pending image: a preview of the whole original (a JPEG data:
   * URI, at most 1024 px long; held only while the dialog is open), the original's size, which
   * rectangles are measured in, the current crop if the image is cropped, and the model's size
   * budget, so the dialog can say at what size a crop will be sent.
   */
  | {
    readonly type: 'cropSource'; readonly imageId: string; readonly preview: string; readonly width: number; readonly height: number;
    readonly crop?: PixelRect; readonly budget: { readonly maxLongSide: number; readonly maxPixels?: number };
  }
  /** The crop dialog could not open, or a crop failed: the text says why; the pending image is unchanged. */
  | { readonly type: 'cropRefused'; readonly imageId: string; readonly text: string };

// ---- runtime validation (hand-written: no dependency, both bundles share it) ----

import { arrayOf, isBoolean, isNumber, isString, maxLength, object, oneOf, optional, parseWith, type Check, type ParseResult } from './messageChecks';

export type { ParseResult } from './messageChecks';

/** The longest question the panel may send: a guard against a runaway paste, not a model limit. */
export const maxQuestionLength = 20_000;
/** The largest image the panel may send as bytes (checked in the webview before sending, and again here). */
export const maxAttachmentBytes = 20 * 1024 * 1024;
/** base64 grows data by 4/3. */
const maxAttachmentBase64Length = Math.ceil(maxAttachmentBytes / 3) * 4;
const errorActions = ['openSettings', 'showLog', 'retry', 'getEngine'] as const;
/** The smallest crop side in pixels (or the image's side, when that is smaller): the host refuses less, the dialog never draws less. */
export const minCropSide = 16;
/** No image Glimpse decodes is this long on a side (the decoder's pixel limit is far below it): a sanity bound for rectangles. */
export const maxImageSide = 1_000_000;
const pixelOffset: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) < maxImageSide;
const pixelLength: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= maxImageSide;
const pixelRect = object({ x: pixelOffset, y: pixelOffset, width: pixelLength, height: pixelLength });
const imageId = maxLength(100);

const webviewSchemas: Record<WebviewMessage['type'], Record<string, Check>> = {
  ready: {},
  ask: { text: maxLength(maxQuestionLength) },
  draft: { text: maxLength(maxQuestionLength) },
  attachImage: {
    name: maxLength(500),
    mimeType: (v) => typeof v === 'string' && /^image\/[a-z0-9.+-]+$/.test(v),
    dataBase64: (v) => typeof v === 'string' && v.length <= maxAttachmentBase64Length && /^[A-Za-z0-9+/]*={0,2}$/.test(v.slice(-4)),
  },
  pickImages: {},
  removeImage: { id: maxLength(100) },
  openCrop: { imageId },
  cropImage: { imageId, rect: pixelRect },
  codeAction: { action: oneOf('copy', 'insert', 'open'), code: maxLength(1_000_000), language: (v) => typeof v === 'string' && /^[A-Za-z0-9_+#.-]{0,50}$/.test(v) },
  stop: {},
  action: { action: oneOf(...errorActions) },
  log: { level: oneOf('info', 'warn', 'error'), message: maxLength(4_000) },
};

const imageFields = {
  label: isString, thumbnail: (v: unknown) => typeof v === 'string' && v.startsWith('data:image/'),
  width: isNumber, height: isNumber, originalWidth: isNumber, originalHeight: isNumber,
  tokens: optional(isNumber), warning: optional(isString),
};
const imageView = object(imageFields);
const pendingImageView = object({ ...imageFields, id: isString });
const answerStats = object({
  promptTokens: optional(isNumber), cachedTokens: optional(isNumber), generatedTokens: optional(isNumber),
  tokensPerSecond: optional(isNumber), firstTokenMs: optional(isNumber),
});
const turnView = object({
  id: isString, role: oneOf('user', 'assistant'), text: isString, images: optional(arrayOf(imageView)),
  status: optional(oneOf('streaming', 'done', 'stopped', 'error')), error: optional(isString),
  actions: optional(arrayOf(oneOf(...errorActions))), stats: optional(answerStats),
});


const hostSchemas: Record<HostMessage['type'], Record<string, Check>> = {
  conversation: { turns: arrayOf(turnView), modelLabel: isString },
  turnAdded: { turn: turnView },
  answerDelta: { turnId: isString, text: isString },
  answerEnded: {
    turnId: isString, status: oneOf('done', 'stopped', 'error'), error: optional(isString),
    actions: optional(arrayOf(oneOf(...errorActions))), stats: optional(answerStats),
  },
  engineStatus: { status: oneOf('idle', 'loading', 'generating', 'error'), detail: optional(isString), modelLabel: optional(isString) },
  busy: { busy: isBoolean },
  pendingImages: { images: arrayOf(pendingImageView) },
  notice: { level: oneOf('info', 'warning', 'error'), text: isString },
  cropSource: {
    imageId: isString, preview: (v) => typeof v === 'string' && v.startsWith('data:image/'),
    width: pixelLength, height: pixelLength, crop: optional(pixelRect),
    budget: object({ maxLongSide: pixelLength, maxPixels: optional(isNumber) }),
  },
  cropRefused: { imageId: isString, text: isString },
};

export function parseWebviewMessage(value: unknown): ParseResult<WebviewMessage> {
  return parseWith<WebviewMessage>(webviewSchemas, value);
}

export function parseHostMessage(value: unknown): ParseResult<HostMessage> {
  return parseWith<HostMessage>(hostSchemas, value);
}
