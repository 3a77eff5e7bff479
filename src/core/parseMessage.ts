// Checks a message that crossed a webview boundary against its protocol's schema (a valibot
// `variant` on "type" of strict objects; the host and the webview bundles share it). A message
// that does not match is refused with a one-line reason for the log, never thrown: an unknown
// type, a missing, invalid or unexpected field, each named.

import * as v from 'valibot';
import { clipped, isMissingKey, isUnknownKey, issueKeys, pathText } from './schemaIssues';

export type ParseResult<T> = { readonly ok: true; readonly message: T } | { readonly ok: false; readonly reason: string };

/** A protocol: one strict object per message, told apart by a literal `type`. */
export type MessageSchema = v.VariantSchema<'type', v.VariantOptions<'type'>, undefined>;

export function parseMessage<TSchema extends MessageSchema>(schema: TSchema, value: unknown): ParseResult<v.InferOutput<TSchema>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'not an object' };
  const result = v.safeParse(schema, value, { abortEarly: true });
  if (result.success) return { ok: true, message: result.output };
  return { ok: false, reason: refusal(schema, value as Record<string, unknown>, result.issues[0]) };
}

function refusal(schema: MessageSchema, message: Record<string, unknown>, issue: v.BaseIssue<unknown>): string {
  const type = message.type;
  const entries = messageEntries(schema, type);
  if (issue.type === 'variant' || !entries) return `unknown message type ${JSON.stringify(type)}`;
  const name = JSON.stringify(type);
  const where = pathText(issueKeys(issue));
  if (isUnknownKey(issue) && issueKeys(issue).length === 1) {
    const extra = Object.keys(message).filter((key) => !Object.prototype.hasOwnProperty.call(entries, key));
    return `${name} has unexpected fields: ${extra.join(', ')}`;
  }
  if (isUnknownKey(issue)) return `${name} has an unexpected field "${where}"`;
  if (isMissingKey(issue)) return `${name} is missing "${where}"`;
  return `${name} has an invalid "${where}": ${clipped(issue.message)}`;
}

/** The fields of the message of this type, to name every unexpected one (valibot stops at the first). */
function messageEntries(schema: MessageSchema, type: unknown): v.ObjectEntries | undefined {
  for (const option of schema.options) {
    if ('entries' in option && (option.entries.type as { literal?: unknown }).literal === type) return option.entries as v.ObjectEntries;
  }
  return undefined;
}
