// Opens and reads files that must be regular files (an image, a model's header) without ever
// blocking on something that is not one. A FIFO with no writer blocks open() forever, and
// /dev/zero or /dev/urandom never reach end of file; either ties up one of the few libuv threads
// that every fs call in the extension host shares. So: stat first (following symbolic links) and
// refuse anything that is not a regular file, by name ("a FIFO (named pipe)"); open with
// O_NONBLOCK where the platform has it and check the opened handle again (a FIFO swapped in after
// the stat); read at most a given number of bytes; report a file that changes size while it is read.
// Callers word the errors for their users: RegularFileError says what went wrong, not what to do.

import { constants, promises as fs, type Stats } from 'node:fs';

/** What a path turned out to be. */
export type PathKind = 'file' | 'folder' | 'fifo' | 'character-device' | 'block-device' | 'socket' | 'other';

export type RegularFileProblem =
  /** Nothing there (ENOENT), or a path through something that is not a folder (ENOTDIR). */
  | { readonly reason: 'missing'; readonly cause: NodeJS.ErrnoException }
  /** stat or open failed otherwise: permissions (EACCES, EPERM), a broken disk (EIO), … */
  | { readonly reason: 'unreadable'; readonly cause: NodeJS.ErrnoException }
  /** describePathKind(kind) names it: "a FIFO (named pipe)", "a folder", … */
  | { readonly reason: 'not-regular'; readonly kind: Exclude<PathKind, 'file'> }
  | { readonly reason: 'too-large'; readonly sizeBytes: number; readonly limitBytes: number }
  /**
   * The size stat gave is not the number of bytes there were to read: written to, or cut,
   * meanwhile. `foundBytes`: what reading found, or for a file that grew, its size after the read
   * (undefined where stat still gives the old size: /proc files say 0 and hold more).
   */
  | { readonly reason: 'changed'; readonly statedBytes: number; readonly foundBytes: number | undefined };

export class RegularFileError extends Error {
  constructor(
    readonly filePath: string,
    readonly problem: RegularFileProblem,
  ) {
    super(describeProblem(filePath, problem));
    this.name = 'RegularFileError';
  }
}

export interface OpenedRegularFile {
  readonly handle: fs.FileHandle;
  /** The size of the opened file, from the handle. */
  readonly size: number;
}

/**
 * Read-only, and non-blocking where the platform has it (not on Windows), so that opening a FIFO
 * returns at once instead of waiting for a writer. On a regular file O_NONBLOCK changes nothing.
 */
export const nonBlockingReadFlags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

export function pathKindOf(stats: Stats): PathKind {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'folder';
  if (stats.isFIFO()) return 'fifo';
  if (stats.isCharacterDevice()) return 'character-device';
  if (stats.isBlockDevice()) return 'block-device';
  if (stats.isSocket()) return 'socket';
  return 'other';
}

/** "a FIFO (named pipe)": fits "x is …, not a regular file". */
export function describePathKind(kind: PathKind): string {
  switch (kind) {
    case 'file':
      return 'a regular file';
    case 'folder':
      return 'a folder';
    case 'fifo':
      return 'a FIFO (named pipe)';
    case 'character-device':
      return 'a character device';
    case 'block-device':
      return 'a block device';
    case 'socket':
      return 'a socket';
    case 'other':
      return 'neither a file nor a folder';
  }
}

/** stat (following symbolic links), refusing what is missing or is not a regular file. Opens nothing. */
export async function statRegularFile(filePath: string): Promise<Stats> {
  const stats = await fs.stat(filePath).catch((error: unknown) => {
    throw fileSystemFailure(filePath, error);
  });
  assertRegular(filePath, stats);
  return stats;
}

/**
 * Opens a path that statRegularFile accepted, without blocking, and checks the handle is still a
 * regular file. Exported for the test that swaps a FIFO in after the stat; callers use
 * openRegularFile or readRegularFile.
 */
export async function openCheckedHandle(filePath: string): Promise<OpenedRegularFile> {
  const handle = await fs.open(filePath, nonBlockingReadFlags).catch((error: unknown) => {
    throw fileSystemFailure(filePath, error);
  });
  try {
    const stats = await handle.stat();
    assertRegular(filePath, stats);
    return { handle, size: stats.size };
  } catch (error) {
    await handle.close();
    throw error instanceof RegularFileError ? error : fileSystemFailure(filePath, error);
  }
}

