// The curated model catalog (models/catalog.json): vision-language pairs that Glimpse can download
// as one unit, a language model and its projector (mmproj) from the same Hugging Face repository.
// This file loads it and looks entries up; its schema and validator are in catalogSchema.ts.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { GlimpseError } from '../errors';
import { validateCatalog, type CatalogEntry, type ModelCatalog } from './catalogSchema';

export { catalogLimits, validateCatalog, type CatalogEntry, type CatalogFile, type ModelCatalog } from './catalogSchema';

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
