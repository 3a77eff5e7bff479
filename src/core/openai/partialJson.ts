// The message out of a JSON error that was cut off: an error body read up to a size limit, or an
// error event longer than the stream parser keeps. `{"error":{"message":"CUDA error: out of mem…`
// without its end does not parse, but its message is still the one thing worth showing.

export interface PartialMessage {
  readonly text: string;
  /** False when the string was cut before its closing quote. */
  readonly complete: boolean;
}

/** More than any message shows or logs (see serverText.ts): reading stops here. */
const maxReadChars = 64 * 1024;

/**
 * The value of the first `"message": "…"` (else `"error": "…"`, else `"detail": "…"`) in JSON
 * that may end anywhere, escapes decoded; undefined when there is no such string.
 */
export function messageFromPartialJson(json: string): PartialMessage | undefined {
  for (const key of ['message', 'error', 'detail']) {
    const match = new RegExp(`"${key}"\\s*:\\s*"`).exec(json);
    if (match) return readJsonString(json, match.index + match[0].length);
  }
  return undefined;
}

const escapes: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', '\\': '\\', '/': '/' };

/** The JSON string starting at `start` (just after its opening quote), up to its closing quote or the end of the text. */
function readJsonString(json: string, start: number): PartialMessage {
  const pieces: string[] = [];
  const end = Math.min(json.length, start + maxReadChars);
  let i = start;
  while (i < end) {
    const char = json[i];
    if (char === '"') return { text: pieces.join(''), complete: true };
    if (char !== '\\') {
      pieces.push(char);
      i += 1;
      continue;
    }
    const escaped = json[i + 1];
    if (escaped === 'u') {
      const hex = json.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) break; // cut inside the escape
      pieces.push(String.fromCharCode(parseInt(hex, 16)));
      i += 6;
      continue;
    }
    if (escaped === undefined) break;
    pieces.push(escapes[escaped] ?? escaped);
    i += 2;
  }
  return { text: pieces.join(''), complete: false };
}
