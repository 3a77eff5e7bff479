// The limits on one streamed answer, and why each is what it is. Each ends a request that a
// broken or hostile server would otherwise keep going without end (the idle timeout only catches
// silence: a server that keeps sending something, however useless, never trips it).
//
// Sizes. A real event is small: llama-server sends one `data:` line per token (a few hundred
// bytes) and a final one with usage and timings (a few KB; with per-token probabilities a few
// tens of KB); vLLM and OpenAI the same. A line or an event a hundred times larger than that is
// not a stream any server means to send.
//   - a line: 1 MiB, far above any single event line, small enough that holding it costs nothing;
//   - an event: 4 MiB, for data spread over many `data:` lines (allowed, rarely used), the same
//     bound as an answer sent whole as JSON;
//   - the answer: 4 MiB of text (content, reasoning and tool-call text together). The longest
//     answer a user can ask for is 32768 tokens, rarely over 16 bytes each: 512 KiB at most. An
//     answer eight times that is a model repeating itself without end, or a server ignoring the
//     limit.
//
// Time. Three clocks, none of them short enough to cut a slow but working model:
//   - before the answer text begins, the server may legitimately say nothing for minutes (queued,
//     loading, encoding an image or reading a long prompt on a laptop's CPU). Silence is the idle
//     timeout's (httpRequest.ts), and llama-server sends nothing while it reads the prompt. What
//     is left is a server that keeps the connection busy (keep-alive comments, empty updates, a
//     byte at a time) without ever starting: it gets 10 minutes from its response headers. Prompt
//     progress that llama-server reports counts as progress;
//   - once the text has begun, tokens follow each other within seconds even on a slow CPU:
//     2 minutes (the idle timeout's own default) without new text ends the request;
//   - overall: none by default (an hour-long answer on a CPU is slow, not broken); the user can
//     set one (requestTimeout).

/** The size limits of one streamed answer, in bytes. */
export interface StreamLimits {
  /** The longest event-stream line, without its line end. */
  readonly maxLineBytes: number;
  /** The most data one event carries (its data lines together). */
  readonly maxEventBytes: number;
  /** The most answer text (content, reasoning, tool calls) one answer may stream, in UTF-8 bytes. */
  readonly maxAnswerBytes: number;
}

const mebibyte = 1024 * 1024;

export const defaultStreamLimits: StreamLimits = {
  maxLineBytes: mebibyte,
  maxEventBytes: 4 * mebibyte,
  maxAnswerBytes: 4 * mebibyte,
};

/** Before the first answer text: the longest a server may keep sending without starting the answer. */
export const defaultFirstTextTimeoutMs = 10 * 60_000;
/** Once the answer text has begun: the longest time without new text. */
export const defaultNoProgressTimeoutMs = 120_000;

/** "1 MiB", "64 KiB", "1.5 MiB", "100 bytes": binary units, as the limits are set. */
export function describeSize(bytes: number): string {
  const units: Array<[number, string]> = [[mebibyte * 1024, 'GiB'], [mebibyte, 'MiB'], [1024, 'KiB']];
  for (const [size, unit] of units) {
    if (bytes >= size) {
      const value = bytes / size;
      return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
    }
  }
  return `${bytes} bytes`;
}
