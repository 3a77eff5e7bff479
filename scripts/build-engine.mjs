#!/usr/bin/env node
// Builds llama.cpp's llama-server and llama-mtmd-cli natively from the llama.cpp source that the
// pinned node-llama-cpp package ships (llama/gitRelease.bundle), into a cache outside the repo
// keyed by the bundle's commit. Reuses the cache when it is complete. Prints the folder.
//
//   node scripts/build-engine.mjs [--jobs N] [--print-dir] [--force]
//
// Cache root: $GLIMPSE_ENGINE_CACHE, else $XDG_CACHE_HOME/glimpse/engine, else ~/.cache/glimpse/engine.
// Layout: <root>/<commit12>-<variant>/bin/{llama-server,llama-mtmd-cli,lib*.so} + build-info.json.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const printOnly = args.includes('--print-dir');
const force = args.includes('--force');
const jobsArg = args.indexOf('--jobs');
const jobs = jobsArg >= 0 ? Number(args[jobsArg + 1]) : Math.max(1, os.availableParallelism());
const variant = process.env.GLIMPSE_ENGINE_VARIANT ?? 'cpu-native';
const targets = ['llama-server', 'llama-mtmd-cli'];

function cacheRoot() {
  if (process.env.GLIMPSE_ENGINE_CACHE) return process.env.GLIMPSE_ENGINE_CACHE;
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(xdg, 'glimpse', 'engine');
}

function findBundle() {
  const dir = path.join(repoRoot, 'node_modules', 'node-llama-cpp', 'llama');
  const bundle = path.join(dir, 'gitRelease.bundle');
  if (!fs.existsSync(bundle)) {
    fail(`The llama.cpp source bundle is missing (${bundle}). Run "npm ci" first.`);
  }
  return { bundle, info: JSON.parse(fs.readFileSync(path.join(dir, 'llama.cpp.info.json'), 'utf8')) };
}

function bundleCommit(bundle) {
  // `git bundle list-heads` prints "<sha> <ref>" lines without unpacking anything.
  const out = execFileSync('git', ['bundle', 'list-heads', bundle], { encoding: 'utf8' });
  const sha = out.trim().split(/\s+/)[0];
  if (!/^[0-9a-f]{40}$/.test(sha)) fail(`Could not read the commit of ${bundle}.`);
  return sha;
}

function fail(message) {
  console.error(`build-engine: ${message}`);
  process.exit(1);
}

function run(cmd, cmdArgs, cwd) {
  console.log(`$ ${cmd} ${cmdArgs.join(' ')}`);
  const r = spawnSync(cmd, cmdArgs, { cwd, stdio: 'inherit' });
  if (r.status !== 0) fail(`${cmd} failed with exit code ${r.status ?? r.signal}.`);
}

function requireTool(tool, hint) {
  const r = spawnSync(tool, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) fail(`${tool} is not installed. ${hint}`);
}

const { bundle, info } = findBundle();
const commit = bundleCommit(bundle);
const outDir = path.join(cacheRoot(), `${commit.slice(0, 12)}-${variant}`);
const binDir = path.join(outDir, 'bin');
const marker = path.join(outDir, 'build-info.json');

if (printOnly) {
  console.log(outDir);
  process.exit(fs.existsSync(marker) ? 0 : 3);
}
if (fs.existsSync(marker) && !force) {
  console.log(`Engine already built for llama.cpp ${info.tag} (${commit.slice(0, 12)}): ${binDir}`);
  process.exit(0);
}

requireTool('cmake', 'Install it (Debian: apt-get install -y cmake).');
requireTool('g++', 'Install it (Debian: apt-get install -y g++).');
requireTool('git', 'Install it (Debian: apt-get install -y git).');

const work = fs.mkdtempSync(path.join(cacheRoot().replace(/\/$/, '') + '-work-'));
try {
  const src = path.join(work, 'llama.cpp');
  const build = path.join(work, 'build');
  run('git', ['-c', 'advice.detachedHead=false', 'clone', '--quiet', bundle, src]);
  const cmakeFlags = [
    '-S', src, '-B', build,
    '-DCMAKE_BUILD_TYPE=Release',
    '-DGGML_NATIVE=ON',
    '-DLLAMA_CURL=OFF',
    '-DLLAMA_BUILD_TESTS=OFF',
    '-DLLAMA_BUILD_EXAMPLES=OFF',
    '-DCMAKE_BUILD_RPATH_USE_ORIGIN=ON',
    ...(process.env.GLIMPSE_ENGINE_CMAKE_FLAGS ?? '').split(/\s+/).filter(Boolean),
  ];
  const started = Date.now();
  run('cmake', cmakeFlags);
  run('cmake', ['--build', build, '--config', 'Release', '-j', String(jobs), '--target', ...targets]);
  const built = path.join(build, 'bin');
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(binDir, { recursive: true });
  for (const name of fs.readdirSync(built)) {
    if (!targets.includes(name) && !/\.so(\.|$)|\.dylib$|\.dll$/.test(name)) continue;
    const from = path.join(built, name);
    const to = path.join(binDir, name);
    // Keep library version symlinks (libllama.so -> libllama.so.0 -> …) as links, not copies.
    if (fs.lstatSync(from).isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
    else if (fs.statSync(from).isFile()) fs.copyFileSync(from, to);
  }
  for (const t of targets) {
    if (!fs.existsSync(path.join(binDir, t))) fail(`The build finished but ${t} is missing in ${built}.`);
    fs.chmodSync(path.join(binDir, t), 0o755);
  }
  const version = spawnSync(path.join(binDir, 'llama-server'), ['--version'], { encoding: 'utf8' });
  fs.writeFileSync(marker, JSON.stringify({
    tag: info.tag, commit, variant, cmakeFlags: cmakeFlags.slice(4),
    builtAt: new Date().toISOString(), seconds: Math.round((Date.now() - started) / 1000),
    version: (version.stdout + version.stderr).trim(),
  }, null, 2));
  console.log(`Engine built in ${Math.round((Date.now() - started) / 60000)} min: ${binDir}`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
