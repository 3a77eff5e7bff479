// Reads the figures llama.cpp prints at verbosity 4 (`-lv 4`), the same way for llama-server and
// llama-mtmd-cli, so both are measured by one rule:
//   image encode = time between "encoding mtmd batch" and "decoding image batch" (log timestamps,
//                  minutes.seconds.milliseconds.microseconds since the process started);
//   image decode = "image decoded (batch i/n) in X ms" summed;
//   prompt eval / eval = the "prompt eval time = X ms / N tokens" and "eval time = X ms / N" lines
//   (server: slot print_timing; CLI: llama_perf_context_print).

export interface LlamaLogFigures {
  encodeMs?: number;
  imageDecodeMs?: number;
  promptEvalMs?: number;
  promptEvalTokens?: number;
  evalMs?: number;
  evalTokens?: number;
  /** Log timestamp (ms since process start) of the first "encoding mtmd batch" line. */
  encodeStartMs?: number;
  /** "llama_kv_cache: size = X MiB": the KV cache the context allocated. */
  kvCacheMiB?: number;
}

const timestamp = /^(\d+)\.(\d{2})\.(\d{3})\.(\d{3})\s/;

export function logTimestampMs(line: string): number | undefined {
  const m = timestamp.exec(line);
  if (!m) return undefined;
  return Number(m[1]) * 60_000 + Number(m[2]) * 1000 + Number(m[3]) + Number(m[4]) / 1000;
}

export function parseLlamaLog(lines: readonly string[]): LlamaLogFigures {
  const figures: LlamaLogFigures = {};
  let encodeStart: number | undefined;
  for (const line of lines) {
    const at = logTimestampMs(line);
    if (/encoding mtmd batch/.test(line) && at !== undefined) {
      encodeStart = at;
      figures.encodeStartMs ??= at;
    } else if (/decoding image batch 1\//.test(line) && at !== undefined && encodeStart !== undefined) {
      figures.encodeMs = (figures.encodeMs ?? 0) + (at - encodeStart);
      encodeStart = undefined;
    }
    const kv = /llama_kv_cache: size =\s*([\d.]+) MiB/.exec(line);
    if (kv) figures.kvCacheMiB = Number(kv[1]);
    const decoded = /image decoded \(batch \d+\/\d+\) in (\d+) ms/.exec(line);
    if (decoded) figures.imageDecodeMs = (figures.imageDecodeMs ?? 0) + Number(decoded[1]);
    // The first request's figures (a benchmark may ask a follow-up afterwards).
    const prompt = /prompt eval time =\s*([\d.]+) ms \/\s*(\d+) tokens/.exec(line);
    if (prompt) {
      figures.promptEvalMs ??= Number(prompt[1]);
      figures.promptEvalTokens ??= Number(prompt[2]);
      continue;
    }
    const evalLine = /\beval time =\s*([\d.]+) ms \/\s*(\d+) (?:tokens|runs)/.exec(line);
    if (evalLine) {
      figures.evalMs ??= Number(evalLine[1]);
      figures.evalTokens ??= Number(evalLine[2]);
    }
  }
  return figures;
}
