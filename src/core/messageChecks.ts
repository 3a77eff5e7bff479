// Hand-written runtime checks for messages crossing a webview boundary (no dependency; the host
// and the webview bundles share them): each message type has a record of field checks; a message
// with an unknown type, an invalid field or an unexpected field is refused with a reason.

export type Check = (value: unknown) => boolean;
export const isString: Check = (v) => typeof v === 'string';
export const isNumber: Check = (v) => typeof v === 'number' && Number.isFinite(v);
export const isBoolean: Check = (v) => typeof v === 'boolean';
export const optional = (check: Check): Check => (v) => v === undefined || check(v);
export const oneOf = (...values: readonly string[]): Check => (v) => typeof v === 'string' && values.includes(v);
export const arrayOf = (check: Check): Check => (v) => Array.isArray(v) && v.every(check);
export const maxLength = (limit: number): Check => (v) => typeof v === 'string' && v.length <= limit;
export const object = (fields: Record<string, Check>): Check => (v) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.entries(fields).every(([key, check]) => check((v as Record<string, unknown>)[key]));

export type ParseResult<T> = { readonly ok: true; readonly message: T } | { readonly ok: false; readonly reason: string };

export function parseWith<T>(schemas: Record<string, Record<string, Check>>, value: unknown): ParseResult<T> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'not an object' };
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(schemas, type)) {
    return { ok: false, reason: `unknown message type ${JSON.stringify(type)}` };
  }
  const fields = schemas[type];
  for (const [key, check] of Object.entries(fields)) {
    if (!check((value as Record<string, unknown>)[key])) return { ok: false, reason: `"${type}" has an invalid "${key}"` };
  }
  const extra = Object.keys(value).filter((key) => key !== 'type' && !(key in fields));
  if (extra.length > 0) return { ok: false, reason: `"${type}" has unexpected fields: ${extra.join(', ')}` };
  return { ok: true, message: value as T };
}
