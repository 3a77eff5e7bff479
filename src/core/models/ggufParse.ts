// Parses a GGUF header the way llama.cpp's gguf.cpp does, with its checks, and bounded: every
// declared count and length is compared with the bytes left in the file before anything is read
// or allocated, arrays of arrays are refused (gguf.cpp reads none), and values Glimpse does not
// need (the vocabulary, very long arrays or strings) are walked past instead of kept. A refusal is
// a GgufDamage whose message follows the file's name ("declares 2147483648 array items …").
//
// Checks copied from gguf_init_from_file_impl: known value types, non-empty and unique keys,
// general.alignment a uint32 power of two, tensor names under 64 bytes and unique, at most 4
// dimensions, element counts that fit int64, a known ggml type with whole blocks per row, tensor
// offsets packed in order with the alignment's padding, and the data inside the file.

import type { FileHandle } from 'node:fs/promises';
import { GgufCursor, GgufDamage } from './ggufCursor';
import { ggmlTypeLayout } from './ggmlTypes';

export type MetadataValue = string | number | bigint | boolean | readonly MetadataValue[];

export interface GgufTensor {
  readonly name: string;
  /** Innermost first (`ne[0]` is the row length), as ggml stores them. */
  readonly dimensions: readonly number[];
  readonly typeId: number;
  readonly typeName: string;
  /** Offset from the start of the data section. */
  readonly offset: number;
  /** Bytes of data. */
  readonly byteSize: number;
}

export interface ParsedGguf {
  readonly version: number;
  readonly alignment: number;
  /** Every kept key-value, by its full dotted key. */
  readonly metadata: Map<string, MetadataValue>;
  /** Keys whose values were walked past (listed in `skipKeys`, or too long to keep). */
  readonly skippedKeys: readonly string[];
  readonly tensors: GgufTensor[];
  /** Absolute file offset where tensor data starts. */
  readonly dataOffset: number;
  /** End of the last tensor's data: the size the file must have at least. */
  readonly requiredSize: number;
}

export interface GgufParseLimits {
  /** Arrays longer than this are walked past, not kept. */
  readonly maxKeptArrayItems: number;
  /** Strings longer than this (bytes) are walked past, not kept. */
  readonly maxKeptStringBytes: number;
}

export const defaultParseLimits: GgufParseLimits = { maxKeptArrayItems: 65_536, maxKeptStringBytes: 1 << 20 };

/** gguf.cpp's GGUF_MAX_STRING_LENGTH and GGUF_MAX_ARRAY_ELEMENTS. */
const llamaMaxStringBytes = 1 << 30;
const llamaMaxArrayItems = 1 << 30;
/** ggml.h: GGML_MAX_NAME (the name and its terminating zero), GGML_MAX_DIMS. */
const maxTensorNameBytes = 63;
const maxDimensions = 4;
const defaultAlignment = 32;
const alignmentKey = 'general.alignment';
const int64Max = (1n << 63n) - 1n;

enum ValueType { U8, I8, U16, I16, U32, I32, F32, Bool, String, Array, U64, I64, F64 }

const valueTypeNames = ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'bool', 'string', 'array', 'uint64', 'int64', 'float64'];
/** Bytes per value; a string takes at least its 8-byte length. */
const valueBytes = [1, 1, 2, 2, 4, 4, 4, 1, 8, 0, 8, 8, 8];

