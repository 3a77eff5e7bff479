// The curated model catalog (models/catalog.json): vision-language pairs that Glimpse can download
// as one unit, a language model and its projector (mmproj) from the same Hugging Face repository.
// This file holds the schema, a runtime validator that names every problem it finds, and the
// loader. The JSON is data shipped with the extension; it is validated on load so a bad edit fails
// a unit test and never reaches a download.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { GlimpseError } from '../errors';

export interface CatalogFile {
  /** File name inside the repository, e.g. "SmolVLM-500M-Instruct-Q8_0.gguf". */
  readonly file: string;
  /** Download size in bytes: exact, or an estimate when `sizeApproximate` is true. */
  readonly sizeBytes: number;
  /** True when `sizeBytes` could not be confirmed (used for the disk check and progress only). */
  readonly sizeApproximate?: boolean;
  /** Published SHA-256 (lowercase hex). Absent: the hash is computed and recorded after download. */
  readonly sha256?: string;
}

export interface CatalogEntry {
  /** Stable id, also the folder name of the installed pair: lowercase letters, digits, ".", "_", "-". */
  readonly id: string;
  readonly displayName: string;
  /** The one entry offered first. */
  readonly default: boolean;
  /** `general.architecture` of the language model, e.g. "llama", "qwen2vl", "gemma3". */
  readonly architecture: string;
  /** `clip.projector_type` the projector is expected to have, e.g. "mlp", "qwen2vl_merger". */
  readonly projectorType?: string;
  /** Quantization of the language model, e.g. "Q4_K_M". */
  readonly quantization: string;
  /** Hugging Face repository "owner/name" holding both files. */
  readonly repo: string;
  /** Optional branch, tag or commit; downloads use "main" when absent. */
  readonly revision?: string;
  readonly model: CatalogFile;
  readonly projector: CatalogFile;
  /** Context (tokens) the engine is started with for this pair; the RAM estimate assumes it. */
  readonly contextSize: number;
  /** Rough resident memory (MB) with that context: weights, KV cache, image encoder buffers. */
  readonly ramEstimateMb: number;
  readonly licence: string;
  /** What the pair is good at, in a sentence or two for the picker. */
  readonly goodAt: string;
  /** Caveats: unconfirmed facts, licence terms. */
  readonly note?: string;
}

export interface ModelCatalog {
  readonly formatVersion: 1;
  readonly entries: readonly CatalogEntry[];
}

/** Limits a catalog entry must respect; they catch typos (a size in MB instead of bytes). */
export const catalogLimits = {
  minModelBytes: 50 * 1024 * 1024,
  minProjectorBytes: 10 * 1024 * 1024,
  maxFileBytes: 64 * 1024 * 1024 * 1024,
  minContextSize: 512,
  maxContextSize: 1024 * 1024,
  minRamEstimateMb: 256,
  maxRamEstimateMb: 256 * 1024,
} as const;

const idPattern = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const repoPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;
// A plain file name at the top of the repository: it is also the local file name, so no folders.
const filePattern = /^[A-Za-z0-9][A-Za-z0-9._-]*\.gguf$/;
const revisionPattern = /^[A-Za-z0-9._-]{1,100}$/;
const sha256Pattern = /^[0-9a-f]{64}$/;

const entryKeys = new Set([
  'id', 'displayName', 'default', 'architecture', 'projectorType', 'quantization', 'repo', 'revision',
  'model', 'projector', 'contextSize', 'ramEstimateMb', 'licence', 'goodAt', 'note',
]);
const fileKeys = new Set(['file', 'sizeBytes', 'sizeApproximate', 'sha256']);

/**
 * Checks parsed JSON against the catalog schema and returns it typed. Throws one `catalog-invalid`
 * GlimpseError listing every problem (not just the first), each prefixed with where it is.
 */
export function validateCatalog(value: unknown, source = 'the model catalog'): ModelCatalog {
  const problems: string[] = [];
  if (!isObject(value)) throw invalid(source, ['the top level must be an object']);
  if (value.formatVersion !== 1) problems.push(`formatVersion must be 1, found ${JSON.stringify(value.formatVersion)}`);
  if (!Array.isArray(value.entries) || value.entries.length === 0) {
    problems.push('entries must be a non-empty array');
    throw invalid(source, problems);
  }
  const seenIds = new Set<string>();
  const defaults: string[] = [];
  value.entries.forEach((raw: unknown, index: number) => {
    const where = isObject(raw) && typeof raw.id === 'string' ? `entry "${raw.id}"` : `entry ${index}`;
    if (!isObject(raw)) {
      problems.push(`${where}: must be an object`);
      return;
    }
    checkEntry(raw, where, problems);
    if (typeof raw.id === 'string') {
      if (seenIds.has(raw.id)) problems.push(`${where}: the id is used by another entry`);
      seenIds.add(raw.id);
    }
    if (raw.default === true) defaults.push(String(raw.id));
  });
  if (defaults.length !== 1) {
    problems.push(`exactly one entry must have "default": true, found ${defaults.length}${defaults.length ? ` (${defaults.join(', ')})` : ''}`);
  }
  if (problems.length) throw invalid(source, problems);
  return value as unknown as ModelCatalog;
}

