// The manifest of an installed pair: `glimpse-pair.json`, written last, after both files have been
// verified and renamed into place. Its presence (and its sizes matching the files) is what makes a
// folder an installed pair; a folder with only `.partial` files or a half-renamed pair has none.
// Its valibot schema gives the types; a manifest that does not match it is no manifest.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../../atomicFile';
import * as v from 'valibot';
import type { DeepReadonly } from '../../deepReadonly';
import { GlimpseError } from '../../errors';

export const pairManifestName = 'glimpse-pair.json';
/** A file being downloaded is `<file name>.partial` in the pair folder until it is complete and verified. */
export const partialSuffix = '.partial';

/** The folder of a pair: `<destinationDir>/<entry id>` (the id is checked: it must not leave the folder). */
export function pairFolder(destinationDir: string, id: string): string {
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(id) || id.includes('..')) throw new GlimpseError('invalid-argument', `"${id}" is not a valid model id.`);
  return path.join(destinationDir, id);
}

const pairManifestFile = v.object({
  /** A plain file name in the pair folder. */
  file: v.pipe(v.string(), v.check((file) => file.length > 0 && path.basename(file) === file)),
  sizeBytes: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  sha256: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  /** "catalog": matched the published hash; "computed": no hash was published, this one was recorded. */
  sha256Source: v.picklist(['catalog', 'computed']),
});
export type PairManifestFile = DeepReadonly<v.InferOutput<typeof pairManifestFile>>;

/** Fields it does not name are allowed: a later version may add some. */
const pairManifest = v.object({
  formatVersion: v.literal(1),
  id: v.string(),
  displayName: v.string(),
  architecture: v.string(),
  projectorType: v.optional(v.string()),
  quantization: v.string(),
  repo: v.string(),
  revision: v.string(),
  /** Base URL the files came from (Hugging Face or a mirror). */
  source: v.string(),
  contextSize: v.number(),
  /** ISO 8601 time the pair was completed. */
  installedAt: v.string(),
  model: pairManifestFile,
  projector: pairManifestFile,
});
export type PairManifest = DeepReadonly<v.InferOutput<typeof pairManifest>>;

/** Reads a pair folder's manifest; undefined when it is missing or not a valid manifest. */
export async function readPairManifest(folder: string): Promise<PairManifest | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(path.join(folder, pairManifestName), 'utf8'));
  } catch {
    return undefined;
  }
  const result = v.safeParse(pairManifest, parsed, { abortEarly: true });
  return result.success ? result.output : undefined;
}

/** Writes the manifest through a temporary file and a rename, so a reader never sees half of it. */
export async function writePairManifest(folder: string, manifest: PairManifest): Promise<void> {
  await writeFileAtomic(path.join(folder, pairManifestName), `${JSON.stringify(manifest, null, 2)}\n`);
}
