// How fast this machine turns an image into the model's first token, per model pair: milliseconds
// of llama-server's prompt time per visual token, timed from the engine's own answers (the
// `timings.prompt_ms` of an answer whose prompt encoded the image; llama-server counts the image
// encode in it). The whole prompt time is put on the visual tokens, text included: that is what the
// user waits for, and it errs on the slow side. The median of the last few samples is used, so one
// answer slowed by a busy machine does not swing the budget.
//
// Kept in one small JSON file (the extension's global storage, the CLI's cache folder), keyed by the
// pair's files (name and size) and the thread count. A missing or damaged file is an empty store.

import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../atomicFile';

const formatVersion = 1;
const keptSamples = 7;
const keptModels = 32;

export interface EncodeSpeedKey {
  readonly modelPath: string;
  readonly modelFileSize: number;
  readonly mmprojPath: string;
  readonly mmprojFileSize: number;
  readonly threads: number;
}

interface StoredSpeed {
  /** Milliseconds per visual token, newest last. */
  readonly samples: number[];
  readonly updated: string;
}

interface StoredFile {
  readonly version: number;
  readonly models: Record<string, StoredSpeed>;
}

/** The CLI's file: in the cache folder, beside the engine builds ($XDG_CACHE_HOME or ~/.cache, + glimpse). */
export function cliEncodeSpeedFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'glimpse', 'encode-speeds.json');
}

export function encodeSpeedKey(key: EncodeSpeedKey): string {
  return [path.basename(key.modelPath), key.modelFileSize, path.basename(key.mmprojPath), key.mmprojFileSize, `t${key.threads}`].join('|');
}

export class EncodeSpeeds {
  private models = new Map<string, StoredSpeed>();
  private loaded: Promise<void> | undefined;
  private writing: Promise<void> = Promise.resolve();

  /** `file`: where the samples are kept; undefined keeps them for this process only. */
  constructor(private readonly file?: string) {}

  /** Milliseconds per visual token measured for this pair on this machine, or undefined before the first sample. */
  async msPerVisualToken(key: EncodeSpeedKey): Promise<number | undefined> {
    await this.load();
    const samples = this.models.get(encodeSpeedKey(key))?.samples;
    return samples && samples.length > 0 ? median(samples) : undefined;
  }

  /** Adds one answer's figure; ignored unless both numbers are positive and finite. */
  async record(key: EncodeSpeedKey, promptMs: number, visualTokens: number): Promise<void> {
    if (!(promptMs > 0 && visualTokens > 0 && Number.isFinite(promptMs) && Number.isFinite(visualTokens))) return;
    await this.load();
    const id = encodeSpeedKey(key);
    const samples = [...(this.models.get(id)?.samples ?? []), promptMs / visualTokens].slice(-keptSamples);
    this.models.delete(id);
    this.models.set(id, { samples, updated: new Date().toISOString() });
    while (this.models.size > keptModels) this.models.delete(this.models.keys().next().value as string);
    await this.save();
  }

  private load(): Promise<void> {
    this.loaded ??= (async () => {
      if (!this.file) return;
      try {
        const parsed = JSON.parse(await readFile(this.file, 'utf8')) as Partial<StoredFile>;
        if (parsed.version !== formatVersion || typeof parsed.models !== 'object' || parsed.models === null) return;
        for (const [id, value] of Object.entries(parsed.models)) {
          const samples = Array.isArray(value?.samples) ? value.samples.filter((n) => typeof n === 'number' && n > 0 && Number.isFinite(n)) : [];
          if (samples.length > 0) this.models.set(id, { samples: samples.slice(-keptSamples), updated: String(value.updated ?? '') });
        }
      } catch {
        // missing or damaged: start empty (the next answer writes it again)
      }
    })();
    return this.loaded;
  }

  private save(): Promise<void> {
    const file = this.file;
    if (!file) return Promise.resolve();
    const data = JSON.stringify({ version: formatVersion, models: Object.fromEntries(this.models) } satisfies StoredFile, null, 1);
    this.writing = this.writing.then(() => writeFileAtomic(file, data, { recreateFolder: true })).catch(() => undefined);
    return this.writing;
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
