// Takes credentials out of text that came from elsewhere (a server's error body or stream event)
// before it becomes a message a user sees or a line in the log. A server or a proxy may echo the
// request back, Authorization header included; a gateway may print its own upstream key. Two
// kinds of redaction: the secrets this request itself sent (its API key, its secret-looking
// headers), wherever and however they appear; and anything shaped like a credential, known or not
// (Bearer tokens, Authorization and api-key values, sk-… keys and other well-known key formats).

export const redactedMark = '[redacted]';

/** Header or field names whose value is a credential: `Authorization: …`, `"api_key": "…"`, `x-api-key=…`. */
const credentialNames = [
  'proxy-authorization', 'authorization', 'x-api-key', 'api[-_]?key', 'x-auth-token', 'auth[-_]?token',
  'access[-_]?token', 'refresh[-_]?token', 'id[-_]?token', 'client[-_]?secret', 'secret[-_]?key', 'session[-_]?token', 'password', 'passwd',
];

/**
 * The name, then `:` or `=` with optional quotes (header, JSON, form or query style; quotes may be
 * JSON-escaped, as in an error message that quotes JSON), then an optional auth scheme ("Bearer ",
 * "Basic "…), then the value up to a quote, backslash, space or separator.
 */
const namedCredential = new RegExp(
  `(?<![A-Za-z0-9_-])(${credentialNames.join('|')})((?:\\\\?["'])?\\s*[:=]\\s*(?:\\\\?["'])?)((?:bearer|basic|token|digest|apikey)\\s+)?(\\[redacted\\]|[^\\s"'\\\\,;&{}<>\\]\\[]+)`,
  'gi',
);

/** A bare token after "Bearer" (in a header echoed without its name, or in prose). */
const bearerToken = /\b(bearer)(\s+)([A-Za-z0-9._~+/=-]{4,})/gi;

/** `?key=…` / `&token=…` in an echoed URL. */
const queryCredential = /([?&](?:key|token|sig|signature|api_key|access_token)=)([^&\s"'#<>]+)/gi;

/**
 * Well-known key formats: OpenAI/Anthropic/DeepSeek style sk-…, Hugging Face hf_…, GitHub tokens,
 * Google API keys, Slack tokens, AWS access key ids, and JSON Web Tokens (gateways' bearer tokens).
 */
const keyShapes = [
  /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{16,}/g,
  /(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{20,}/g,
  /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g,
  /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{30,}/g,
  /(?<![A-Za-z0-9_-])xox[abprs]-[A-Za-z0-9-]{10,}/g,
  /(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])/g,
  /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
];

/** A known secret shorter than this is replaced only where it stands alone, so a short test key does not shred the text. */
const minimumEverywhereLength = 6;

/**
 * `text` with every credential replaced by "[redacted]": each of `knownSecrets` (as sent, URL-encoded
 * or JSON-escaped), then anything shaped like a credential. Empty and undefined secrets are skipped.
 */
export function redactSecrets(text: string, knownSecrets: readonly (string | undefined)[] = []): string {
  let result = text;
  for (const secret of secretVariants(knownSecrets)) {
    if (secret.length >= minimumEverywhereLength) result = result.split(secret).join(redactedMark);
    else result = result.replace(new RegExp(`(?<![A-Za-z0-9_-])${escapeRegExp(secret)}(?![A-Za-z0-9_-])`, 'g'), redactedMark);
  }
  result = result.replace(namedCredential, (_match, name: string, separator: string, scheme: string | undefined) => `${name}${separator}${scheme ?? ''}${redactedMark}`);
  result = result.replace(bearerToken, (_match, word: string, space: string) => `${word}${space}${redactedMark}`);
  result = result.replace(queryCredential, (_match, name: string) => `${name}${redactedMark}`);
  for (const shape of keyShapes) result = result.replace(shape, redactedMark);
  return result;
}

/** Each secret as sent, URL-encoded and JSON-escaped (an echo may carry any of them), longest first. */
function secretVariants(secrets: readonly (string | undefined)[]): string[] {
  const variants = new Set<string>();
  for (const secret of secrets) {
    const trimmed = secret?.trim();
    if (!trimmed) continue;
    variants.add(trimmed);
    variants.add(encodeURIComponent(trimmed));
    variants.add(JSON.stringify(trimmed).slice(1, -1));
  }
  return [...variants].sort((a, b) => b.length - a.length);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
