// Converts between a live conversation (TurnViews the panel shows, ChatTurns the model was sent with
// their PreparedImages) and its saved ConversationRecord, both ways. Pure data: no files, no VS Code.
// The Conversation class keeps its sent turns private, so the bridge to it lives there and calls these.

import type { ChatTurn } from '../openai/turn';
import { GlimpseError } from '../errors';
import type { PreparedImage } from '../images/prepare';
import type { ImageView, TurnView } from '../protocol';
import { historyFormatVersion, type ConversationRecord, type StoredChatTurn, type StoredImageRef, type StoredTurn } from './record';

export const maxTitleLength = 60;
export const untitledConversation = 'Untitled conversation';

/** Shown in place of an answer that never ended (window closed, VS Code quit, engine died). */
export const interruptedAnswerMessage =
  'This answer was interrupted: VS Code closed or the model stopped before it finished. The text above is what had arrived; Retry asks again.';

/** Shown in place of a thumbnail whose image file is no longer in the history folder. */
export const missingImageThumbnail =
  'data:image/svg+xml;base64,' +
  Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="48" viewBox="0 0 64 48">' +
      '<rect width="64" height="48" fill="#8884"/><path d="M20 14l24 20M44 14L20 34" stroke="#888" stroke-width="3"/></svg>',
  ).toString('base64');

export interface RecordInput {
  readonly id: string;
  readonly modelLabel: string;
  /** What the panel shows, in order (Conversation.turns). */
  readonly turns: readonly TurnView[];
  /** What the model was sent, in order. The k-th user view shows the images of the k-th sent user turn. */
  readonly sent: readonly ChatTurn[];
  readonly createdAt: Date | string;
  readonly updatedAt?: Date | string;
  /** A title the user chose; without it the title follows the first question. */
  readonly customTitle?: string;
}

/** A record of the conversation as it stands (a streaming answer is saved with its text so far). */
export function recordFromTurns(input: RecordInput, now: Date = new Date()): ConversationRecord {
  const sentUsers = input.sent.filter((turn) => turn.role === 'user');
  let userIndex = 0;
  const turns = input.turns.map((view): StoredTurn => {
    const { images: imageViews, ...rest } = view;
    const sentUser = view.role === 'user' ? sentUsers[userIndex++] : undefined;
    if (!imageViews || imageViews.length === 0) return withoutThumbnails(rest);
    const prepared = sentUser?.images ?? [];
    if (prepared.length !== imageViews.length) {
      throw new GlimpseError('invalid-argument', `Cannot save the conversation: turn ${view.id} shows ${imageViews.length} image(s) but the matching question sent ${prepared.length}.`);
    }
    return { ...withoutThumbnails(rest), images: prepared.map((image, index) => imageRefOf(image, imageViews[index])) };
  });
  const customTitle = input.customTitle?.trim();
  return {
    version: historyFormatVersion,
    id: input.id,
    title: customTitle || deriveTitle(turns),
    titleIsCustom: Boolean(customTitle),
    createdAt: isoDate(input.createdAt),
    updatedAt: isoDate(input.updatedAt ?? now),
    modelLabel: input.modelLabel,
    turns,
    sent: input.sent.map((turn) => (turn.images && turn.images.length > 0 ? { role: turn.role, text: turn.text, images: turn.images.map((image) => imageRefOf(image)) } : { role: turn.role, text: turn.text })),
  };
}

/** The saved reference to a prepared image; `view` adds what the panel showed with it. */
export function imageRefOf(image: PreparedImage, view?: Pick<ImageView, 'tokens' | 'warning'>): StoredImageRef {
  const ref: StoredImageRef = {
    sha256: image.sha256, mimeType: image.mimeType, label: image.label,
    width: image.width, height: image.height, originalWidth: image.originalWidth, originalHeight: image.originalHeight,
    downscaled: image.downscaled, sourceFormat: image.sourceFormat,
  };
  return { ...ref, ...(view?.tokens !== undefined ? { tokens: view.tokens } : {}), ...(view?.warning !== undefined ? { warning: view.warning } : {}) };
}

/** The prepared image again, from its reference and its bytes (read back by hash, so identical). */
export function preparedImageOf(ref: StoredImageRef, data: Buffer): PreparedImage {
  return {
    label: ref.label, mimeType: ref.mimeType, data, sha256: ref.sha256,
    originalWidth: ref.originalWidth, originalHeight: ref.originalHeight, width: ref.width, height: ref.height,
    downscaled: ref.downscaled, sourceFormat: ref.sourceFormat,
  };
}

