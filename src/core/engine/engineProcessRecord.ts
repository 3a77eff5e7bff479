// The record of a running llama-server: one small JSON file per engine process in a folder the
// caller chooses (the extension's global storage, the CLI's cache), written atomically right after
// the spawn and removed when the process ends. It names the process (pid, start time, a hash of
// its command line, which holds the API key and so is not written out) and the process that owns
// it (pid and start time). A record left behind says an editor ended without stopping its engine:
// orphanReaper.ts reads them on the next start. Several windows share the folder, one file each.

import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as v from 'valibot';
import { tempSuffix, writeFileAtomic } from '../atomicFile';
import type { DeepReadonly } from '../deepReadonly';
import { readProcessIdentity, type ProcessIdentity } from './processIdentity';

const recordPrefix = 'llama-server-';
const recordSuffix = '.json';

const identity = v.object({ pid: v.pipe(v.number(), v.safeInteger(), v.minValue(1)), started: v.string() });

/** Fields it does not name are allowed: a later version may add some. */
const engineProcessRecord = v.object({
  formatVersion: v.literal(1),
  /** The process that started the engine (an extension host, the CLI). */
  owner: identity,
  engine: v.object({
    ...identity.entries,
    commandLineSha256: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
    binary: v.string(),
    port: v.number(),
  }),
  /** ISO 8601 time of the spawn. */
  recordedAt: v.string(),
});
export type EngineProcessRecord = DeepReadonly<v.InferOutput<typeof engineProcessRecord>>;

export interface RecordedEngine {
  readonly file: string;
  readonly record: EngineProcessRecord;
  /** Removes the record (the process ended); never throws. */
  remove(): Promise<void>;
}

/** The CLI's record folder: $XDG_CACHE_HOME or ~/.cache, + glimpse/engine-processes (per user, so no one else can plant a record). */
export function cliProcessRecordDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'glimpse', 'engine-processes');
}

/** The process this code runs in, read once. */
let ownIdentity: Promise<ProcessIdentity | undefined> | undefined;
export function ownProcessIdentity(): Promise<ProcessIdentity | undefined> {
  ownIdentity ??= readProcessIdentity(process.pid);
  return ownIdentity;
}

export function commandLineHash(commandLine: string): string {
  return createHash('sha256').update(commandLine).digest('hex');
}

/**
 * Records the engine process `pid` (spawned a moment ago by this process) in `folder`; undefined
 * when the platform cannot identify processes or the process is already gone. Throws when the file
 * cannot be written.
 */
export async function recordEngineProcess(folder: string, engine: { readonly pid: number; readonly binary: string; readonly port: number }): Promise<RecordedEngine | undefined> {
  const [owner, spawned] = await Promise.all([ownProcessIdentity(), readProcessIdentity(engine.pid)]);
  if (!owner || !spawned) return undefined;
  const record: EngineProcessRecord = {
    formatVersion: 1,
    owner: { pid: process.pid, started: owner.started },
    engine: { pid: engine.pid, started: spawned.started, commandLineSha256: commandLineHash(spawned.commandLine), binary: engine.binary, port: engine.port },
    recordedAt: new Date().toISOString(),
  };
  const file = path.join(folder, `${recordPrefix}${process.pid}-${randomBytes(4).toString('hex')}${recordSuffix}`);
  await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`, { recreateFolder: true });
  return { file, record, remove: () => removeRecord(file) };
}

/** Every record in `folder`: a file that is not a valid record comes with `record` undefined. */
export async function readEngineProcessRecords(folder: string): Promise<Array<{ readonly file: string; readonly record?: EngineProcessRecord }>> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return [];
  }
  const records = names.filter((name) => name.startsWith(recordPrefix) && name.endsWith(recordSuffix)).map(async (name) => {
    const file = path.join(folder, name);
    try {
      const result = v.safeParse(engineProcessRecord, JSON.parse(await readFile(file, 'utf8')), { abortEarly: true });
      return { file, record: result.success ? result.output : undefined };
    } catch {
      return { file };
    }
  });
  return Promise.all(records);
}

/** Removes temporary files a crash left between writing a record and renaming it (older than an hour). */
export async function removeStaleTemporaryRecords(folder: string, now = Date.now()): Promise<void> {
  const names = await readdir(folder).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith(recordPrefix) && n.endsWith(tempSuffix))) {
    const file = path.join(folder, name);
    const info = await stat(file).catch(() => undefined);
    if (info && now - info.mtimeMs > 3_600_000) await removeRecord(file);
  }
}

export async function removeRecord(file: string): Promise<void> {
  await rm(file, { force: true }).catch(() => undefined);
}
