// How text a server sent (an error body, an error event, a malformed chunk) enters Glimpse's own
// words: credentials redacted first, then put on one line and cut to a length a notification can
// show. The log gets a longer copy, redacted and capped too: a server can send megabytes.

import { redactSecrets } from '../redact';

/** The most of a server's text quoted in a message (a notification, the chat panel). */
export const maxQuotedChars = 500;
/** The most of a server's text kept for the log (GlimpseError.detail). */
export const maxDetailChars = 4096;

/** What a request sent that must never be shown back: its API key, and header values that look secret. */
export interface RequestSecrets {
  readonly apiKey?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

const secretHeaderName = /auth|key|token|secret|cookie|session|password|signature/i;

export function requestSecrets(request: RequestSecrets): string[] {
  const fromHeaders = Object.entries(request.headers ?? {})
    .filter(([name]) => secretHeaderName.test(name))
    .map(([, value]) => value.replace(/^\s*(bearer|basic|token)\s+/i, ''));
  return [request.apiKey, ...fromHeaders].filter((value): value is string => typeof value === 'string' && value.trim().length > 0);
}

/** The server's text for a message: redacted, on one line, at most 500 characters ("…" where cut, or where `cut` says it already was). */
export function quoteServerText(text: string, secrets: readonly string[] = [], { cut = false } = {}): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  const redacted = redactSecrets(oneLine.slice(0, maxQuotedChars * 4), secrets);
  if (redacted.length > maxQuotedChars) return `${redacted.slice(0, maxQuotedChars - 1)}…`;
  return cut || oneLine.length > maxQuotedChars * 4 ? `${redacted}…` : redacted;
}

/** The server's text for the log: redacted, at most 4096 characters, saying how much was left out. */
export function serverTextForLog(text: string, secrets: readonly string[] = []): string {
  const redacted = redactSecrets(text.slice(0, maxDetailChars * 4), secrets);
  if (redacted.length <= maxDetailChars && text.length <= maxDetailChars * 4) return redacted;
  return `${redacted.slice(0, maxDetailChars)}… (cut to ${maxDetailChars} of the ${text.length.toLocaleString('en-US')} characters received)`;
}