/** statRegularFile, then openCheckedHandle: a handle on a regular file, for a caller that reads part of it. Close it. */
export async function openRegularFile(filePath: string): Promise<OpenedRegularFile> {
  await statRegularFile(filePath);
  return openCheckedHandle(filePath);
}

/**
 * The whole of a regular file of at most `maxBytes`: refused from its size before it is opened,
 * and refused ('changed') when the bytes read are not as many as stat said (it was being written
 * or cut meanwhile), so a half-saved file is never taken for a whole one.
 */
export async function readRegularFile(filePath: string, maxBytes: number): Promise<Buffer> {
  const stats = await statRegularFile(filePath);
  if (stats.size > maxBytes) throw new RegularFileError(filePath, { reason: 'too-large', sizeBytes: stats.size, limitBytes: maxBytes });
  const { handle } = await openCheckedHandle(filePath);
  try {
    return await readOpenedFile(filePath, handle, stats.size, maxBytes);
  } finally {
    await handle.close();
  }
}

/**
 * Reads `handle` from the start: at most one byte more than `statedBytes` (to notice growth) and
 * never more than `maxBytes + 1`. Exported for the tests of a file that shrinks or grows after
 * its stat, which cannot be staged reliably around readRegularFile.
 */
export async function readOpenedFile(filePath: string, handle: fs.FileHandle, statedBytes: number, maxBytes: number): Promise<Buffer> {
  const buffer = Buffer.alloc(Math.min(statedBytes, maxBytes) + 1);
  let readBytes = 0;
  while (readBytes < buffer.length) {
    const { bytesRead } = await handle.read(buffer, readBytes, buffer.length - readBytes, readBytes).catch((error: unknown) => {
      throw fileSystemFailure(filePath, error);
    });
    if (bytesRead === 0) break;
    readBytes += bytesRead;
  }
  if (readBytes < statedBytes) throw new RegularFileError(filePath, { reason: 'changed', statedBytes, foundBytes: readBytes });
  if (readBytes > statedBytes) {
    // Grown: tell its size now, not one byte more than stat said; unknown when stat still gives
    // the old size (/proc files are 0 bytes by stat whatever they hold).
    const statNow = (await handle.stat().catch(() => undefined))?.size ?? 0;
    const sizeNow = statNow > statedBytes ? Math.max(statNow, readBytes) : undefined;
    if ((sizeNow ?? readBytes) > maxBytes) throw new RegularFileError(filePath, { reason: 'too-large', sizeBytes: sizeNow ?? readBytes, limitBytes: maxBytes });
    throw new RegularFileError(filePath, { reason: 'changed', statedBytes, foundBytes: sizeNow });
  }
  return buffer.subarray(0, readBytes);
}

function assertRegular(filePath: string, stats: Stats): void {
  const kind = pathKindOf(stats);
  if (kind !== 'file') throw new RegularFileError(filePath, { reason: 'not-regular', kind });
}

function fileSystemFailure(filePath: string, error: unknown): RegularFileError {
  const cause = (error instanceof Error ? error : new Error(String(error))) as NodeJS.ErrnoException;
  if (cause.code === 'EISDIR') return new RegularFileError(filePath, { reason: 'not-regular', kind: 'folder' });
  const missing = cause.code === 'ENOENT' || cause.code === 'ENOTDIR';
  return new RegularFileError(filePath, { reason: missing ? 'missing' : 'unreadable', cause });
}

/** For logs and for callers that do not word the problem themselves. */
function describeProblem(filePath: string, problem: RegularFileProblem): string {
  switch (problem.reason) {
    case 'missing':
      return `${filePath} does not exist (${problem.cause.code ?? problem.cause.message})`;
    case 'unreadable':
      return `${filePath} cannot be read (${problem.cause.code ?? problem.cause.message})`;
    case 'not-regular':
      return `${filePath} is ${describePathKind(problem.kind)}, not a regular file`;
    case 'too-large':
      return `${filePath} is ${problem.sizeBytes} bytes, over the limit of ${problem.limitBytes}`;
    case 'changed':
      return `${filePath} changed while it was read: stat said ${problem.statedBytes} bytes, reading found ${problem.foundBytes ?? 'more'}`;
  }
}
