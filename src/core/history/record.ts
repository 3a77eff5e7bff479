// The saved form of one conversation (one JSON file under <root>/conversations/) and the hand-written
// validator that every file read back goes through. Images are never inside a record: turns refer
// to them by SHA-256, and the bytes live once in <root>/images/ (see imageStore.ts).

import type { ChatRole } from '../openai/turn';
import type { AnswerStats, ErrorAction } from '../protocol';

/** Bumped when a change would make older Glimpse versions misread a file. */
export const historyFormatVersion = 1;

export type StoredImageMimeType = 'image/png' | 'image/jpeg';

/** An image as the model was sent it, by content hash; enough to rebuild a PreparedImage from the bytes. */
export interface StoredImageRef {
  readonly sha256: string;
  readonly mimeType: StoredImageMimeType;
  readonly label: string;
  /** Size sent to the model, and the source's size. */
  readonly width: number;
  readonly height: number;
  readonly originalWidth: number;
  readonly originalHeight: number;
  readonly downscaled: boolean;
  readonly sourceFormat: string;
  /** What the panel showed with it (view turns only). */
  readonly tokens?: number;
  readonly warning?: string;
}

/**
 * `streaming` in a file means the answer never ended: the window closed, VS Code quit or the engine
 * died while it streamed. `HistoryStore.load` turns it into `interrupted` (see settleInterrupted),
 * which a resaved record keeps.
 */
export type StoredTurnStatus = 'streaming' | 'done' | 'stopped' | 'error' | 'interrupted';

/** A turn as the panel shows it (TurnView, with image refs instead of thumbnails). */
export interface StoredTurn {
  readonly id: string;
  readonly role: 'user' | 'assistant';
  readonly text: string;
  readonly images?: readonly StoredImageRef[];
  readonly status?: StoredTurnStatus;
  readonly error?: string;
  readonly actions?: readonly ErrorAction[];
  readonly stats?: AnswerStats;
}

/** A turn exactly as the model was sent it (ChatTurn, with image refs), so a follow-up after a restart sends the same prefix. */
export interface StoredChatTurn {
  readonly role: ChatRole;
  readonly text: string;
  readonly images?: readonly StoredImageRef[];
}

export interface ConversationRecord {
  readonly version: typeof historyFormatVersion;
  readonly id: string;
  readonly title: string;
  /** True once the user renamed it; otherwise the title follows the first question. */
  readonly titleIsCustom: boolean;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly modelLabel: string;
  readonly turns: readonly StoredTurn[];
  readonly sent: readonly StoredChatTurn[];
}

/** Ids become file names: letters, digits, '-' and '_' only (a UUID fits). */
export function isConversationId(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{1,100}$/.test(value);
}

export function isSha256(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}

export type RecordValidation =
  | { readonly ok: true; readonly record: ConversationRecord }
  | { readonly ok: false; readonly reason: string; readonly newerVersion?: number };

// ---- the validator: each check returns what is wrong at `path`, or undefined ----

type Check = (value: unknown, path: string) => string | undefined;

const problem = (ok: boolean, path: string, expected: string): string | undefined => (ok ? undefined : `${path} is not ${expected}`);
const text: Check = (v, p) => problem(typeof v === 'string', p, 'a string');
const boolean: Check = (v, p) => problem(typeof v === 'boolean', p, 'true or false');
const count: Check = (v, p) => problem(typeof v === 'number' && Number.isFinite(v) && v >= 0, p, 'a number ≥ 0');
const size: Check = (v, p) => problem(typeof v === 'number' && Number.isInteger(v) && v > 0, p, 'a positive whole number');
const date: Check = (v, p) => problem(typeof v === 'string' && !Number.isNaN(Date.parse(v)), p, 'an ISO date');
const sha256: Check = (v, p) => problem(isSha256(v), p, 'a SHA-256 in hex');
const id: Check = (v, p) => problem(isConversationId(v), p, 'an id of letters, digits, "-" and "_"');
const oneOf = (...values: readonly string[]): Check => (v, p) => problem(typeof v === 'string' && values.includes(v), p, `one of ${values.join(', ')}`);
const optional = (check: Check): Check => (v, p) => (v === undefined ? undefined : check(v, p));
const arrayOf = (check: Check): Check => (v, p) => {
  if (!Array.isArray(v)) return `${p} is not a list`;
  for (let index = 0; index < v.length; index++) {
    const found = check(v[index], `${p}[${index}]`);
    if (found) return found;
  }
  return undefined;
};
/** Fields not named are allowed: a later version may add optional ones without breaking this one. */
const object = (fields: Record<string, Check>): Check => (v, p) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${p || 'the content'} is not an object`;
  for (const [key, check] of Object.entries(fields)) {
    const found = check((v as Record<string, unknown>)[key], p ? `${p}.${key}` : key);
    if (found) return found;
  }
  return undefined;
};

const imageRef = object({
  sha256, mimeType: oneOf('image/png', 'image/jpeg'), label: text,
  width: size, height: size, originalWidth: size, originalHeight: size,
  downscaled: boolean, sourceFormat: text, tokens: optional(count), warning: optional(text),
});
const stats = object({
  promptTokens: optional(count), cachedTokens: optional(count), generatedTokens: optional(count),
  tokensPerSecond: optional(count), firstTokenMs: optional(count),
});
const storedTurn = object({
  id: text, role: oneOf('user', 'assistant'), text, images: optional(arrayOf(imageRef)),
  status: optional(oneOf('streaming', 'done', 'stopped', 'error', 'interrupted')), error: optional(text),
  actions: optional(arrayOf(oneOf('openSettings', 'showLog', 'retry', 'getEngine'))), stats: optional(stats),
});
const storedChatTurn = object({ role: oneOf('system', 'user', 'assistant'), text, images: optional(arrayOf(imageRef)) });
const conversationRecord = object({
  version: (v, p) => problem(v === historyFormatVersion, p, `${historyFormatVersion}`),
  id, title: text, titleIsCustom: boolean, createdAt: date, updatedAt: date, modelLabel: text,
  turns: arrayOf(storedTurn), sent: arrayOf(storedChatTurn),
});

/** Checks a parsed JSON value; a file from a newer Glimpse is reported as such, not as corrupt. */
export function validateConversationRecord(value: unknown): RecordValidation {
  const version = typeof value === 'object' && value !== null ? (value as { version?: unknown }).version : undefined;
  if (typeof version === 'number' && Number.isInteger(version) && version > historyFormatVersion) {
    return { ok: false, reason: `it was written by a newer Glimpse (history format ${version}, this version reads ${historyFormatVersion})`, newerVersion: version };
  }
  const found = conversationRecord(value, '');
  return found ? { ok: false, reason: found } : { ok: true, record: value as ConversationRecord };
}
