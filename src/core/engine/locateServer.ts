// Finds the llama-server binary and checks that it runs: an explicit path (setting or flag) first,
// then the engine bundled in a platform VSIX (<extension>/engine/), then one that "Get the Engine"
// downloaded, then the engine cache that `npm run build:engine` fills, then PATH. A binary that is found but does not run is refused with
// the reason, never silently skipped.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GlimpseError } from '../errors';
import { runtimeTarget } from '../runtimeTarget';
import { downloadedEngineServers } from './downloadedEngines';

export interface LocatedServer {
  readonly path: string;
  readonly source: 'explicit' | 'bundled' | 'downloaded' | 'cache' | 'path';
  /** What `llama-server --version` printed (first line), e.g. "version: 1 (de3ff81)". */
  readonly version: string;
  /** GPU or other accelerator devices the build can use (`--list-devices`); empty for a CPU-only build. */
  readonly accelerators: readonly string[];
  /**
   * The CPU kernels a portable build loaded for this CPU (the `libggml-cpu-<name>` module, e.g.
   * "zen4", "haswell", "x64"); undefined for a build with the CPU backend linked in.
   */
  readonly cpuVariant?: string;
}

/** Where to look besides the explicit path. */
export interface ServerSearch {
  /** The folder a platform VSIX carries the engine in (`<extension>/engine`). */
  readonly bundledDirectory?: string;
  /** Where "Get the Engine" unpacks its downloads (the extension's global storage). */
  readonly downloadedDirectory?: string;
  /** The engine cache (default: engineCacheRoot()). */
  readonly cacheRoot?: string;
}

export const serverName = process.platform === 'win32' ? 'llama-server.exe' : 'llama-server';

/** Same rule as scripts/build-engine.mjs: $GLIMPSE_ENGINE_CACHE, else $XDG_CACHE_HOME or ~/.cache, + glimpse/engine. */
export function engineCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GLIMPSE_ENGINE_CACHE) return env.GLIMPSE_ENGINE_CACHE;
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'glimpse', 'engine');
}

/** The platform a cached build is for (build-info.json's target); undefined for builds that predate the field. */
function cachedBuildTarget(dir: string): string | undefined {
  try {
    const target = (JSON.parse(fs.readFileSync(path.join(dir, 'build-info.json'), 'utf8')) as { target?: unknown }).target;
    return typeof target === 'string' ? target : undefined;
  } catch {
    return undefined;
  }
}

/** Complete builds in the cache (those with build-info.json) for this platform, newest first: cross builds for another are skipped. */
export function cachedServerBinaries(cacheRoot = engineCacheRoot(), here = runtimeTarget()): string[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(cacheRoot);
  } catch {
    return [];
  }
  return entries
    .map((entry) => path.join(cacheRoot, entry))
    .filter((dir) => fs.existsSync(path.join(dir, 'build-info.json')) && fs.existsSync(path.join(dir, 'bin', serverName)))
    .filter((dir) => (cachedBuildTarget(dir) ?? here) === here)
    .sort((a, b) => fs.statSync(path.join(b, 'build-info.json')).mtimeMs - fs.statSync(path.join(a, 'build-info.json')).mtimeMs)
    .map((dir) => path.join(dir, 'bin', serverName));
}

/** "bundled engine, CPU kernels zen4": where the binary came from and the kernels it loaded, for the log and doctor. */
export function describeEngineBuild(server: Pick<LocatedServer, 'source' | 'cpuVariant'>): string {
  const from = { explicit: 'your llama-server path', bundled: 'bundled engine', downloaded: 'downloaded engine', cache: 'engine cache', path: 'PATH' }[server.source];
  return server.cpuVariant ? `${from}, CPU kernels ${server.cpuVariant}` : from;
}

function onPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Environment for running a binary from an engine folder: its shared libraries sit beside it. */
export function serverEnvironment(binaryPath: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const dir = path.dirname(binaryPath);
  const key = process.platform === 'darwin' ? 'DYLD_LIBRARY_PATH' : process.platform === 'win32' ? 'PATH' : 'LD_LIBRARY_PATH';
  const existing = base[key];
  return { ...base, [key]: existing ? `${dir}${path.delimiter}${existing}` : dir };
}

interface VerifiedServer {
  readonly version: string;
  readonly accelerators: readonly string[];
  readonly cpuVariant?: string;
}

/** Verified binaries by path, size and mtime: a binary is run once per process, not per start. */
const verified = new Map<string, VerifiedServer>();

/**
 * Runs `<binary> --version` (refusing a binary that does not run) and `--verbose --list-devices`
 * (which accelerators this build can use, and which CPU kernels the backend loader picked: it
 * logs that line only when verbose).
 */
export async function verifyServer(binaryPath: string, timeoutMs = 15_000): Promise<VerifiedServer> {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(binaryPath);
  } catch {
    throw new GlimpseError(
      'engine-not-found',
      `llama-server is not at ${binaryPath}. Fix the llama-server path, or reinstall Glimpse (a source checkout rebuilds it with "npm run build:engine").`,
      { optionsToChange: ['serverPath'] },
    );
  }
  const key = `${binaryPath}\n${stat.size}\n${stat.mtimeMs}`;
  const known = verified.get(key);
  if (known) return known;
  const version = await runVersion(binaryPath, timeoutMs);
  const { accelerators, cpuVariant } = await listDevices(binaryPath, timeoutMs);
  const result: VerifiedServer = cpuVariant ? { version, accelerators, cpuVariant } : { version, accelerators };
  verified.set(key, result);
  return result;
}

