// The saved form of one conversation (one JSON file under <root>/conversations/): its valibot
// schema, the types inferred from it, and the validator that every file read back goes through.
// Images are never inside a record: turns refer to them by SHA-256, and the bytes live once in
// <root>/images/ (see imageStore.ts).

import * as v from 'valibot';
import type { DeepReadonly } from '../deepReadonly';
import type { ChatRole } from '../openai/turn';
import { errorActions } from '../protocol';
import { isMissingKey, issueKeys, pathText, type Issue } from '../schemaIssues';

/** Bumped when a change would make older Glimpse versions misread a file. */
export const historyFormatVersion = 1;

// ---- building blocks: each message says what the value should have been ----

const text = v.string('a string');
const boolean = v.boolean('true or false');
const countText = 'a number ≥ 0';
const count = v.pipe(v.number(countText), v.finite(countText), v.minValue(0, countText));
const sizeText = 'a positive whole number';
const size = v.pipe(v.number(sizeText), v.integer(sizeText), v.minValue(1, sizeText));
const dateText = 'an ISO date';
const date = v.pipe(v.string(dateText), v.check((value) => !Number.isNaN(Date.parse(value)), dateText));
const oneOf = <const TOptions extends readonly string[]>(options: TOptions) => v.picklist(options, `one of ${options.join(', ')}`);
const listOf = <TItem extends v.GenericSchema>(item: TItem) => v.array(item, 'a list');
const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
/**
 * valibot takes a list for an object; a record does not. Fields not named are allowed (and kept:
 * see validateConversationRecord): a later version may add optional ones.
 */
const object = <TEntries extends v.ObjectEntries>(entries: TEntries) =>
  v.pipe(v.custom<Record<string, unknown>>(isPlainObject, 'an object'), v.object(entries, 'an object'));

const sha256Schema = v.pipe(v.string('a SHA-256 in hex'), v.regex(/^[0-9a-f]{64}$/, 'a SHA-256 in hex'));
const idText = 'an id of letters, digits, "-" and "_"';
/** Ids become file names: letters, digits, '-' and '_' only (a UUID fits). */
const conversationIdSchema = v.pipe(v.string(idText), v.regex(/^[A-Za-z0-9_-]{1,100}$/, idText));

export function isConversationId(value: unknown): value is string {
  return v.is(conversationIdSchema, value);
}

export function isSha256(value: unknown): value is string {
  return v.is(sha256Schema, value);
}

// ---- the record ----

const mimeType = oneOf(['image/png', 'image/jpeg']);
export type StoredImageMimeType = v.InferOutput<typeof mimeType>;

/** An image as the model was sent it, by content hash; enough to rebuild a PreparedImage from the bytes. */
const storedImageRef = object({
  sha256: sha256Schema,
  mimeType,
  label: text,
  /** Size sent to the model, and the source's size. */
  width: size,
  height: size,
  originalWidth: size,
  originalHeight: size,
  downscaled: boolean,
  sourceFormat: text,
  /** What the panel showed with it (view turns only). */
  tokens: v.optional(count),
  warning: v.optional(text),
});
export type StoredImageRef = DeepReadonly<v.InferOutput<typeof storedImageRef>>;

/**
 * `streaming` in a file means the answer never ended: the window closed, VS Code quit or the engine
 * died while it streamed. `HistoryStore.load` turns it into `interrupted` (see settleInterrupted),
 * which a resaved record keeps.
 */
const storedTurnStatus = oneOf(['streaming', 'done', 'stopped', 'error', 'interrupted']);
export type StoredTurnStatus = v.InferOutput<typeof storedTurnStatus>;

/** A turn as the panel shows it (TurnView, with image refs instead of thumbnails). */
const storedTurn = object({
  id: text,
  role: oneOf(['user', 'assistant']),
  text,
  images: v.optional(listOf(storedImageRef)),
  status: v.optional(storedTurnStatus),
  error: v.optional(text),
  actions: v.optional(listOf(oneOf(errorActions))),
  stats: v.optional(object({
    promptTokens: v.optional(count),
    cachedTokens: v.optional(count),
    generatedTokens: v.optional(count),
    tokensPerSecond: v.optional(count),
    firstTokenMs: v.optional(count),
  })),
});
export type StoredTurn = DeepReadonly<v.InferOutput<typeof storedTurn>>;

/** A turn exactly as the model was sent it (ChatTurn, with image refs), so a follow-up after a restart sends the same prefix. */
const storedChatTurn = object({
  role: oneOf(['system', 'user', 'assistant'] as const satisfies readonly ChatRole[]),
  text,
  images: v.optional(listOf(storedImageRef)),
});
export type StoredChatTurn = DeepReadonly<v.InferOutput<typeof storedChatTurn>>;

const conversationRecord = object({
  version: v.literal(historyFormatVersion, `${historyFormatVersion}`),
  id: conversationIdSchema,
  title: text,
  /** True once the user renamed it; otherwise the title follows the first question. */
  titleIsCustom: boolean,
  /** ISO 8601. */
  createdAt: date,
  updatedAt: date,
  modelLabel: text,
  turns: listOf(storedTurn),
  sent: listOf(storedChatTurn),
});
export type ConversationRecord = DeepReadonly<v.InferOutput<typeof conversationRecord>>;

export type RecordValidation =
  | { readonly ok: true; readonly record: ConversationRecord }
  | { readonly ok: false; readonly reason: string; readonly newerVersion?: number };

/**
 * Checks a parsed JSON value; a file from a newer Glimpse is reported as such, not as corrupt. The
 * reason names the first field that is wrong by its path ("turns[0].images[0].sha256 is not a
 * SHA-256 in hex"). A valid record is returned as read, fields this version does not know included,
 * so resaving it loses nothing.
 */
export function validateConversationRecord(value: unknown): RecordValidation {
  const version = typeof value === 'object' && value !== null ? (value as { version?: unknown }).version : undefined;
  if (typeof version === 'number' && Number.isInteger(version) && version > historyFormatVersion) {
    return { ok: false, reason: `it was written by a newer Glimpse (history format ${version}, this version reads ${historyFormatVersion})`, newerVersion: version };
  }
  const result = v.safeParse(conversationRecord, value, { abortEarly: true });
  return result.success ? { ok: true, record: value as ConversationRecord } : { ok: false, reason: problem(result.issues[0]) };
}

function problem(issue: Issue): string {
  const where = pathText(issueKeys(issue));
  if (isMissingKey(issue)) return `${where} is missing`;
  return `${where || 'the content'} is not ${issue.message}`;
}
