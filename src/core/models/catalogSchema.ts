// The schema of the curated model catalog (models/catalog.json), the types inferred from it, and
// the validator that names every problem it finds, each prefixed with where it is ('entry
// "smolvlm-500m-instruct-q8": model: sizeBytes is 437, outside the sane range …'). The JSON is
// data shipped with the extension; it is validated on load so a bad edit fails a unit test and
// never reaches a download.

import * as v from 'valibot';
import type { DeepReadonly } from '../deepReadonly';
import { GlimpseError } from '../errors';
import { isMissingKey, isUnknownKey, issueKeys, type Issue } from '../schemaIssues';

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

// ---- building blocks: each message completes "<field> …" ----

const matching = (pattern: RegExp, message: string) => v.pipe(v.string(message), v.regex(pattern, message));
const nonEmptyText = (message = 'must be a non-empty string') => v.pipe(v.string(message), v.check((text) => text.trim().length > 0, message));
const optionalText = v.optional(nonEmptyText('must be a non-empty string when present'));
const trueOrFalse = v.boolean('must be true or false');
const wholeNumber = (min: number, max: number) => {
  const outside = (issue: Issue) => `is ${String(issue.input)}, outside the sane range ${min}–${max}`;
  return v.pipe(v.custom<number>((value) => Number.isSafeInteger(value), 'must be a whole number'), v.minValue(min, outside), v.maxValue(max, outside));
};
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
/** valibot takes a list for an object; the catalog does not. Fields it does not name are refused. */
const strictObject = <TEntries extends v.ObjectEntries>(entries: TEntries) =>
  v.pipe(v.custom<Record<string, unknown>>(isObject, 'must be an object'), v.strictObject(entries, 'must be an object'));

// ---- the catalog ----

