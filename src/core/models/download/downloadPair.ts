// Downloads a catalog entry's language model and projector as one unit into
// `<destinationDir>/<entry id>/`:
//   1. an installed pair (valid manifest, files of the recorded sizes) is returned without a request;
//   2. free disk space is checked against the bytes still to fetch, before any request;
//   3. the model, then the projector, are fetched into `<file>.partial` (downloadFile.ts: resume,
//      redirects, retries, SHA-256), with one progress stream over both files;
//   4. only when both are complete and verified are they renamed into place, and the manifest
//      `glimpse-pair.json` is written last: a half-finished pair is never seen as installed.
//
// Cancel policy: cancelling (the signal) stops the transfer and KEEPS the `.partial` files; the
// next downloadPair for the same entry resumes from them. Other failures keep them too, except a
// checksum mismatch, which deletes the damaged partial. Delete the pair (installedModels.ts) to
// throw partial files away.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { throwIfAborted } from '../../abort';
import { GlimpseError } from '../../errors';
import type { CatalogEntry, CatalogFile } from '../catalog';
import { readInstalledPair } from '../installedModels';
import { formatBytes } from '../../formatBytes';
import { downloadFile } from './downloadFile';
import { statfsFreeSpace, type FreeSpaceProbe } from './freeSpace';
import { pairFolder, pairManifestName, partialSuffix, writePairManifest, type PairManifest, type PairManifestFile } from './pairManifest';
import { TransferRate } from './transferRate';

export const defaultDownloadBaseUrl = 'https://huggingface.co';

export type PairFileRole = 'model' | 'projector';

export interface PairDownloadProgress {
  /** "checking": hashing a partial file before resuming it; "finishing": renaming and writing the manifest. */
  readonly phase: 'checking' | 'downloading' | 'finishing' | 'done';
  readonly file: PairFileRole;
  readonly fileName: string;
  /** Bytes of both files on disk so far (resumed bytes included). */
  readonly bytesDone: number;
  /** Both files' sizes: the catalog's until the server states a file's real size. */
  readonly bytesTotal: number;
  /** Smoothed network speed (bytes received in this call only). */
  readonly bytesPerSecond: number;
  /** Undefined until a speed is known. */
  readonly secondsRemaining: number | undefined;
}

export interface DownloadPairOptions {
  /** Folder that holds one sub-folder per installed pair (the extension passes its global storage). */
  readonly destinationDir: string;
  /** Hugging Face or a mirror with the same `<repo>/resolve/<revision>/<file>` layout. */
  readonly baseUrl?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: PairDownloadProgress) => void;
  /** Free bytes on the file system holding a folder; defaults to statfs. */
  readonly freeSpace?: FreeSpaceProbe;
  /** Waits before each automatic retry after a cut or silent connection (default 1 s, 4 s, 10 s). */
  readonly retryDelaysMs?: readonly number[];
  /** A connection with no bytes for this long is dropped and retried (default 60 s). */
  readonly idleTimeoutMs?: number;
  /** Redirects followed per request (default 5). */
  readonly maxRedirects?: number;
  /** Minimum time between two progress events while bytes flow (default 250 ms). */
  readonly progressIntervalMs?: number;
  /** Clock in milliseconds, for the speed estimate (default Date.now). */
  readonly now?: () => number;
}

export interface DownloadedPair {
  readonly folder: string;
  readonly modelPath: string;
  readonly projectorPath: string;
  readonly manifest: PairManifest;
  /** True when the pair was already installed and nothing was downloaded. */
  readonly alreadyInstalled: boolean;
}

const userAgent = 'glimpse-vscode (model download)';
/** Pair folders with a download running in this process (a second one would write the same partials). */
const activeDownloads = new Set<string>();

export async function downloadPair(entry: CatalogEntry, options: DownloadPairOptions): Promise<DownloadedPair> {
  const baseUrl = normalizeBaseUrl(options.baseUrl ?? defaultDownloadBaseUrl);
  const folder = pairFolder(options.destinationDir, entry.id);
  if (activeDownloads.has(folder)) {
    throw new GlimpseError('download-busy', `${entry.displayName} is already being downloaded. Wait for that download to finish or stop it first.`);
  }
  activeDownloads.add(folder);
  try {
    return await downloadPairUnlocked(entry, options, baseUrl, folder);
  } finally {
    activeDownloads.delete(folder);
  }
}

