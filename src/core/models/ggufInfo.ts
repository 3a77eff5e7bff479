// Reads what Glimpse needs from a GGUF file's header — architecture, key-values, tensor list,
// where the data starts — and refuses files llama.cpp would choke on, with a message naming the
// file: missing, empty, not GGUF, header or data cut off. Parsing is node-llama-cpp's
// `readGgufFileInfo` (it reads only the header); checks around it are ours, so no parser error or
// half-parsed header reaches a caller raw.

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { GlimpseError } from '../errors';
import { formatExactBytes } from '../formatBytes';
import type { UserOption } from '../userOptions';
import { loadGgufReader, type GgufReader, type NodeLlamaCpp } from './ggufReader';
import { ggmlTypeName, tensorByteSize } from './ggmlTypes';

export type MetadataValue = string | number | bigint | boolean | readonly MetadataValue[];

export interface GgufTensor {
  readonly name: string;
  /** Innermost first (`ne[0]` is the row length), as ggml stores them. */
  readonly dimensions: readonly number[];
  readonly typeId: number;
  readonly typeName: string;
  /** Offset from the start of the data section. */
  readonly offset: number;
  /** Bytes of data; undefined for a type this code does not know the size of. */
  readonly byteSize: number | undefined;
}

export interface GgufInfo {
  readonly path: string;
  readonly fileSize: number;
  readonly version: number;
  /** `general.architecture`: "llama", "qwen2vl", "clip", … */
  readonly architecture: string | undefined;
  /** `general.name` */
  readonly name: string | undefined;
  /** Every key-value, by its full dotted key. */
  readonly metadata: ReadonlyMap<string, MetadataValue>;
  readonly tensors: readonly GgufTensor[];
  /** Absolute file offset where tensor data starts. */
  readonly dataOffset: number;
  /** End of the last tensor's data: the size the file must have at least. */
  readonly requiredSize: number;
  string(key: string): string | undefined;
  number(key: string): number | undefined;
  boolean(key: string): boolean | undefined;
  numberArray(key: string): number[] | undefined;
  tensor(name: string): GgufTensor | undefined;
}

/** Which field a file was chosen for; only changes the wording of errors. */
export type FileRole = 'model' | 'projector';

export interface ReadGgufOptions {
  readonly role?: FileRole;
}

const magic = 'GGUF';
/** magic (4) + version (4) + tensor count (8) + key-value count (8) */
const fixedHeaderBytes = 24;
/** Smallest possible key-value: empty key (8), type (4), one-byte value. */
const smallestKeyValueBytes = 13;
/** Smallest possible tensor info: empty name (8), n_dims (4), type (4), offset (8). */
const smallestTensorInfoBytes = 24;

/**
 * Parsed headers by path, size and modification time. Parsing a real model's header (150k-token
 * vocabularies) takes 250–550 ms in JS; a model file does not change between engine starts.
 */
const parsedHeaders = new Map<string, GgufInfo>();
/** Vocabulary arrays Glimpse never reads: skipped when the metadata is stored. */
const unusedKeys = ['tokenizer.ggml.tokens', 'tokenizer.ggml.token_type', 'tokenizer.ggml.merges', 'tokenizer.ggml.scores'];

export async function readGgufInfo(filePath: string, options: ReadGgufOptions = {}): Promise<GgufInfo> {
  const describe = fileDescriber(filePath, options.role);
  const fileSize = await statRegularFile(filePath, describe);
  const cacheKey = await headerCacheKey(filePath, fileSize);
  const cached = cacheKey ? parsedHeaders.get(cacheKey) : undefined;
  if (cached) return cached;
  const info = await parseGgufInfo(filePath, fileSize, describe);
  if (cacheKey) parsedHeaders.set(cacheKey, info);
  return info;
}

async function headerCacheKey(filePath: string, fileSize: number): Promise<string | undefined> {
  try {
    const stat = await fs.stat(filePath);
    return `${path.resolve(filePath)}\n${fileSize}\n${stat.mtimeMs}\n${stat.ino}`;
  } catch {
    return undefined;
  }
}

