// "Get the Engine": for a Glimpse without an engine inside (a VSIX for no particular platform, or a
// platform whose engine was not built), downloads the llama.cpp release archive pinned for this
// platform in engines.json, with the model downloader's resume, retries, progress and SHA-256
// check (downloadFile.ts); unpacks it into `<destination>/<tag>-<target>/`, leaves out the CPU
// modules that crash (as the portable build does), verifies the server with --version and
// records it in engine-download.json, where locateServer finds it. An archive with no pinned
// SHA-256 is refused unless the caller says the user chose to run it unverified.

import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { GlimpseError } from '../errors';
import { formatBytes } from '../formatBytes';
import { downloadFile } from '../models/download/downloadFile';
import { TransferRate } from '../models/download/transferRate';
import { engineRecordName, type DownloadRecord } from './downloadedEngines';
import { serverName, verifyServer } from './locateServer';

export interface EngineRelease {
  /** The VS Code target it is for, e.g. "linux-x64". */
  readonly target: string;
  /** llama.cpp's release tag. */
  readonly tag: string;
  readonly url: string;
  /** Absent where nobody could hash the archive yet: then it runs only on the user's explicit choice. */
  readonly sha256?: string;
  readonly sizeBytes?: number;
}

export interface EngineManifest {
  readonly formatVersion: 1;
  readonly releases: readonly EngineRelease[];
}

export interface EngineDownloadProgress {
  readonly phase: 'checking' | 'downloading' | 'unpacking' | 'verifying';
  readonly bytesDone: number;
  readonly bytesTotal: number | undefined;
  readonly bytesPerSecond: number;
}

export interface EngineDownloadOptions {
  /** Folder that holds the downloaded engines (the extension passes its global storage). */
  readonly destinationDir: string;
  /** A mirror of github.com with the same paths (`<base>/ggml-org/llama.cpp/releases/download/…`). */
  readonly mirrorBaseUrl?: string;
  /** The user chose to run an archive that has no pinned SHA-256. */
  readonly allowUnverified?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: EngineDownloadProgress) => void;
  readonly retryDelaysMs?: readonly number[];
  readonly idleTimeoutMs?: number;
  readonly now?: () => number;
}

export interface DownloadedEngine {
  readonly folder: string;
  readonly serverPath: string;
  readonly version: string;
  readonly sha256: string;
  readonly verified: boolean;
}

const userAgent = 'glimpse-vscode (engine download)';
/** CPU modules left out of every engine, as scripts/build-engine.mjs does (ggml-org/llama.cpp#26954). */
const excludedCpuModule = /^(lib)?ggml-cpu-sapphirerapids\.(so|dll|dylib)$/;

