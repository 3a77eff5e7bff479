// The context the engine is started with, the same rule for the CLI and the extension: what the
// user asked for, else what the catalog says for this model (its RAM estimate assumes it), else
// room for an image, an inventory and a whole page of code.

import path from 'node:path';
import type { CatalogEntry, ModelCatalog } from './catalog';

/** For a model the catalog does not know. */
export const defaultContextSize = 8192;

/** The catalog entry whose model file this is (by file name: downloads keep the catalog's names). */
export function catalogEntryForModel(catalog: ModelCatalog | undefined, modelPath: string): CatalogEntry | undefined {
  const name = path.basename(modelPath).toLowerCase();
  return catalog?.entries.find((entry) => entry.model.file.toLowerCase() === name);
}

/** `requested` undefined or 0: automatic. */
export function engineContextSize(requested: number | undefined, entry?: CatalogEntry): number {
  if (requested !== undefined && requested > 0) return requested;
  return entry?.contextSize ?? defaultContextSize;
}