async function downloadPairUnlocked(entry: CatalogEntry, options: DownloadPairOptions, baseUrl: URL, folder: string): Promise<DownloadedPair> {
  const files: Record<PairFileRole, CatalogFile> = { model: entry.model, projector: entry.projector };
  const finalPath = (role: PairFileRole) => path.join(folder, files[role].file);
  const partialPath = (role: PairFileRole) => finalPath(role) + partialSuffix;

  const installed = await readInstalledPair(folder);
  if (installed) {
    return { folder, modelPath: installed.modelPath, projectorPath: installed.projectorPath, manifest: installed.manifest, alreadyInstalled: true };
  }
  throwIfAborted(options.signal, () => cancelledError(entry, folder, 0));

  await fs.mkdir(folder, { recursive: true });
  // A manifest that no longer matches its files (one was deleted or replaced) describes nothing.
  await fs.rm(path.join(folder, pairManifestName), { force: true });
  // A final file without a manifest is left from an interrupted finish: resume it like a partial
  // (its bytes are hashed again; the server then answers 416, "already complete").
  const onDisk: Record<PairFileRole, number> = { model: 0, projector: 0 };
  for (const role of ['model', 'projector'] as const) {
    if (await exists(finalPath(role))) {
      if (await exists(partialPath(role))) await fs.rm(finalPath(role), { force: true });
      else await fs.rename(finalPath(role), partialPath(role));
    }
    onDisk[role] = await sizeOf(partialPath(role));
  }

  const needed = remainingBytes(files.model, onDisk.model) + remainingBytes(files.projector, onDisk.projector);
  const free = await (options.freeSpace ?? statfsFreeSpace)(folder);
  if (free < needed) {
    const approximate = files.model.sizeApproximate || files.projector.sizeApproximate ? 'about ' : '';
    throw new GlimpseError(
      'download-no-space',
      `Not enough free disk space to download ${entry.displayName}: it needs ${approximate}${formatBytes(needed)} more, and ${options.destinationDir} has ${formatBytes(free)} free. ` +
        'Free some space, or pick a smaller model.',
    );
  }

  const progress = new PairProgress(files, onDisk, options);
  const results = {} as Record<PairFileRole, { sizeBytes: number; sha256: string }>;
  try {
    for (const role of ['model', 'projector'] as const) {
      const file = files[role];
      results[role] = await downloadFile(
        {
          url: fileUrl(baseUrl, entry.repo, entry.revision ?? 'main', file.file),
          partialPath: partialPath(role),
          expectedSha256: file.sha256,
          label: `${role === 'model' ? 'the language model' : 'the projector'} "${file.file}"`,
        },
        {
          signal: options.signal,
          retryDelaysMs: options.retryDelaysMs ?? [1000, 4000, 10000],
          idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
          maxRedirects: options.maxRedirects ?? 5,
          userAgent,
          onResumeCheck: () => progress.emit(role, 'checking', true),
          onProgress: (bytes, total, received) => progress.update(role, bytes, total, received),
        },
      );
      progress.fileDone(role, results[role].sizeBytes);
    }
  } catch (error) {
    if (error instanceof GlimpseError && error.code === 'cancelled') {
      throw cancelledError(entry, folder, (await sizeOf(partialPath('model'))) + (await sizeOf(partialPath('projector'))));
    }
    throw error;
  }

  throwIfAborted(options.signal, () => cancelledError(entry, folder, results.model.sizeBytes + results.projector.sizeBytes));
  progress.emit('projector', 'finishing', true);
  await fs.rename(partialPath('model'), finalPath('model'));
  await fs.rename(partialPath('projector'), finalPath('projector'));
  const manifest: PairManifest = {
    formatVersion: 1,
    id: entry.id,
    displayName: entry.displayName,
    architecture: entry.architecture,
    ...(entry.projectorType ? { projectorType: entry.projectorType } : {}),
    quantization: entry.quantization,
    repo: entry.repo,
    revision: entry.revision ?? 'main',
    source: baseUrl.href.replace(/\/$/, ''),
    contextSize: entry.contextSize,
    installedAt: new Date().toISOString(),
    model: manifestFile(files.model, results.model),
    projector: manifestFile(files.projector, results.projector),
  };
  await writePairManifest(folder, manifest);
  progress.emit('projector', 'done', true);
  return { folder, modelPath: finalPath('model'), projectorPath: finalPath('projector'), manifest, alreadyInstalled: false };
}