export function parseEngineManifest(value: unknown): EngineManifest {
  const fail = (why: string): never => {
    throw new GlimpseError('catalog-invalid', `The engine list (engines.json) is invalid: ${why}. Reinstall Glimpse.`);
  };
  if (typeof value !== 'object' || value === null) fail('not an object');
  const { formatVersion, releases } = value as { formatVersion?: unknown; releases?: unknown };
  if (formatVersion !== 1) fail(`formatVersion ${String(formatVersion)} is not 1`);
  if (!Array.isArray(releases)) fail('no releases list');
  const checked = (releases as unknown[]).map((entry, index): EngineRelease => {
    const r = entry as Partial<Record<keyof EngineRelease, unknown>>;
    const where = `release ${index + 1}`;
    if (typeof r.target !== 'string' || !/^[a-z0-9]+-[a-z0-9]+$/.test(r.target)) fail(`${where} has no valid target`);
    if (typeof r.tag !== 'string' || r.tag === '') fail(`${where} has no tag`);
    if (typeof r.url !== 'string' || !/^https:\/\//.test(r.url)) fail(`${where} has no https URL`);
    if (r.sha256 !== undefined && (typeof r.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(r.sha256))) fail(`${where} has a malformed sha256`);
    if (r.sizeBytes !== undefined && (typeof r.sizeBytes !== 'number' || r.sizeBytes <= 0)) fail(`${where} has a bad size`);
    return {
      target: r.target as string, tag: r.tag as string, url: r.url as string,
      ...(r.sha256 ? { sha256: r.sha256 as string } : {}), ...(r.sizeBytes ? { sizeBytes: r.sizeBytes as number } : {}),
    };
  });
  return { formatVersion: 1, releases: checked };
}

export function releaseFor(manifest: EngineManifest, target: string): EngineRelease | undefined {
  return manifest.releases.find((release) => release.target === target);
}

/** The archive's URL, on the mirror when one is set (the path after github.com is kept). */
export function engineArchiveUrl(release: EngineRelease, mirrorBaseUrl?: string): URL {
  const original = new URL(release.url);
  if (!mirrorBaseUrl) return original;
  let mirror: URL;
  try {
    mirror = new URL(mirrorBaseUrl);
  } catch {
    throw new GlimpseError('invalid-argument', `The engine download mirror "${mirrorBaseUrl}" is not a URL. Fix it, or clear it to download from GitHub.`, { optionsToChange: ['engineDownloadBaseUrl'] });
  }
  if (mirror.protocol !== 'https:' && mirror.protocol !== 'http:') {
    throw new GlimpseError('invalid-argument', `The engine download mirror "${mirrorBaseUrl}" must be an http or https URL. Fix it, or clear it to download from GitHub.`, { optionsToChange: ['engineDownloadBaseUrl'] });
  }
  return new URL(`${mirror.pathname.replace(/\/$/, '')}${original.pathname}`, mirror);
}

export async function downloadEngine(release: EngineRelease, options: EngineDownloadOptions): Promise<DownloadedEngine> {
  if (!release.sha256 && !options.allowUnverified) {
    throw new GlimpseError(
      'engine-unverified',
      `No checksum is pinned for llama.cpp ${release.tag} for ${release.target}, so Glimpse cannot prove the archive is the one llama.cpp published. ` +
        'Download it only if you trust the source; or set the llama-server path to a llama-server you built or checked yourself.',
      { optionsToChange: ['serverPath'] },
    );
  }
  const name = `${release.tag}-${release.target}`;
  const folder = path.join(options.destinationDir, name);
  const archiveName = path.basename(new URL(release.url).pathname);
  const partialPath = path.join(options.destinationDir, `${archiveName}.partial`);
  await fs.mkdir(options.destinationDir, { recursive: true });

  const now = options.now ?? Date.now;
  const rate = new TransferRate(now);
  let total = release.sizeBytes;
  const emit = (phase: EngineDownloadProgress['phase'], bytesDone: number) =>
    options.onProgress?.({ phase, bytesDone, bytesTotal: total, bytesPerSecond: rate.bytesPerSecond() });
  const url = engineArchiveUrl(release, options.mirrorBaseUrl);
  const { sha256, sizeBytes } = await downloadFile(
    { url, partialPath, expectedSha256: release.sha256, label: `llama.cpp archive "${archiveName}"` },
    {
      signal: options.signal,
      retryDelaysMs: options.retryDelaysMs ?? [1000, 4000, 10000],
      idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
      maxRedirects: 5,
      userAgent,
      onResumeCheck: (bytes) => emit('checking', bytes),
      onProgress: (bytes, serverTotal, received) => {
        if (serverTotal !== undefined) total = serverTotal;
        rate.add(received);
        emit('downloading', bytes);
      },
    },
  );

  emit('unpacking', sizeBytes);
  const unpacking = `${folder}.unpacking`;
  await fs.rm(unpacking, { recursive: true, force: true });
  await fs.mkdir(unpacking, { recursive: true });
  try {
    await unpack(partialPath, unpacking);
  } catch (error) {
    await fs.rm(unpacking, { recursive: true, force: true });
    // A damaged archive is not resumed: the next try downloads it again.
    await fs.rm(partialPath, { force: true });
    throw new GlimpseError(
      'engine-archive-corrupt',
      `The llama.cpp archive ${archiveName} (${formatBytes(sizeBytes)}) could not be unpacked: it is damaged or incomplete. It was deleted; try again.`,
      error instanceof Error ? error.message : String(error),
    );
  }
  const server = await findFile(unpacking, serverName);
  if (!server) {
    await fs.rm(unpacking, { recursive: true, force: true });
    throw new GlimpseError('engine-archive-corrupt', `The llama.cpp archive ${archiveName} holds no ${serverName}. Check the engine list (engines.json) or the mirror.`);
  }
  for (const file of await fs.readdir(path.dirname(server))) {
    if (excludedCpuModule.test(file)) await fs.rm(path.join(path.dirname(server), file));
  }
  if (process.platform !== 'win32') await fs.chmod(server, 0o755);

  emit('verifying', sizeBytes);
  let version: string;
  try {
    ({ version } = await verifyServer(server));
  } catch (error) {
    await fs.rm(unpacking, { recursive: true, force: true });
    throw error;
  }
  await fs.rm(folder, { recursive: true, force: true });
  await fs.rename(unpacking, folder);
  const record: DownloadRecord = {
    formatVersion: 1, tag: release.tag, target: release.target, url: url.toString(), sha256, verified: Boolean(release.sha256),
    server: path.relative(unpacking, server),
  };
  await fs.writeFile(path.join(folder, engineRecordName), JSON.stringify(record, null, 2) + '\n');
  await fs.rm(partialPath, { force: true });
  return { folder, serverPath: path.join(folder, record.server), version, sha256, verified: record.verified };
}

/** Unpacks a .tar.gz (or, where tar is bsdtar, a .zip) with the system's tar. */
function unpack(archive: string, into: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('tar', ['-xf', archive, '-C', into], { timeout: 120_000 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`tar: ${stderr.trim() || error.message}`));
      else resolve();
    });
  });
}

/** The first file called `name` under `root`, breadth first (archives put it at the top or in build/bin/). */
async function findFile(root: string, name: string): Promise<string | undefined> {
  const folders = [root];
  while (folders.length > 0) {
    const folder = folders.shift()!;
    for (const entry of await fs.readdir(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isFile() && entry.name === name) return full;
      if (entry.isDirectory()) folders.push(full);
    }
  }
  return undefined;
}