export async function parseGguf(file: FileHandle, fileSize: number, skipKeys: ReadonlySet<string>, limits = defaultParseLimits): Promise<ParsedGguf> {
  const cursor = new GgufCursor(file, fileSize);
  await cursor.need(24);
  const magic = cursor.readText(4);
  if (magic !== 'GGUF') throw new GgufDamage('does not start with "GGUF"');
  const version = cursor.readU32();
  const tensorCount = cursor.readU64();
  const keyValueCount = cursor.readU64();
  // smallest tensor info: empty name (8), n_dims (4), type (4), offset (8); smallest key-value: empty key (8), type (4), one byte
  const least = tensorCount * 24n + keyValueCount * 13n;
  if (least > BigInt(cursor.remaining)) {
    throw new GgufDamage(`declares ${tensorCount} tensors and ${keyValueCount} key-values (at least ${least} bytes) in ${inFile(cursor)}`, least <= BigInt(fileSize));
  }

  const metadata = new Map<string, MetadataValue>();
  const skippedKeys: string[] = [];
  const seenKeys = new Set<string>();
  for (let index = 0; index < Number(keyValueCount); index++) {
    const key = await readString(cursor, `key ${index}`);
    if (key === '') throw new GgufDamage(`has an empty key (key-value ${index})`);
    if (seenKeys.has(key)) throw new GgufDamage(`has the key "${key}" twice`);
    seenKeys.add(key);
    const type = await cursor.u32();
    if (key === alignmentKey && type !== ValueType.U32) {
      throw new GgufDamage(`has ${alignmentKey} stored as ${valueTypeNames[type] ?? `type ${type}`}; llama.cpp requires a uint32`);
    }
    const keep = !skipKeys.has(key);
    const value = type === ValueType.Array
      ? await readArray(cursor, key, keep, limits)
      : await readValue(cursor, key, type, keep, limits);
    if (value === undefined) skippedKeys.push(key);
    else metadata.set(key, value);
  }

  const alignment = readAlignment(metadata);
  const tensors: GgufTensor[] = [];
  const tensorNames = new Set<string>();
  for (let index = 0; index < Number(tensorCount); index++) {
    const tensor = await readTensorInfo(cursor, index);
    if (tensorNames.has(tensor.name)) throw new GgufDamage(`has two tensors named "${tensor.name}"`);
    tensorNames.add(tensor.name);
    tensors.push(tensor);
  }

  const padded = (value: number) => Math.ceil(value / alignment) * alignment;
  const dataOffset = tensors.length > 0 ? padded(cursor.offset) : cursor.offset;
  if (dataOffset > fileSize) throw new GgufDamage(`ends (${fileSize} bytes) inside its GGUF header`, true);
  let expectedOffset = 0;
  let requiredSize = dataOffset;
  for (const tensor of tensors) {
    if (tensor.offset !== expectedOffset) {
      throw new GgufDamage(`places tensor "${tensor.name}" at data offset ${tensor.offset}, where llama.cpp expects ${expectedOffset} (tensors are stored in order, padded to ${alignment} bytes)`);
    }
    requiredSize = dataOffset + tensor.offset + tensor.byteSize;
    expectedOffset += padded(tensor.byteSize);
    if (!Number.isSafeInteger(expectedOffset)) throw new GgufDamage(`declares tensors too large for any file (${tensor.name})`);
  }
  return { version, alignment, metadata, skippedKeys, tensors, dataOffset, requiredSize };
}

function readAlignment(metadata: ReadonlyMap<string, MetadataValue>): number {
  const value = metadata.get(alignmentKey);
  if (typeof value !== 'number') return defaultAlignment; // absent, or walked past (a listed skip key)
  if (value === 0 || (value & (value - 1)) !== 0) throw new GgufDamage(`has ${alignmentKey} ${value}, which is not a power of two`);
  return value;
}

async function readString(cursor: GgufCursor, what: string): Promise<string> {
  const length = await readLength(cursor, what, 1, 'bytes');
  return cursor.text(length);
}

/**
 * A declared length of `unitBytes`-sized items, checked against the bytes left before any of them
 * is read: over what the whole file could hold is damage, over what is left is a cut-off file.
 */
async function readLength(cursor: GgufCursor, what: string, unitBytes: number, unitName: string): Promise<number> {
  const declared = await cursor.u64();
  const limit = unitName === 'bytes' ? llamaMaxStringBytes : llamaMaxArrayItems;
  if (declared > BigInt(limit)) throw new GgufDamage(`declares ${declared} ${unitName} for ${what} in ${inFile(cursor)}; llama.cpp reads at most ${limit}`);
  const bytes = declared * BigInt(unitBytes);
  if (bytes > BigInt(cursor.remaining)) {
    throw new GgufDamage(`declares ${declared} ${unitName} for ${what} in ${inFile(cursor)}`, bytes <= BigInt(cursor.fileSize));
  }
  return Number(declared);
}

async function readValue(cursor: GgufCursor, key: string, type: number, keep: boolean, limits: GgufParseLimits): Promise<MetadataValue | undefined> {
  if (type === ValueType.String) {
    const length = await readLength(cursor, `the key "${key}"`, 1, 'bytes');
    if (!keep || length > limits.maxKeptStringBytes) {
      cursor.skip(length);
      return undefined;
    }
    return cursor.text(length);
  }
  const size = scalarBytes(type, key);
  await cursor.need(size);
  return readScalar(cursor, type);
}