function checkEntry(raw: Record<string, unknown>, where: string, problems: string[]): void {
  for (const key of Object.keys(raw)) if (!entryKeys.has(key)) problems.push(`${where}: unknown field "${key}"`);
  if (typeof raw.id !== 'string' || !idPattern.test(raw.id)) {
    problems.push(`${where}: id must be lowercase letters, digits, ".", "_" or "-" (it names the install folder)`);
  }
  for (const key of ['displayName', 'architecture', 'quantization', 'licence', 'goodAt'] as const) {
    if (!nonEmptyString(raw[key])) problems.push(`${where}: ${key} must be a non-empty string`);
  }
  for (const key of ['projectorType', 'note'] as const) {
    if (raw[key] !== undefined && !nonEmptyString(raw[key])) problems.push(`${where}: ${key}, when present, must be a non-empty string`);
  }
  if (typeof raw.default !== 'boolean') problems.push(`${where}: default must be true or false`);
  if (typeof raw.repo !== 'string' || !repoPattern.test(raw.repo)) problems.push(`${where}: repo must be "owner/name"`);
  if (raw.revision !== undefined && (typeof raw.revision !== 'string' || !revisionPattern.test(raw.revision))) {
    problems.push(`${where}: revision must be a branch, tag or commit name`);
  }
  checkFile(raw.model, `${where}: model`, catalogLimits.minModelBytes, problems);
  checkFile(raw.projector, `${where}: projector`, catalogLimits.minProjectorBytes, problems);
  if (isObject(raw.model) && isObject(raw.projector) && raw.model.file === raw.projector.file) {
    problems.push(`${where}: the model and the projector must be different files`);
  }
  checkInteger(raw.contextSize, `${where}: contextSize`, catalogLimits.minContextSize, catalogLimits.maxContextSize, problems);
  checkInteger(raw.ramEstimateMb, `${where}: ramEstimateMb`, catalogLimits.minRamEstimateMb, catalogLimits.maxRamEstimateMb, problems);
  if (isObject(raw.model) && isObject(raw.projector) && typeof raw.ramEstimateMb === 'number') {
    const downloadMb = (Number(raw.model.sizeBytes) + Number(raw.projector.sizeBytes)) / (1024 * 1024);
    if (raw.ramEstimateMb < downloadMb) {
      problems.push(`${where}: ramEstimateMb (${raw.ramEstimateMb}) is below the size of the files (${Math.ceil(downloadMb)} MB), which are loaded whole`);
    }
  }
}

function checkFile(raw: unknown, where: string, minBytes: number, problems: string[]): void {
  if (!isObject(raw)) {
    problems.push(`${where} is missing (every entry needs both a model and a projector file)`);
    return;
  }
  for (const key of Object.keys(raw)) if (!fileKeys.has(key)) problems.push(`${where}: unknown field "${key}"`);
  if (typeof raw.file !== 'string' || !filePattern.test(raw.file)) problems.push(`${where}: file must be a .gguf file name at the top of the repository (letters, digits, ".", "_", "-")`);
  checkInteger(raw.sizeBytes, `${where}: sizeBytes`, minBytes, catalogLimits.maxFileBytes, problems);
  if (raw.sizeApproximate !== undefined && typeof raw.sizeApproximate !== 'boolean') problems.push(`${where}: sizeApproximate must be true or false`);
  if (raw.sha256 !== undefined && (typeof raw.sha256 !== 'string' || !sha256Pattern.test(raw.sha256))) {
    problems.push(`${where}: sha256 must be 64 lowercase hex digits`);
  }
}

function checkInteger(value: unknown, where: string, min: number, max: number, problems: string[]): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) problems.push(`${where} must be a whole number`);
  else if (value < min || value > max) problems.push(`${where} is ${value}, outside the sane range ${min}–${max}`);
}

function invalid(source: string, problems: readonly string[]): GlimpseError {
  return new GlimpseError(
    'catalog-invalid',
    `${source} is not valid: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : ''}. Fix the file or reinstall the extension.`,
    problems.join('\n'),
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

/** Where the catalog ships: `models/catalog.json` under the extension (or repository) root. */
export function bundledCatalogPath(extensionRoot: string): string {
  return path.join(extensionRoot, 'models', 'catalog.json');
}

/** Reads and validates a catalog file. */
export async function loadCatalog(filePath: string): Promise<ModelCatalog> {
  let text: string;
  try {
    text = await fs.readFile(filePath, 'utf8');
  } catch (error) {
    throw new GlimpseError('catalog-invalid', `The model catalog ${filePath} could not be read. Reinstall the extension.`, String(error));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new GlimpseError('catalog-invalid', `The model catalog ${filePath} is not valid JSON: ${(error as Error).message}.`);
  }
  return validateCatalog(parsed, `The model catalog ${filePath}`);
}

export function defaultCatalogEntry(catalog: ModelCatalog): CatalogEntry {
  // validateCatalog guarantees exactly one.
  return catalog.entries.find((entry) => entry.default) ?? catalog.entries[0];
}

export function findCatalogEntry(catalog: ModelCatalog, id: string): CatalogEntry | undefined {
  return catalog.entries.find((entry) => entry.id === id);
}

/** Bytes to download for the pair (model + projector), from the catalog's sizes. */
export function catalogPairBytes(entry: CatalogEntry): number {
  return entry.model.sizeBytes + entry.projector.sizeBytes;
}
