// The pairs installed in a models folder (one sub-folder per pair, see download/downloadPair.ts):
// a folder counts only when its `glimpse-pair.json` manifest is valid and both files it names are
// there with the recorded sizes. Folders with only `.partial` files (a download stopped or still
// running) or a half-renamed pair are not listed. Deleting a pair removes its manifest first, so
// an interrupted delete never leaves something that looks installed.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pairFolder, pairManifestName, readPairManifest, type PairManifest } from './download/pairManifest';

export interface InstalledPair {
  readonly id: string;
  readonly displayName: string;
  readonly folder: string;
  readonly modelPath: string;
  readonly projectorPath: string;
  /** Model plus projector, in bytes. */
  readonly sizeBytes: number;
  readonly installedAt: string;
  readonly manifest: PairManifest;
}

/** Installed pairs in `modelsDir`, sorted by display name; an absent folder has none. */
export async function listInstalledPairs(modelsDir: string): Promise<InstalledPair[]> {
  let names: string[];
  try {
    names = (await fs.readdir(modelsDir, { withFileTypes: true })).filter((item) => item.isDirectory()).map((item) => item.name);
  } catch {
    return [];
  }
  const pairs: InstalledPair[] = [];
  for (const name of names) {
    const pair = await readInstalledPair(path.join(modelsDir, name));
    if (pair) pairs.push(pair);
  }
  return pairs.sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/** The installed pair with this id, or undefined when it is absent or incomplete. */
export async function findInstalledPair(modelsDir: string, id: string): Promise<InstalledPair | undefined> {
  return readInstalledPair(pairFolder(modelsDir, id));
}

/**
 * Deletes a pair's folder, partial downloads included. Returns false when there was nothing to
 * delete. Do not call it while the same pair is downloading.
 */
export async function deletePair(modelsDir: string, id: string): Promise<boolean> {
  const folder = pairFolder(modelsDir, id);
  try {
    await fs.stat(folder);
  } catch {
    return false;
  }
  await fs.rm(path.join(folder, pairManifestName), { force: true });
  await fs.rm(folder, { recursive: true, force: true });
  return true;
}

/** The pair in `folder` when its manifest is valid and both files have the recorded sizes. */
export async function readInstalledPair(folder: string): Promise<InstalledPair | undefined> {
  const manifest = await readPairManifest(folder);
  if (!manifest) return undefined;
  const modelPath = path.join(folder, manifest.model.file);
  const projectorPath = path.join(folder, manifest.projector.file);
  if ((await fileSize(modelPath)) !== manifest.model.sizeBytes) return undefined;
  if ((await fileSize(projectorPath)) !== manifest.projector.sizeBytes) return undefined;
  return {
    id: manifest.id,
    displayName: manifest.displayName,
    folder,
    modelPath,
    projectorPath,
    sizeBytes: manifest.model.sizeBytes + manifest.projector.sizeBytes,
    installedAt: manifest.installedAt,
    manifest,
  };
}

async function fileSize(file: string): Promise<number | undefined> {
  try {
    const stats = await fs.stat(file);
    return stats.isFile() ? stats.size : undefined;
  } catch {
    return undefined;
  }
}
