// The manifest of an installed pair: `glimpse-pair.json`, written last, after both files have been
// verified and renamed into place. Its presence (and its sizes matching the files) is what makes a
// folder an installed pair; a folder with only `.partial` files or a half-renamed pair has none.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../../atomicFile';
import { GlimpseError } from '../../errors';

export const pairManifestName = 'glimpse-pair.json';
/** A file being downloaded is `<file name>.partial` in the pair folder until it is complete and verified. */
export const partialSuffix = '.partial';

/** The folder of a pair: `<destinationDir>/<entry id>` (the id is checked: it must not leave the folder). */
export function pairFolder(destinationDir: string, id: string): string {
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(id) || id.includes('..')) throw new GlimpseError('invalid-argument', `"${id}" is not a valid model id.`);
  return path.join(destinationDir, id);
}

export interface PairManifestFile {
  readonly file: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  /** "catalog": matched the published hash; "computed": no hash was published, this one was recorded. */
  readonly sha256Source: 'catalog' | 'computed';
}

export interface PairManifest {
  readonly formatVersion: 1;
  readonly id: string;
  readonly displayName: string;
  readonly architecture: string;
  readonly projectorType?: string;
  readonly quantization: string;
  readonly repo: string;
  readonly revision: string;
  /** Base URL the files came from (Hugging Face or a mirror). */
  readonly source: string;
  readonly contextSize: number;
  /** ISO 8601 time the pair was completed. */
  readonly installedAt: string;
  readonly model: PairManifestFile;
  readonly projector: PairManifestFile;
}

/** Reads a pair folder's manifest; undefined when it is missing or not a valid manifest. */
export async function readPairManifest(folder: string): Promise<PairManifest | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(path.join(folder, pairManifestName), 'utf8'));
  } catch {
    return undefined;
  }
  return isPairManifest(parsed) ? parsed : undefined;
}

/** Writes the manifest through a temporary file and a rename, so a reader never sees half of it. */
export async function writePairManifest(folder: string, manifest: PairManifest): Promise<void> {
  await writeFileAtomic(path.join(folder, pairManifestName), `${JSON.stringify(manifest, null, 2)}\n`);
}

function isPairManifest(value: unknown): value is PairManifest {
  if (typeof value !== 'object' || value === null) return false;
  const manifest = value as Record<string, unknown>;
  return (
    manifest.formatVersion === 1 &&
    typeof manifest.id === 'string' &&
    typeof manifest.displayName === 'string' &&
    typeof manifest.installedAt === 'string' &&
    isManifestFile(manifest.model) &&
    isManifestFile(manifest.projector)
  );
}

function isManifestFile(value: unknown): value is PairManifestFile {
  if (typeof value !== 'object' || value === null) return false;
  const file = value as Record<string, unknown>;
  return (
    typeof file.file === 'string' &&
    file.file.length > 0 &&
    path.basename(file.file) === file.file &&
    typeof file.sizeBytes === 'number' &&
    Number.isSafeInteger(file.sizeBytes) &&
    file.sizeBytes >= 0 &&
    typeof file.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(file.sha256)
  );
}
