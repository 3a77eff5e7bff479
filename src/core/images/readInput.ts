// Reads an image's bytes from a file or takes them from a buffer (a pasted image), refusing
// missing files and files over the size limit before anything is decoded.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { imageMissingError, imageTooLargeFileError, imageUnreadableError } from './imageErrors';

export type ImageFileOrBytes = { readonly path: string } | { readonly bytes: Uint8Array; readonly label: string };

export interface ImageSourceBytes {
  /** File name (not the full path) or the caller's label, e.g. "pasted image". */
  readonly label: string;
  readonly bytes: Buffer;
}

export async function readImageInput(input: ImageFileOrBytes, maxFileBytes: number): Promise<ImageSourceBytes> {
  if ('bytes' in input) {
    if (input.bytes.byteLength > maxFileBytes) {
      throw imageTooLargeFileError(input.label, input.bytes.byteLength, maxFileBytes);
    }
    const bytes = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength);
    return { label: input.label, bytes };
  }

  const filePath = input.path;
  const label = path.basename(filePath);
  // stat first so an oversized file is refused without reading it into memory.
  const stats = await fs.stat(filePath).catch((error: unknown) => {
    throw isNotFound(error) ? imageMissingError(filePath, error) : imageUnreadableError(filePath, error);
  });
  if (stats.isDirectory()) throw imageUnreadableError(filePath, Object.assign(new Error('is a folder'), { code: 'EISDIR' }));
  if (stats.size > maxFileBytes) throw imageTooLargeFileError(label, stats.size, maxFileBytes);

  const bytes = await fs.readFile(filePath).catch((error: unknown) => {
    throw isNotFound(error) ? imageMissingError(filePath, error) : imageUnreadableError(filePath, error);
  });
  // The file may have grown between stat and read.
  if (bytes.length > maxFileBytes) throw imageTooLargeFileError(label, bytes.length, maxFileBytes);
  return { label, bytes };
}

function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
