// Writes a file so that a reader (or a crash) only ever sees the old content or the new one: write a
// temp file beside it, fsync, rename over (retrying the moment Windows holds the file). A temp file
// a crash leaves behind ends in ".tmp" and is ignored by readers (HistoryStore.collectGarbage
// removes old ones). Used by the history store and by a downloaded pair's manifest.

import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { delay } from './abort';

export const tempSuffix = '.tmp';

export interface AtomicWriteOptions {
  /** When the folder is gone (the user cleared it), create it again and write once more; otherwise ENOENT is thrown. */
  readonly recreateFolder?: boolean;
}

export async function writeFileAtomic(target: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const temp = `${target}.${randomBytes(6).toString('hex')}${tempSuffix}`;
  try {
    await writeAndSync(temp, data);
  } catch (error) {
    await removeQuietly(temp);
    if (!options.recreateFolder || !isCode(error, 'ENOENT')) throw error;
    await mkdir(path.dirname(target), { recursive: true });
    try {
      await writeAndSync(temp, data);
    } catch (again) {
      await removeQuietly(temp);
      throw again;
    }
  }
  try {
    await renameWithRetry(temp, target);
  } catch (error) {
    await removeQuietly(temp);
    throw error;
  }
}

async function writeAndSync(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function removeQuietly(file: string): Promise<void> {
  await rm(file, { force: true }).catch(() => undefined);
}

/** On Windows a rename fails for a moment while another process (antivirus, indexer, a reader) holds the file. */
export async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      if (attempt >= 5 || !(isCode(error, 'EPERM') || isCode(error, 'EACCES') || isCode(error, 'EBUSY'))) throw error;
      await delay(20 * (attempt + 1));
    }
  }
}

export function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
