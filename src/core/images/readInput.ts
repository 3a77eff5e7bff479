// Reads an image's bytes from a file or takes them from a buffer (a pasted image), refusing
// missing files, paths that are not regular files (a folder, a FIFO, a device: never opened in a
// way that could block), files over the size limit (before anything is read) and files that change
// size while they are read, before anything is decoded.

import * as path from 'node:path';
import { RegularFileError, readRegularFile } from '../regularFile';
import { imageChangedWhileReadError, imageMissingError, imageNotRegularFileError, imageTooLargeFileError, imageUnreadableError } from './imageErrors';

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
  try {
    return { label, bytes: await readRegularFile(filePath, maxFileBytes) };
  } catch (error) {
    if (!(error instanceof RegularFileError)) throw imageUnreadableError(filePath, error);
    const { problem } = error;
    switch (problem.reason) {
      case 'missing':
        throw imageMissingError(filePath, problem.cause);
      case 'unreadable':
        throw imageUnreadableError(filePath, problem.cause);
      case 'not-regular':
        throw imageNotRegularFileError(filePath, problem.kind);
      case 'too-large':
        throw imageTooLargeFileError(label, problem.sizeBytes, problem.limitBytes);
      case 'changed':
        throw imageChangedWhileReadError(filePath, problem.statedBytes, problem.foundBytes);
    }
  }
}