async function readArray(cursor: GgufCursor, key: string, keep: boolean, limits: GgufParseLimits): Promise<MetadataValue | undefined> {
  const itemType = await cursor.u32();
  if (itemType === ValueType.Array) throw new GgufDamage(`holds an array of arrays under "${key}", which llama.cpp does not read`);
  if (itemType >= valueBytes.length) throw new GgufDamage(`has the unknown value type ${itemType} in the array "${key}"`);
  const count = await readLength(cursor, `the array "${key}"`, valueBytes[itemType], 'array items');
  const kept = keep && count <= limits.maxKeptArrayItems;
  const items: MetadataValue[] = [];
  if (itemType === ValueType.String) {
    for (let index = 0; index < count; index++) {
      if (!cursor.buffered(8)) await cursor.need(8);
      const declared = cursor.readU64();
      if (declared > BigInt(cursor.remaining)) {
        throw new GgufDamage(`declares ${declared} bytes for item ${index} of the array "${key}" in ${inFile(cursor)}`, declared <= BigInt(cursor.fileSize));
      }
      const length = Number(declared);
      if (kept && length <= limits.maxKeptStringBytes) {
        if (!cursor.buffered(length)) await cursor.need(length);
        items.push(cursor.readText(length));
      } else {
        cursor.skip(length);
      }
    }
    return kept && items.length === count ? items : undefined;
  }
  const size = valueBytes[itemType];
  if (!kept) {
    cursor.skip(count * size);
    return undefined;
  }
  await cursor.need(count * size);
  for (let index = 0; index < count; index++) items.push(readScalar(cursor, itemType));
  return items;
}

function scalarBytes(type: number, key: string): number {
  if (type >= valueBytes.length || type === ValueType.Array || type === ValueType.String) {
    throw new GgufDamage(`has the unknown value type ${type} for the key "${key}"`);
  }
  return valueBytes[type];
}

/** A buffered scalar; 64-bit integers become numbers when exact. */
function readScalar(cursor: GgufCursor, type: ValueType): MetadataValue {
  switch (type) {
    case ValueType.U8: return cursor.readU8();
    case ValueType.I8: return cursor.readI8();
    case ValueType.U16: return cursor.readU16();
    case ValueType.I16: return cursor.readI16();
    case ValueType.U32: return cursor.readU32();
    case ValueType.I32: return cursor.readI32();
    case ValueType.F32: return cursor.readF32();
    case ValueType.Bool: return cursor.readU8() !== 0;
    case ValueType.U64: return exactNumber(cursor.readU64());
    case ValueType.I64: return exactNumber(cursor.readI64());
    case ValueType.F64: return cursor.readF64();
    default: throw new GgufDamage(`has the unknown value type ${valueTypeNames[type] ?? type}`);
  }
}

function exactNumber(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

async function readTensorInfo(cursor: GgufCursor, index: number): Promise<GgufTensor> {
  const nameLength = await readLength(cursor, `the name of tensor ${index}`, 1, 'bytes');
  if (nameLength > maxTensorNameBytes) throw new GgufDamage(`has a tensor name of ${nameLength} bytes (tensor ${index}); llama.cpp allows ${maxTensorNameBytes}`);
  const name = await cursor.text(nameLength);
  const dimensionCount = await cursor.u32();
  if (dimensionCount > maxDimensions) throw new GgufDamage(`declares ${dimensionCount} dimensions for tensor "${name}"; ggml tensors have at most ${maxDimensions}`);
  await cursor.need(dimensionCount * 8 + 4 + 8);
  const dimensions: bigint[] = [];
  for (let axis = 0; axis < dimensionCount; axis++) {
    const length = cursor.readI64();
    if (length < 0n) throw new GgufDamage(`declares ${length} elements along axis ${axis} of tensor "${name}"`);
    dimensions.push(length);
  }
  const elements = dimensions.reduce((product, length) => product * length, 1n);
  if (elements > int64Max) throw new GgufDamage(`declares a tensor "${name}" of ${elements} elements, more than llama.cpp can count`);
  const typeId = cursor.readU32();
  const layout = ggmlTypeLayout(typeId);
  if (!layout) throw new GgufDamage(`stores tensor "${name}" as ggml type ${typeId}, which this llama.cpp cannot read`);
  const rowLength = dimensions[0] ?? 1n;
  if (rowLength % BigInt(layout.blockValues) !== 0n) {
    throw new GgufDamage(`has tensor "${name}" of type ${layout.name} with ${rowLength} values per row, not a whole number of ${layout.blockValues}-value blocks`);
  }
  const byteSize = (elements / BigInt(layout.blockValues)) * BigInt(layout.blockBytes);
  if (byteSize > BigInt(Number.MAX_SAFE_INTEGER)) throw new GgufDamage(`declares a tensor "${name}" of ${byteSize} bytes, larger than any file`);
  const offset = cursor.readU64();
  if (offset > BigInt(Number.MAX_SAFE_INTEGER)) throw new GgufDamage(`places tensor "${name}" at data offset ${offset}, past the end of any file`);
  return { name, dimensions: dimensions.map(Number), typeId, typeName: layout.name, offset: Number(offset), byteSize: Number(byteSize) };
}

/** "a 330-byte file" */
function inFile(cursor: GgufCursor): string {
  return `a ${cursor.fileSize}-byte file`;
}