const catalogFileEntries = (minBytes: number) => ({
  /** File name inside the repository, e.g. "SmolVLM-500M-Instruct-Q8_0.gguf". A plain name: it is also the local file name, so no folders. */
  file: matching(/^[A-Za-z0-9][A-Za-z0-9._-]*\.gguf$/, 'must be a .gguf file name at the top of the repository (letters, digits, ".", "_", "-")'),
  /** Download size in bytes: exact, or an estimate when `sizeApproximate` is true. */
  sizeBytes: wholeNumber(minBytes, catalogLimits.maxFileBytes),
  /** True when `sizeBytes` could not be confirmed (used for the disk check and progress only). */
  sizeApproximate: v.optional(trueOrFalse),
  /** Published SHA-256 (lowercase hex). Absent: the hash is computed and recorded after download. */
  sha256: v.optional(matching(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits')),
});
const catalogFile = (minBytes: number) => strictObject(catalogFileEntries(minBytes));
export type CatalogFile = DeepReadonly<v.InferOutput<ReturnType<typeof catalogFile>>>;

const catalogEntryEntries = {
  /** Stable id, also the folder name of the installed pair: lowercase letters, digits, ".", "_", "-". */
  id: matching(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be lowercase letters, digits, ".", "_" or "-" (it names the install folder)'),
  displayName: nonEmptyText(),
  /** The one entry offered first. */
  default: trueOrFalse,
  /** `general.architecture` of the language model, e.g. "llama", "qwen2vl", "gemma3". */
  architecture: nonEmptyText(),
  /** `clip.projector_type` the projector is expected to have, e.g. "mlp", "qwen2vl_merger". */
  projectorType: optionalText,
  /** Quantization of the language model, e.g. "Q4_K_M". */
  quantization: nonEmptyText(),
  /** Hugging Face repository "owner/name" holding both files. */
  repo: matching(/^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be "owner/name"'),
  /** Optional branch, tag or commit; downloads use "main" when absent. */
  revision: v.optional(matching(/^[A-Za-z0-9._-]{1,100}$/, 'must be a branch, tag or commit name')),
  model: catalogFile(catalogLimits.minModelBytes),
  projector: catalogFile(catalogLimits.minProjectorBytes),
  /** Context (tokens) the engine is started with for this pair; the RAM estimate assumes it. */
  contextSize: wholeNumber(catalogLimits.minContextSize, catalogLimits.maxContextSize),
  /** Rough resident memory (MB) with that context: weights, KV cache, image encoder buffers. */
  ramEstimateMb: wholeNumber(catalogLimits.minRamEstimateMb, catalogLimits.maxRamEstimateMb),
  licence: nonEmptyText(),
  /** What the pair is good at, in a sentence or two for the picker. */
  goodAt: nonEmptyText(),
  /** Caveats: unconfirmed facts, licence terms. */
  note: optionalText,
};

/** Checks between fields of an entry; they run on what could be read even when a field is wrong. */
const catalogEntry = v.pipe(strictObject(catalogEntryEntries), v.rawCheck(({ dataset, addIssue }) => {
  const entry: unknown = dataset.value;
  if (!isObject(entry) || !isObject(entry.model) || !isObject(entry.projector)) return;
  if (entry.model.file === entry.projector.file) addIssue({ message: 'the model and the projector must be different files' });
  if (typeof entry.ramEstimateMb === 'number') {
    const downloadMb = (Number(entry.model.sizeBytes) + Number(entry.projector.sizeBytes)) / (1024 * 1024);
    if (entry.ramEstimateMb < downloadMb) {
      addIssue({ message: `ramEstimateMb (${entry.ramEstimateMb}) is below the size of the files (${Math.ceil(downloadMb)} MB), which are loaded whole` });
    }
  }
}));
export type CatalogEntry = DeepReadonly<v.InferOutput<typeof catalogEntry>>;

const nonEmptyList = 'must be a non-empty array';
const modelCatalog = v.pipe(
  v.custom<Record<string, unknown>>(isObject, 'the top level must be an object'),
  v.object({
    formatVersion: v.literal(1, (issue) => `must be 1, found ${JSON.stringify(issue.input)}`),
    entries: v.pipe(v.array(catalogEntry, nonEmptyList), v.minLength(1, nonEmptyList)),
  }, 'the top level must be an object'),
  /** Checks across entries: ids are unique, exactly one entry is the default. */
  v.rawCheck(({ dataset, addIssue }) => {
    const catalog: unknown = dataset.value;
    if (!isObject(catalog) || !Array.isArray(catalog.entries) || catalog.entries.length === 0) return;
    const entries: unknown[] = catalog.entries;
    const seenIds = new Set<unknown>();
    const defaults: string[] = [];
    entries.forEach((entry, index) => {
      if (!isObject(entry)) return;
      if (typeof entry.id === 'string') {
        if (seenIds.has(entry.id)) {
          addIssue({
            message: 'the id is used by another entry',
            path: [
              { type: 'object', origin: 'value', input: catalog, key: 'entries', value: entries },
              { type: 'array', origin: 'value', input: entries, key: index, value: entry },
            ],
          });
        }
        seenIds.add(entry.id);
      }
      if (entry.default === true) defaults.push(String(entry.id));
    });
    if (defaults.length !== 1) {
      addIssue({ message: `exactly one entry must have "default": true, found ${defaults.length}${defaults.length ? ` (${defaults.join(', ')})` : ''}` });
    }
  }),
);
export type ModelCatalog = DeepReadonly<v.InferOutput<typeof modelCatalog>>;

/**
 * Checks parsed JSON against the catalog schema and returns it typed. Throws one `catalog-invalid`
 * GlimpseError listing every problem (not just the first), each prefixed with where it is.
 */
export function validateCatalog(value: unknown, source = 'the model catalog'): ModelCatalog {
  const result = v.safeParse(modelCatalog, value);
  if (result.success) return result.output;
  throw invalid(source, result.issues.flatMap(problems));
}

const missingHints: Record<string, string> = {
  model: ' (every entry needs both a model and a projector file)',
  projector: ' (every entry needs both a model and a projector file)',
};

/** One issue in the catalog's words: 'entry "<id>": model: sizeBytes …' (an entry is named by its id, or its index). */
function problems(issue: Issue): string[] {
  const items = issue.path ?? [];
  // "entries" is left out before an entry's name: 'entry "<id>": …', not 'entries: entry "<id>": …'.
  const places = items.flatMap((item, index) => {
    if (item.type === 'array') return [entryName(item.value, Number(item.key))];
    return items[index + 1]?.type === 'array' ? [] : [String(item.key)];
  });
  const last = items[items.length - 1];
  if (!last || last.type === 'array') return [[...places, issue.message].join(': ')];
  const where = places.slice(0, -1).map((place) => `${place}: `).join('');
  const key = places[places.length - 1];
  if (isMissingKey(issue)) return [`${where}${key} is missing${missingHints[key] ?? ''}`];
  // valibot reports the first unknown key of an object; name them all, as a misspelling rarely comes alone.
  if (isUnknownKey(issue)) return unknownKeys(last.input, issueKeys(issue).length).map((unknown) => `${where}unknown field "${unknown}"`);
  return [`${where}${key} ${issue.message}`];
}

function entryName(entry: unknown, index: number): string {
  return isObject(entry) && typeof entry.id === 'string' ? `entry "${entry.id}"` : `entry ${index}`;
}

/** The keys of a strict object of the catalog that its schema does not name: an entry at depth 3, a file at depth 4. */
function unknownKeys(object: unknown, depth: number): string[] {
  const known = depth === 3 ? catalogEntryEntries : catalogFileEntries(0);
  return isObject(object) ? Object.keys(object).filter((key) => !Object.prototype.hasOwnProperty.call(known, key)) : [];
}

function invalid(source: string, problems: readonly string[]): GlimpseError {
  return new GlimpseError(
    'catalog-invalid',
    `${source} is not valid: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : ''}. Fix the file or reinstall the extension.`,
    problems.join('\n'),
  );
}