/**
 * The turns to send again, byte for byte as before. `imageData` gives the bytes of an image by
 * hash; an image it lacks makes the conversation impossible to continue as it was (history-image-missing).
 */
export function chatTurnsFromRecord(record: ConversationRecord, imageData: (sha256: string) => Buffer | undefined): ChatTurn[] {
  return record.sent.map((turn: StoredChatTurn): ChatTurn => {
    if (!turn.images || turn.images.length === 0) return { role: turn.role, text: turn.text };
    const images = turn.images.map((ref) => {
      const data = imageData(ref.sha256);
      if (!data) {
        throw new GlimpseError('history-image-missing', `The image "${ref.label}" of "${record.title}" is no longer in Glimpse's history folder, so this conversation cannot be continued. Start a new conversation with the image.`);
      }
      return preparedImageOf(ref, data);
    });
    return { role: turn.role, text: turn.text, images };
  });
}

/**
 * What the panel shows of a saved conversation. `thumbnail` gives a data: URI per image, or
 * undefined when its file is missing (then a placeholder is shown and the label says so). An answer
 * saved while streaming, or settled as interrupted, is shown as an error with its text and Retry.
 */
export function turnViewsFromRecord(record: ConversationRecord, thumbnail: (ref: StoredImageRef) => string | undefined): TurnView[] {
  return record.turns.map((turn): TurnView => {
    const { images, status, ...rest } = turn;
    const view: TurnView = status === 'streaming' || status === 'interrupted'
      ? { ...rest, status: 'error', error: turn.error ?? interruptedAnswerMessage, actions: turn.actions ?? ['retry'] }
      : { ...rest, ...(status ? { status } : {}) };
    if (!images) return view;
    return {
      ...view,
      images: images.map((ref): ImageView => {
        const found = thumbnail(ref);
        return {
          label: found ? ref.label : `${ref.label} (image file missing)`,
          thumbnail: found ?? missingImageThumbnail,
          width: ref.width, height: ref.height, originalWidth: ref.originalWidth, originalHeight: ref.originalHeight,
          ...(ref.tokens !== undefined ? { tokens: ref.tokens } : {}),
          ...(ref.warning !== undefined ? { warning: ref.warning } : {}),
        };
      }),
    };
  });
}

/**
 * A record read back after its writer went away: an answer still marked streaming can never end, so
 * it becomes `interrupted`, and (as Conversation.endAnswer does for a stopped answer) its partial
 * text joins the sent turns, so a follow-up shows the model what the user saw.
 */
export function settleInterrupted(record: ConversationRecord): ConversationRecord {
  if (!record.turns.some((turn) => turn.status === 'streaming')) return record;
  const turns = record.turns.map((turn) => (turn.status === 'streaming' ? { ...turn, status: 'interrupted' as const } : turn));
  const last = record.turns.at(-1);
  const sent = last?.status === 'streaming' && last.text.length > 0 && record.sent.at(-1)?.role === 'user'
    ? [...record.sent, { role: 'assistant' as const, text: last.text }]
    : record.sent;
  return { ...record, turns, sent };
}

/** The first question, on one line, at most 60 characters (cut at a word); for the default question, the image names. */
export function deriveTitle(turns: readonly Pick<StoredTurn, 'role' | 'text' | 'images'>[]): string {
  const first = turns.find((turn) => turn.role === 'user');
  if (!first) return untitledConversation;
  let title = first.text.replace(/\s+/g, ' ').trim();
  if (/^Explain (this image|these \d+ images)\.$/.test(title) && first.images && first.images.length > 0) {
    title = `Explain ${first.images.map((image) => image.label).join(', ')}`;
  }
  return shorten(title, maxTitleLength) || untitledConversation;
}

export function shorten(text: string, limit: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= limit) return line;
  const cut = line.slice(0, limit - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space >= limit / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

function withoutThumbnails(view: Omit<TurnView, 'images'>): StoredTurn {
  return Object.fromEntries(Object.entries(view).filter(([, value]) => value !== undefined)) as unknown as StoredTurn;
}

function isoDate(value: Date | string): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) throw new GlimpseError('invalid-argument', `Cannot save the conversation: "${String(value)}" is not a date.`);
  return date.toISOString();
}
