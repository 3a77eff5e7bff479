// Reads what Glimpse needs from a GGUF file's header — architecture, key-values, tensor list,
// where the data starts — and refuses files llama.cpp would refuse, with a message naming the
// file: missing, not a regular file, empty, not GGUF, header or data cut off, sizes the file
// cannot hold, anything gguf.cpp rejects at load. The header is untrusted: it is parsed by our
// bounded reader (ggufParse.ts) in a worker thread with a heap limit and a deadline
// (ggufOffThread.ts), so no header can hang, crash or balloon the process that asked.

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { GlimpseError } from '../errors';
import { formatExactBytes } from '../formatBytes';
import { RegularFileError, describePathKind, nonBlockingReadFlags, statRegularFile } from '../regularFile';
import type { UserOption } from '../userOptions';
import { defaultOffThreadLimits, parseGgufOffThread, type OffThreadLimits } from './ggufOffThread';
import type { GgufTensor, MetadataValue, ParsedGguf } from './ggufParse';

export type { GgufTensor, MetadataValue } from './ggufParse';

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
  /** Deadline and heap limit of the parse (tests make them small). */
  readonly limits?: OffThreadLimits;
}

const magic = 'GGUF';
/** magic (4) + version (4) + tensor count (8) + key-value count (8) */
const fixedHeaderBytes = 24;
const damagedAdvice = 'damaged, cut off, or not a GGUF model. Download it again or choose another file.';

/**
 * Parsed headers by path, size and modification time. Parsing a real model's header (150k-token
 * vocabularies) takes 250–550 ms in JS; a model file does not change between engine starts.
 */
const parsedHeaders = new Map<string, GgufInfo>();
/** Vocabulary arrays Glimpse never reads: skipped when the metadata is stored. */
const unusedKeys = ['tokenizer.ggml.tokens', 'tokenizer.ggml.token_type', 'tokenizer.ggml.merges', 'tokenizer.ggml.scores'];

export async function readGgufInfo(filePath: string, options: ReadGgufOptions = {}): Promise<GgufInfo> {
  const describe = fileDescriber(filePath, options.role);
  const fileSize = await statModelFile(filePath, describe);
  const cacheKey = await headerCacheKey(filePath, fileSize);
  const cached = cacheKey ? parsedHeaders.get(cacheKey) : undefined;
  if (cached) return cached;
  const info = await parseGgufInfo(filePath, fileSize, describe, options.limits ?? defaultOffThreadLimits);
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

async function parseGgufInfo(filePath: string, fileSize: number, describe: FileDescriber, limits: OffThreadLimits): Promise<GgufInfo> {
  const header = await readFixedHeader(filePath, fileSize, describe);
  const parsed = await parseHeader(filePath, fileSize, describe, limits);
  if (parsed.requiredSize > fileSize) {
    throw new GlimpseError(
      'file-truncated',
      `${describe.fileName} is truncated: its tensors need ${formatExactBytes(parsed.requiredSize)} bytes but the file has ${formatExactBytes(fileSize)}. ` +
        'The download was probably cut off; download it again.',
      filePath,
    );
  }
  return createInfo({ ...parsed, path: filePath, fileSize, version: header.version });
}

async function parseHeader(filePath: string, fileSize: number, describe: FileDescriber, limits: OffThreadLimits): Promise<ParsedGguf> {
  const result = await parseGgufOffThread({ path: filePath, fileSize, skipKeys: unusedKeys }, limits);
  if (result.ok) return result.parsed;
  const options = { detail: filePath, optionsToChange: describe.pathOption };
  if ('damage' in result) {
    if (result.cutOff) throw headerCutOff(describe, filePath, fileSize);
    throw new GlimpseError('file-unreadable', `${describe.headline} ${result.damage}: ${damagedAdvice}`, options);
  }
  if ('failure' in result) {
    throw new GlimpseError('file-unreadable', `${describe.headline} cannot be read (${result.code ?? result.failure}): ${filePath}. Check its permissions.`, options);
  }
  const why = result.stopped === 'timeout'
    ? `took longer than ${Math.round(limits.timeoutMs / 1000)} s to read its header`
    : result.stopped === 'memory'
      ? `needs more than ${limits.maxHeapMb} MB to read its header`
      : `stopped the header reader (${result.reason})`;
  throw new GlimpseError('file-unreadable', `${describe.headline} ${why}: it is ${damagedAdvice}`, { ...options, detail: `${filePath}\n${result.reason}` });
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

async function statModelFile(filePath: string, describe: FileDescriber): Promise<number> {
  let stat;
  try {
    stat = await statRegularFile(filePath);
  } catch (error) {
    if (!(error instanceof RegularFileError)) throw error;
    const { problem } = error;
    const options = { detail: filePath, optionsToChange: describe.pathOption };
    if (problem.reason === 'missing') {
      throw new GlimpseError('file-missing', `${describe.headline} does not exist: ${filePath}. Check the path, or download the file again.`, options);
    }
    if (problem.reason === 'not-regular' && problem.kind === 'folder') {
      throw new GlimpseError('file-unreadable', `${describe.headline} is a folder, not a file: ${filePath}. Choose the .gguf file inside it.`, options);
    }
    if (problem.reason === 'not-regular') {
      // never opened: a FIFO with no writer, or a device such as /dev/zero, would block or never end
      throw new GlimpseError('file-unreadable', `${describe.headline} is ${describePathKind(problem.kind)}, not a regular file: ${filePath}. Choose the downloaded .gguf file.`, options);
    }
    const code = problem.reason === 'unreadable' ? (problem.cause.code ?? problem.cause.message) : problem.reason;
    throw new GlimpseError('file-unreadable', `${describe.headline} cannot be read (${code}): ${filePath}. Check its permissions.`, options);
  }
  if (stat.size === 0) {
    throw new GlimpseError('file-empty', `${describe.headline} is empty (0 bytes). The download probably failed; download it again.`, filePath);
  }
  return stat.size;
}

async function readFixedHeader(filePath: string, fileSize: number, describe: FileDescriber): Promise<{ version: number }> {
  const bytes = Buffer.alloc(Math.min(fileSize, fixedHeaderBytes));
  try {
    const handle = await fs.open(filePath, nonBlockingReadFlags);
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

function createInfo(fields: Omit<ParsedGguf, 'alignment' | 'skippedKeys'> & { path: string; fileSize: number }): GgufInfo {
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