/** Device lines under "Available devices:", e.g. "CUDA0: NVIDIA H100 (81000 MiB, …)"; "(none)" means CPU only. */
export function parseDeviceList(output: string): string[] {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => /Available devices:/.test(line));
  if (start === -1) return [];
  const devices: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!/^\s+\S/.test(line)) break;
    const device = line.trim();
    if (device !== '(none)') devices.push(device);
  }
  return devices;
}

/**
 * `--verbose --list-devices`, again when the build has CPU kernel modules but the loader's line is
 * missing: llama.cpp logs it from a background thread, and about 1 run in 100 exits before it is
 * written (measured: 2 of 200 here).
 */
async function listDevices(binaryPath: string, timeoutMs: number): Promise<{ accelerators: string[]; cpuVariant?: string }> {
  const hasCpuModules = (() => {
    try {
      return fs.readdirSync(path.dirname(binaryPath)).some((name) => /^(lib)?ggml-cpu-.+\.(so|dll|dylib)$/.test(name));
    } catch {
      return false;
    }
  })();
  let result = await listDevicesOnce(binaryPath, timeoutMs);
  for (let attempt = 1; attempt < 5 && hasCpuModules && !result.cpuVariant; attempt++) result = await listDevicesOnce(binaryPath, timeoutMs);
  return result;
}

function listDevicesOnce(binaryPath: string, timeoutMs: number): Promise<{ accelerators: string[]; cpuVariant?: string }> {
  return new Promise((resolve) => {
    execFile(binaryPath, ['--verbose', '--list-devices'], { env: serverEnvironment(binaryPath), timeout: timeoutMs, encoding: 'utf8' }, (_error, stdout, stderr) => {
      const output = `${stdout}\n${stderr}`;
      resolve({ accelerators: parseDeviceList(output), cpuVariant: parseCpuVariant(output) });
    });
  });
}

/**
 * The CPU module a build with loadable backends picked, from the loader's line
 * "load_backend: loaded CPU backend from /…/libggml-cpu-zen4.so" ("x64" is the baseline).
 */
export function parseCpuVariant(output: string): string | undefined {
  return /loaded CPU backend from \S*?(?:lib)?ggml-cpu-([A-Za-z0-9_]+)\.(?:so|dll|dylib)\b/.exec(output)?.[1];
}

function runVersion(binaryPath: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binaryPath, ['--version'], { env: serverEnvironment(binaryPath), timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      const output = `${stdout}\n${stderr}`.trim();
      const versionLine = output.split('\n').find((line) => /version/i.test(line));
      if (error || !versionLine) {
        const reason = error ? ((error as NodeJS.ErrnoException).code === 'EACCES' ? 'it is not executable' : error.message) : 'it did not print a version';
        reject(new GlimpseError(
          'engine-unusable',
          `${binaryPath} is not a working llama-server: ${reason}. Point the llama-server path at a working llama-server, or reinstall Glimpse (a source checkout rebuilds it with "npm run build:engine -- --force").`,
          { detail: output.split('\n').slice(-15).join('\n'), optionsToChange: ['serverPath'] },
        ));
        return;
      }
      resolve(versionLine.trim());
    });
  });
}

/** The bundled engine's binary, made executable again if unpacking the VSIX lost its mode bits. */
function bundledServer(directory: string | undefined): string | undefined {
  if (!directory) return undefined;
  const binary = path.join(directory, serverName);
  if (!fs.existsSync(binary)) return undefined;
  if (process.platform !== 'win32') {
    try {
      fs.accessSync(binary, fs.constants.X_OK);
    } catch {
      try {
        fs.chmodSync(binary, 0o755);
      } catch {
        // verifyServer says it is not executable.
      }
    }
  }
  return binary;
}

export async function locateServer(explicitPath?: string, search: ServerSearch = {}): Promise<LocatedServer> {
  const cacheRoot = search.cacheRoot ?? engineCacheRoot();
  if (explicitPath) {
    const resolved = path.resolve(explicitPath);
    if (!fs.existsSync(resolved)) {
      throw new GlimpseError(
        'engine-not-found',
        `The llama-server path you set does not exist: ${resolved}. Fix it, or clear it to use the engine that comes with Glimpse.`,
        { optionsToChange: ['serverPath'] },
      );
    }
    return { path: resolved, source: 'explicit', ...(await verifyServer(resolved)) };
  }
  const bundled = bundledServer(search.bundledDirectory);
  if (bundled) return { path: bundled, source: 'bundled', ...(await verifyServer(bundled)) };
  const downloaded = search.downloadedDirectory ? (await downloadedEngineServers(search.downloadedDirectory))[0] : undefined;
  if (downloaded) return { path: downloaded, source: 'downloaded', ...(await verifyServer(downloaded)) };
  const cached = cachedServerBinaries(cacheRoot)[0];
  if (cached) return { path: cached, source: 'cache', ...(await verifyServer(cached)) };
  const fromPath = onPath(serverName);
  if (fromPath) return { path: fromPath, source: 'path', ...(await verifyServer(fromPath)) };
  const places = [
    'your own llama-server path (none is set)',
    ...(search.bundledDirectory ? [`this install's engine folder (${search.bundledDirectory})`] : []),
    ...(search.downloadedDirectory ? [`downloaded engines (${search.downloadedDirectory})`] : []),
    `the engine cache (${cacheRoot})`,
    'PATH',
  ];
  throw new GlimpseError(
    'engine-not-found',
    `llama-server was not found (looked in ${places.join(', ')}). ` +
      `${search.downloadedDirectory ? 'Choose "Get the Engine" to download llama.cpp for this machine, install' : 'Install'} the Glimpse build for ${runtimeTarget()}, which carries the engine, or set the llama-server path to a llama-server you have ` +
      '(llama.cpp\'s release archives hold one). In a Glimpse source checkout, "npm run build:engine" builds it.',
    { optionsToChange: ['serverPath'] },
  );
}