/** One progress stream over both files, throttled while bytes flow. */
class PairProgress {
  private readonly done: Record<PairFileRole, number>;
  private readonly totals: Record<PairFileRole, number>;
  private readonly rate: TransferRate;
  private readonly now: () => number;
  private lastEmit = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly files: Record<PairFileRole, CatalogFile>,
    onDisk: Record<PairFileRole, number>,
    private readonly options: DownloadPairOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.rate = new TransferRate(this.now);
    this.done = { ...onDisk };
    this.totals = { model: Math.max(files.model.sizeBytes, onDisk.model), projector: Math.max(files.projector.sizeBytes, onDisk.projector) };
  }

  update(role: PairFileRole, bytes: number, total: number | undefined, received: number): void {
    this.done[role] = bytes;
    if (total !== undefined) this.totals[role] = total;
    this.rate.add(received);
    this.emit(role, 'downloading', received === 0);
  }

  fileDone(role: PairFileRole, size: number): void {
    this.done[role] = size;
    this.totals[role] = size;
    this.emit(role, 'downloading', true);
  }

  emit(role: PairFileRole, phase: PairDownloadProgress['phase'], force: boolean): void {
    const listener = this.options.onProgress;
    if (!listener) return;
    const time = this.now();
    if (!force && time - this.lastEmit < (this.options.progressIntervalMs ?? 250)) return;
    this.lastEmit = time;
    const bytesDone = this.done.model + this.done.projector;
    const bytesTotal = this.totals.model + this.totals.projector;
    const bytesPerSecond = this.rate.bytesPerSecond();
    listener({
      phase,
      file: role,
      fileName: this.files[role].file,
      bytesDone,
      bytesTotal,
      bytesPerSecond,
      secondsRemaining: bytesPerSecond > 0 ? Math.max(0, bytesTotal - bytesDone) / bytesPerSecond : undefined,
    });
  }
}

/** `${baseUrl}/${repo}/resolve/${revision}/${file}`, each part escaped. */
export function fileUrl(baseUrl: URL, repo: string, revision: string, file: string): URL {
  const base = baseUrl.href.replace(/\/+$/, '');
  const repoPath = repo.split('/').map(encodeURIComponent).join('/');
  return new URL(`${base}/${repoPath}/resolve/${encodeURIComponent(revision)}/${encodeURIComponent(file)}`);
}

/** What a wrong base URL tells the user to change. */
const baseUrlToChange = { optionsToChange: ['modelDownloadBaseUrl'] } as const;

export function normalizeBaseUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new GlimpseError('invalid-argument', `The model download base URL "${value}" is not a URL. Set it to e.g. ${defaultDownloadBaseUrl}.`, baseUrlToChange);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new GlimpseError('invalid-argument', `The model download base URL "${value}" must start with https:// (or http:// for a local mirror). Fix it, or clear it to download from Hugging Face.`, baseUrlToChange);
  }
  if (url.search || url.hash) {
    throw new GlimpseError('invalid-argument', `The model download base URL "${value}" must not have a query or fragment. Remove them from the address.`, baseUrlToChange);
  }
  return url;
}

function manifestFile(file: CatalogFile, result: { sizeBytes: number; sha256: string }): PairManifestFile {
  return { file: file.file, sizeBytes: result.sizeBytes, sha256: result.sha256, sha256Source: file.sha256 ? 'catalog' : 'computed' };
}

function remainingBytes(file: CatalogFile, onDisk: number): number {
  return Math.max(0, file.sizeBytes - onDisk);
}

function cancelledError(entry: CatalogEntry, folder: string, kept: number): GlimpseError {
  const keptText = kept > 0 ? ` The ${formatBytes(kept)} already downloaded are kept in ${folder}; downloading it again resumes from there.` : '';
  return new GlimpseError('cancelled', `Download of ${entry.displayName} stopped.${keptText}`);
}

async function exists(file: string): Promise<boolean> {
  return (await sizeOf(file, -1)) >= 0;
}

async function sizeOf(file: string, missing = 0): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return missing;
  }
}