async function parseGgufInfo(filePath: string, fileSize: number, describe: FileDescriber): Promise<GgufInfo> {
  const header = await readFixedHeader(filePath, fileSize, describe);

  let parsed: Awaited<ReturnType<NodeLlamaCpp['readGgufFileInfo']>>;
  try {
    const { readGgufFileInfo } = await loadNodeLlamaCpp();
    parsed = await readGgufFileInfo(filePath, { readTensorInfo: true, logWarnings: false, sourceType: 'filesystem', ignoreKeys: unusedKeys });
  } catch (error) {
    if (error instanceof GlimpseError) throw error;
    throw new GlimpseError(
      'file-unreadable',
      `${describe.headline} could not be read as GGUF: ${errorMessage(error)}. The file is damaged or not a model; download it again or choose another file.`,
      { detail: `${filePath}\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, optionsToChange: describe.pathOption },
    );
  }

  const tensors = (parsed.tensorInfo ?? []).map(toTensor);
  const dataOffset = dataSectionOffset(parsed.infoEndOffset, parsed.tensorInfo);
  if (dataOffset > fileSize) {
    // the reader fills bytes past the end with zeros, so a cut-off header parses "successfully"
    throw headerCutOff(describe, filePath, fileSize);
  }
  let requiredSize = dataOffset;
  for (const tensor of tensors) {
    requiredSize = Math.max(requiredSize, dataOffset + tensor.offset + (tensor.byteSize ?? 0));
  }
  if (requiredSize > fileSize) {
    throw new GlimpseError(
      'file-truncated',
      `${describe.fileName} is truncated: its tensors need ${formatExactBytes(requiredSize)} bytes but the file has ${formatExactBytes(fileSize)}. ` +
        'The download was probably cut off; download it again.',
      filePath,
    );
  }

  const metadata = flattenMetadata(parsed.metadata as unknown as Record<string, unknown>);
  return createInfo({
    path: filePath,
    fileSize,
    version: header.version,
    metadata,
    tensors,
    dataOffset,
    requiredSize,
  });
}

// ---- node-llama-cpp's reader (ESM-only, so loaded with a dynamic import, once; see ggufReader.ts) ----

let nodeLlamaCpp: Promise<GgufReader> | undefined;

function loadNodeLlamaCpp(): Promise<GgufReader> {
  nodeLlamaCpp ??= loadGgufReader().catch((error: unknown) => {
    nodeLlamaCpp = undefined;
    throw new GlimpseError('internal', `Could not load the GGUF reader (node-llama-cpp): ${errorMessage(error)}`);
  });
  return nodeLlamaCpp;
}

// ---- checks before parsing ----

interface FileDescriber {
  readonly fileName: string;
  /** "The model file model.gguf" */
  readonly headline: string;
  /** The option that points at this file (its path is the fix when the file is wrong). */
  readonly pathOption: readonly UserOption[];
}

function fileDescriber(filePath: string, role: FileRole | undefined): FileDescriber {
  const fileName = path.basename(filePath);
  const kind = role === 'model' ? 'model file' : role === 'projector' ? 'projector (mmproj) file' : 'file';
  const pathOption: UserOption[] = role === 'model' ? ['modelPath'] : role === 'projector' ? ['mmprojPath'] : [];
  return { fileName, headline: `The ${kind} ${fileName}`, pathOption };
}

async function statRegularFile(filePath: string, describe: FileDescriber): Promise<number> {
  let stat;
  try {
    stat = await fs.stat(filePath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new GlimpseError('file-missing', `${describe.headline} does not exist: ${filePath}. Check the path, or download the file again.`, { detail: filePath, optionsToChange: describe.pathOption });
    }
    throw new GlimpseError('file-unreadable', `${describe.headline} cannot be read (${code ?? errorMessage(error)}): ${filePath}. Check its permissions.`, filePath);
  }
  if (!stat.isFile()) {
    throw new GlimpseError('file-unreadable', `${describe.headline} is a folder, not a file: ${filePath}. Choose the .gguf file inside it.`, { detail: filePath, optionsToChange: describe.pathOption });
  }
  if (stat.size === 0) {
    throw new GlimpseError('file-empty', `${describe.headline} is empty (0 bytes). The download probably failed; download it again.`, filePath);
  }
  return stat.size;
}

async function readFixedHeader(filePath: string, fileSize: number, describe: FileDescriber): Promise<{ version: number }> {
  const bytes = Buffer.alloc(Math.min(fileSize, fixedHeaderBytes));
  try {
    const handle = await fs.open(filePath, 'r');
    try {
      await handle.read(bytes, 0, bytes.length, 0);
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new GlimpseError('file-unreadable', `${describe.headline} cannot be read (${code ?? errorMessage(error)}): ${filePath}. Check its permissions.`, filePath);
  }

  if (bytes.length < magic.length || bytes.toString('latin1', 0, magic.length) !== magic) {
    throw new GlimpseError(
      'file-not-gguf',
      `${describe.headline} is not a GGUF model file: it starts with ${describeLeadingBytes(bytes)}. ` +
        'Choose a .gguf file (llama.cpp format).',
      { detail: filePath, optionsToChange: describe.pathOption },
    );
  }
  if (bytes.length < fixedHeaderBytes) throw headerCutOff(describe, filePath, fileSize);

  const version = bytes.readUInt32LE(4);
  if (version !== 2 && version !== 3) {
    throw new GlimpseError(
      'file-unreadable',
      `${describe.headline} is GGUF version ${version}; llama.cpp reads versions 2 and 3. Download a current conversion of the model.`,
      filePath,
    );
  }
  const tensorCount = bytes.readBigUInt64LE(8);
  const keyValueCount = bytes.readBigUInt64LE(16);
  // Each entry takes some bytes, so counts the file cannot hold mean a cut-off or damaged header
  // (and keep the parser from looping over billions of phantom entries).
  const smallestHeader =
    BigInt(fixedHeaderBytes) + tensorCount * BigInt(smallestTensorInfoBytes) + keyValueCount * BigInt(smallestKeyValueBytes);
  if (smallestHeader > BigInt(fileSize)) throw headerCutOff(describe, filePath, fileSize);
  return { version };
}

function headerCutOff(describe: FileDescriber, filePath: string, fileSize: number): GlimpseError {
  return new GlimpseError(
    'file-truncated',
    `${describe.fileName} is truncated: the file ends (${formatExactBytes(fileSize)} bytes) inside its GGUF header, before any tensor data. ` +
      'The download was probably cut off; download it again.',
    filePath,
  );
}

/** Hex and text of the first bytes, plus a guess at what the file is when it is a common mix-up. */
function describeLeadingBytes(bytes: Buffer): string {
  const head = bytes.subarray(0, Math.min(bytes.length, 8));
  const hex = [...head].map((byte) => byte.toString(16).toUpperCase().padStart(2, '0')).join(' ');
  const text = [...head].map((byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.')).join('');
  const guess = guessFileKind(bytes);
  return `${hex} ("${text}")${guess ? `, which looks like ${guess}` : ''}`;
}

function guessFileKind(bytes: Buffer): string | undefined {
  const ascii = bytes.toString('latin1');
  if (bytes[0] === 0x89 && ascii.startsWith('PNG', 1)) return 'a PNG image';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'a JPEG image';
  if (ascii.startsWith('PK')) return 'a zip archive';
  if (ascii.startsWith('version ')) return 'a Git LFS pointer, not the model itself';
  if (/^\s*</.test(ascii)) return 'an HTML or XML page (a failed download?)';
  if (/^\s*[{[]/.test(ascii)) return 'a JSON file';
  return undefined;
}

// ---- after parsing ----

type ParsedTensor = NonNullable<Awaited<ReturnType<NodeLlamaCpp['readGgufFileInfo']>>['tensorInfo']>[number];

function toTensor(tensor: ParsedTensor): GgufTensor {
  const dimensions = tensor.dimensions.map(Number);
  const typeId = Number(tensor.ggmlType);
  return {
    name: tensor.name,
    dimensions,
    typeId,
    typeName: ggmlTypeName(typeId),
    offset: Number(tensor.offset),
    byteSize: tensorByteSize(typeId, dimensions),
  };
}

function dataSectionOffset(infoEndOffset: number | undefined, tensors: readonly ParsedTensor[] | undefined): number {
  const first = tensors?.[0];
  if (first !== undefined) return Number(first.fileOffset) - Number(first.offset);
  return infoEndOffset ?? 0;
}

/**
 * node-llama-cpp nests key-values by their dots ({ clip: { vision: { image_size } } }) and keeps
 * a dotted key flat where nesting would collide; joining the path back gives the original keys.
 */
function flattenMetadata(nested: Record<string, unknown>): Map<string, MetadataValue> {
  const flat = new Map<string, MetadataValue>();
  const walk = (node: Record<string, unknown>, prefix: string): void => {
    for (const [key, value] of Object.entries(node)) {
      const fullKey = prefix === '' ? key : `${prefix}.${key}`;
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        walk(value as Record<string, unknown>, fullKey);
      } else {
        flat.set(fullKey, value as MetadataValue);
      }
    }
  };
  walk(nested, '');
  return flat;
}

function createInfo(fields: {
  path: string;
  fileSize: number;
  version: number;
  metadata: Map<string, MetadataValue>;
  tensors: GgufTensor[];
  dataOffset: number;
  requiredSize: number;
}): GgufInfo {
  const { metadata } = fields;
  const tensorsByName = new Map(fields.tensors.map((tensor) => [tensor.name, tensor]));
  const string = (key: string): string | undefined => {
    const value = metadata.get(key);
    return typeof value === 'string' ? value : undefined;
  };
  const number = (key: string): number | undefined => {
    const value = metadata.get(key);
    return typeof value === 'number' || typeof value === 'bigint' ? Number(value) : undefined;
  };
  return {
    ...fields,
    architecture: string('general.architecture'),
    name: string('general.name'),
    string,
    number,
    boolean: (key) => {
      const value = metadata.get(key);
      return typeof value === 'boolean' ? value : undefined;
    },
    numberArray: (key) => {
      const value = metadata.get(key);
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'number' || typeof item === 'bigint')) return undefined;
      return value.map(Number);
    },
    tensor: (name) => tensorsByName.get(name),
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
