// How fast this machine turns an image into the model's first token, per model pair: milliseconds
// of llama-server's prompt time per visual token, timed from the engine's own answers (the
// `timings.prompt_ms` of an answer whose prompt encoded the image; llama-server counts the image
// encode in it), and per text token (from answers whose prompt held no new image: follow-ups).
// LocalEngine takes the text's share off an image answer's time when the text figure is known;
// before that the whole prompt is put on the visual tokens, which errs on the slow side. The median
// of the last few samples is used, so one answer slowed by a busy machine does not swing the budget.
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
  /** Milliseconds per text token of the prompt, newest last. */
  readonly textSamples?: number[];
  readonly updated: string;
}

export type SpeedKind = 'image' | 'text';

export interface MeasuredSpeed {
  readonly msPerVisualToken?: number;
  readonly msPerTextToken?: number;
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
    return (await this.measured(key)).msPerVisualToken;
  }

  /** Both figures for this pair on this machine (each undefined before its first sample). */
  async measured(key: EncodeSpeedKey): Promise<MeasuredSpeed> {
    await this.load();
    const stored = this.models.get(encodeSpeedKey(key));
    const figure = (samples: readonly number[] | undefined) => (samples && samples.length > 0 ? median(samples) : undefined);
    return { msPerVisualToken: figure(stored?.samples), msPerTextToken: figure(stored?.textSamples) };
  }

  /** Adds one answer's figure (`ms` over `tokens` of that kind); ignored unless both numbers are positive and finite. */
  async record(key: EncodeSpeedKey, ms: number, tokens: number, kind: SpeedKind = 'image'): Promise<void> {
    if (!(ms > 0 && tokens > 0 && Number.isFinite(ms) && Number.isFinite(tokens))) return;
    await this.load();
    const id = encodeSpeedKey(key);
    const old = this.models.get(id);
    const add = (samples: readonly number[] | undefined) => [...(samples ?? []), ms / tokens].slice(-keptSamples);
    const samples = kind === 'image' ? add(old?.samples) : [...(old?.samples ?? [])];
    const textSamples = kind === 'text' ? add(old?.textSamples) : old?.textSamples;
    this.models.delete(id);
    this.models.set(id, { samples, ...(textSamples ? { textSamples } : {}), updated: new Date().toISOString() });
    while (this.models.size > keptModels) this.models.delete(this.models.keys().next().value as string);
    await this.save();
  }

  private load(): Promise<void> {
    this.loaded ??= (async () => {
      if (!this.file) return;
      try {
        const parsed = JSON.parse(await readFile(this.file, 'utf8')) as Partial<StoredFile>;
        if (parsed.version !== formatVersion || typeof parsed.models !== 'object' || parsed.models === null) return;
        const valid = (list: unknown) => (Array.isArray(list) ? list.filter((n): n is number => typeof n === 'number' && n > 0 && Number.isFinite(n)).slice(-keptSamples) : []);
        for (const [id, value] of Object.entries(parsed.models)) {
          const samples = valid(value?.samples);
          const textSamples = valid(value?.textSamples);
          if (samples.length > 0 || textSamples.length > 0) this.models.set(id, { samples, ...(textSamples.length > 0 ? { textSamples } : {}), updated: String(value?.updated ?? '') });
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
