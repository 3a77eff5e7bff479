// The images of all saved conversations, each stored once under its SHA-256: <folder>/<sha256>.png or
// .jpg. Writes are atomic; bytes read back are checked against their name, so a conversation resent
// after a restart carries exactly the image the model saw before (or none: never a damaged one).

import { createHash } from 'node:crypto';
import { readFile, stat, utimes } from 'node:fs/promises';
import * as path from 'node:path';
import { GlimpseError } from '../errors';
import { isCode, writeFileAtomic } from '../atomicFile';
import { isSha256, type StoredImageMimeType } from './record';

const extensions: Record<StoredImageMimeType, string> = { 'image/png': 'png', 'image/jpeg': 'jpg' };

export function extensionOf(mimeType: StoredImageMimeType): string {
  return extensions[mimeType];
}

/** `<sha256>.<png|jpg>` → its parts; undefined for any other name (temp files, strays). */
export function parseImageFileName(name: string): { sha256: string; mimeType: StoredImageMimeType } | undefined {
  const match = /^([0-9a-f]{64})\.(png|jpg)$/.exec(name);
  if (!match) return undefined;
  return { sha256: match[1], mimeType: match[2] === 'png' ? 'image/png' : 'image/jpeg' };
}

export class ImageStore {
  constructor(readonly folder: string) {}

  pathOf(sha256: string, mimeType: StoredImageMimeType): string {
    if (!isSha256(sha256)) throw new GlimpseError('invalid-argument', `"${sha256}" is not an image hash (64 lowercase hex digits).`);
    if (!(mimeType in extensions)) throw new GlimpseError('invalid-argument', `History stores PNG and JPEG images only, not ${String(mimeType)}.`);
    return path.join(this.folder, `${sha256}.${extensions[mimeType]}`);
  }

  /**
   * Stores the bytes unless an image with that hash is already there; returns the hash. An existing
   * file's time is refreshed: garbage collection spares recent images that no saved conversation
   * refers to yet (one being saved right now).
   */
  async put(bytes: Uint8Array, mimeType: StoredImageMimeType): Promise<string> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const file = this.pathOf(sha256, mimeType);
    const existing = await stat(file).catch((error: unknown) => (isCode(error, 'ENOENT') ? undefined : Promise.reject(error)));
    if (existing && existing.size === bytes.length) {
      const now = new Date();
      await utimes(file, now, now);
    } else {
      await writeFileAtomic(file, bytes, { recreateFolder: true });
    }
    return sha256;
  }

  /** The bytes, or undefined when the file is missing or no longer matches its hash. */
  async read(sha256: string, mimeType?: StoredImageMimeType): Promise<Buffer | undefined> {
    const candidates = mimeType ? [mimeType] : (Object.keys(extensions) as StoredImageMimeType[]);
    for (const candidate of candidates) {
      let data: Buffer;
      try {
        data = await readFile(this.pathOf(sha256, candidate));
      } catch (error) {
        if (isCode(error, 'ENOENT')) continue;
        throw error;
      }
      if (createHash('sha256').update(data).digest('hex') === sha256) return data;
    }
    return undefined;
  }

  async exists(sha256: string, mimeType: StoredImageMimeType): Promise<boolean> {
    try {
      await stat(this.pathOf(sha256, mimeType));
      return true;
    } catch (error) {
      if (isCode(error, 'ENOENT')) return false;
      throw error;
    }
  }
}
