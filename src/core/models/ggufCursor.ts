// A forward reader over an open file for parsing a GGUF header: little-endian fields, read in
// 1 MiB chunks, and every length checked against the bytes the file still holds before anything
// is allocated, so a header that declares more than the file contains costs nothing.

import type { FileHandle } from 'node:fs/promises';

/** Why a header cannot be read; `cutOff` when it runs past the end of the file. */
export class GgufDamage extends Error {
  constructor(message: string, readonly cutOff = false) {
    super(message);
  }
}

const chunkBytes = 1 << 20;

export class GgufCursor {
  private buffer = Buffer.alloc(0);
  /** File offset of `buffer[0]`. */
  private bufferStart = 0;
  private position = 0;

  constructor(private readonly file: FileHandle, readonly fileSize: number) {}

  get offset(): number {
    return this.position;
  }

  get remaining(): number {
    return this.fileSize - this.position;
  }

  /** True when the next `length` bytes are already in memory (no await needed before a read). */
  buffered(length: number): boolean {
    const start = this.position - this.bufferStart;
    return start >= 0 && start + length <= this.buffer.length;
  }

  /** Makes the next `length` bytes readable; a GgufDamage when the file ends before them. */
  async need(length: number): Promise<void> {
    if (length > this.remaining) throw this.pastEnd();
    if (!this.buffered(length)) await this.fill(length);
  }

  // Reads of buffered bytes (after `need`), little-endian as GGUF stores them.
  readU8(): number { return this.advance(1).readUInt8(0); }
  readI8(): number { return this.advance(1).readInt8(0); }
  readU16(): number { return this.advance(2).readUInt16LE(0); }
  readI16(): number { return this.advance(2).readInt16LE(0); }
  readU32(): number { return this.advance(4).readUInt32LE(0); }
  readI32(): number { return this.advance(4).readInt32LE(0); }
  readU64(): bigint { return this.advance(8).readBigUInt64LE(0); }
  readI64(): bigint { return this.advance(8).readBigInt64LE(0); }
  readF32(): number { return this.advance(4).readFloatLE(0); }
  readF64(): number { return this.advance(8).readDoubleLE(0); }
  readText(length: number): string { return this.advance(length).toString('utf8'); }

  async u32(): Promise<number> {
    await this.need(4);
    return this.readU32();
  }

  async u64(): Promise<bigint> {
    await this.need(8);
    return this.readU64();
  }

  /** `length` bytes as UTF-8; the caller has checked `length` against `remaining`. */
  async text(length: number): Promise<string> {
    await this.need(length);
    return this.readText(length);
  }

  /** Moves past `length` bytes without reading them. */
  skip(length: number): void {
    if (length > this.remaining) throw this.pastEnd();
    this.position += length;
  }

  /** Moves forward to `offset` (padding before the data section). */
  seek(offset: number): void {
    if (offset < this.position || offset > this.fileSize) throw this.pastEnd();
    this.position = offset;
  }

  private advance(length: number): Buffer {
    if (!this.buffered(length)) throw new Error('GgufCursor: read before need()');
    const from = this.position - this.bufferStart;
    this.position += length;
    return this.buffer.subarray(from, from + length);
  }

  private async fill(length: number): Promise<void> {
    const size = Math.min(Math.max(length, chunkBytes), this.fileSize - this.position);
    const buffer = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await this.file.read(buffer, filled, size - filled, this.position + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled < length) throw new GgufDamage(`ends at byte ${this.position + filled} although it is ${this.fileSize} bytes long (it changed while being read)`, true);
    this.buffer = buffer.subarray(0, filled);
    this.bufferStart = this.position;
  }

  private pastEnd(): GgufDamage {
    return new GgufDamage(`ends (${this.fileSize} bytes) inside its GGUF header`, true);
  }
}
