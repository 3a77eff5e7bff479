#!/usr/bin/env node
// `npm run package -- --target <vscode-target>`: a platform VSIX, dist/glimpse-<target>-<version>.vsix.
//
//   node scripts/package.mjs [--target linux-x64] [--engine <folder> | --no-engine]
//
// It holds the bundled extension, the media, sharp with that target's prebuilt binaries (the
// @img/sharp-* packages, fetched from the npm registry with `npm pack`), and, where one was built,
// that target's llama-server with the libraries it loads in engine/ (not llama-mtmd-cli). The engine
// comes from --engine, or for this machine's own target from the portable build in the engine cache
// (`npm run build:engine`). platform.json records the target and whether the engine is in.
// The VSIX is assembled in dist/package/<target>/ so the checkout's node_modules stay as they are.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};

/** VS Code targets → the sharp packages that carry their binaries (see sharp's optionalDependencies). */
const sharpPackages = {
  'linux-x64': ['sharp-linux-x64', 'sharp-libvips-linux-x64'],
  'linux-arm64': ['sharp-linux-arm64', 'sharp-libvips-linux-arm64'],
  'linux-armhf': ['sharp-linux-arm', 'sharp-libvips-linux-arm'],
  'alpine-x64': ['sharp-linuxmusl-x64', 'sharp-libvips-linuxmusl-x64'],
  'alpine-arm64': ['sharp-linuxmusl-arm64', 'sharp-libvips-linuxmusl-arm64'],
  'darwin-x64': ['sharp-darwin-x64', 'sharp-libvips-darwin-x64'],
  'darwin-arm64': ['sharp-darwin-arm64', 'sharp-libvips-darwin-arm64'],
  'win32-x64': ['sharp-win32-x64'],
  'win32-arm64': ['sharp-win32-arm64'],
};

/** Files of the repository the installed extension needs (besides node_modules and the engine). */
const files = [
  'README.md', 'CHANGELOG.md', 'LICENSE',
  'dist/extension.js', 'dist/ggufWorker.js',
  'media/chat.js', 'media/chat.css', 'media/preview.js', 'media/preview.css',
  'media/vendor/tailwind-browser.js', 'media/vendor/tailwind-browser.LICENSE',
  'media/glimpse.svg', 'media/icon.png', 'media/sample/mockup.png',
  'models/catalog.json', 'engines.json',
  'package.nls.json', 'l10n/bundle.l10n.json',
];
const folders = ['media/walkthrough', 'docs'];
/** Pure-JS runtime packages sharp needs, copied from the checkout's node_modules. */
const runtimePackages = ['sharp', 'detect-libc', 'semver', '@img/colour'];

function hostTarget() {
  const arch = process.arch === 'arm' ? 'armhf' : process.arch;
  if (process.platform === 'linux' && isMusl()) return `alpine-${arch}`;
  return `${process.platform}-${arch}`;
}

function isMusl() {
  const report = process.report?.getReport?.();
  return report ? !report.header?.glibcVersionRuntime : false;
}

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

function run(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', ...options });
  if (result.status !== 0) fail(`${command} ${commandArgs.join(' ')} failed (${result.status ?? result.signal}).`);
}

function copy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, to, { recursive: true, dereference: true });
}

const megabytes = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

function folderBytes(folder) {
  let total = 0;
  for (const entry of fs.readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath ?? entry.path, entry.name)).size;
  }
  return total;
}

/** Unpacks `@img/<name>@<version>` from the registry into `<stage>/node_modules/@img/<name>`. */
function fetchSharpPackage(stage, name, version) {
  const packs = fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-pack-'));
  try {
    const output = execFileSync('npm', ['pack', `@img/${name}@${version}`, '--pack-destination', packs, '--silent'], { encoding: 'utf8' });
    const tarball = path.join(packs, output.trim().split('\n').pop());
    const target = path.join(stage, 'node_modules', '@img', name);
    fs.mkdirSync(target, { recursive: true });
    run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
  } finally {
    fs.rmSync(packs, { recursive: true, force: true });
  }
}

/** Targets build-engine.mjs can cross-build from linux-x64 (its --cross triples). */
const crossTriples = { 'linux-arm64': 'aarch64-linux-gnu' };

/** The portable engine build in the cache for `forTarget` (scripts/build-engine.mjs --print-dir), if complete. */
function cachedPortableEngine(forTarget) {
  const crossArgs = forTarget === hostTarget() ? [] : crossTriples[forTarget] && hostTarget() === 'linux-x64' ? ['--cross', crossTriples[forTarget]] : undefined;
  if (!crossArgs) return undefined;
  const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-engine.mjs'), '--variant', 'portable', ...crossArgs, '--print-dir'], { encoding: 'utf8' });
  return result.status === 0 ? path.join(result.stdout.trim(), 'bin') : undefined;
}

/** The ELF SONAME of a shared library (what the binaries ask the loader for), or undefined. */
function soname(file) {
  const result = spawnSync('readelf', ['-d', file], { encoding: 'utf8' });
  return /Library soname: \[([^\]]+)\]/.exec(result.stdout ?? '')?.[1];
}

/**
 * Copies llama-server and the libraries beside it into `<stage>/engine`. On Linux each library goes
 * in once, under the name the loader asks for (its SONAME; the CPU modules under their own name),
 * so the VSIX holds no copies of libllama.so → libllama.so.0 symlinks.
 */
function copyEngine(engineDir, stage) {
  const serverName = process.platform === 'win32' || target.startsWith('win32') ? 'llama-server.exe' : 'llama-server';
  const server = path.join(engineDir, serverName);
  if (!fs.existsSync(server)) fail(`There is no ${serverName} in ${engineDir}.`);
  const out = path.join(stage, 'engine');
  fs.mkdirSync(out, { recursive: true });
  fs.copyFileSync(server, path.join(out, serverName));
  fs.chmodSync(path.join(out, serverName), 0o755);
  const names = new Set();
  for (const name of fs.readdirSync(engineDir)) {
    if (!/\.so(\.|$)|\.dylib$|\.dll$/.test(name)) continue;
    const file = path.join(engineDir, name);
    if (fs.lstatSync(file).isSymbolicLink() && target.startsWith('linux')) continue;
    const keptName = target.startsWith('linux') || target.startsWith('alpine') ? soname(file) ?? name : name;
    if (names.has(keptName)) continue;
    names.add(keptName);
    fs.copyFileSync(fs.realpathSync(file), path.join(out, keptName));
  }
  const info = path.join(path.dirname(engineDir), 'build-info.json');
  if (fs.existsSync(info)) fs.copyFileSync(info, path.join(out, 'build-info.json'));
  return out;
}

/** package.json for the VSIX: the manifest without what only the checkout uses. */
function stagedManifest() {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  delete manifest.devDependencies;
  delete manifest.scripts;
  delete manifest.config;
  delete manifest.bin;
  return manifest;
}

const target = option('--target') ?? hostTarget();
if (!sharpPackages[target]) fail(`Unknown target "${target}". Targets: ${Object.keys(sharpPackages).join(', ')}.`);
const withoutEngine = args.includes('--no-engine');
let engineDir = option('--engine');
if (!engineDir && !withoutEngine) {
  engineDir = cachedPortableEngine(target);
  if (!engineDir && target === hostTarget()) fail(`No portable engine is built for ${target}. Run "npm run build:engine" first (about 10 minutes on 2 cores), or pass --no-engine.`);
}
if (engineDir) engineDir = path.resolve(engineDir);

run(process.execPath, [path.join(root, 'esbuild.mjs'), '--production'], { cwd: root });

const manifest = stagedManifest();
const stage = path.join(root, 'dist', 'package', target);
fs.rmSync(stage, { recursive: true, force: true });
fs.mkdirSync(stage, { recursive: true });
fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
for (const file of files) copy(path.join(root, file), path.join(stage, file));
for (const folder of folders) copy(path.join(root, folder), path.join(stage, folder));
for (const name of runtimePackages) copy(path.join(root, 'node_modules', name), path.join(stage, 'node_modules', name));
// sharp's C++ sources are for building it from source, which an installed extension never does.
fs.rmSync(path.join(stage, 'node_modules', 'sharp', 'src'), { recursive: true, force: true });
const sharpManifest = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'sharp', 'package.json'), 'utf8'));
for (const name of sharpPackages[target]) {
  const version = sharpManifest.optionalDependencies[`@img/${name}`];
  if (!version) fail(`sharp ${sharpManifest.version} lists no @img/${name}.`);
  fetchSharpPackage(stage, name, version);
}
const engineOut = engineDir ? copyEngine(engineDir, stage) : undefined;
fs.writeFileSync(path.join(stage, 'platform.json'), JSON.stringify({ target, engine: Boolean(engineOut) }, null, 2) + '\n');
fs.writeFileSync(path.join(stage, '.vscodeignore'), ['**/*.map', '**/*.d.ts', 'node_modules/**/README.md', 'node_modules/.package-lock.json', ''].join('\n'));

const vsix = path.resolve(option('--out') ?? path.join(root, 'dist', `glimpse-${target}-${manifest.version}.vsix`));
fs.mkdirSync(path.dirname(vsix), { recursive: true });
run(process.execPath, [path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--target', target, '--out', vsix], { cwd: stage });

const sizes = [
  `engine ${engineOut ? megabytes(folderBytes(engineOut)) : 'none'}`,
  `sharp ${megabytes(folderBytes(path.join(stage, 'node_modules')))}`,
].join(', ');
console.log(`\n${path.relative(root, vsix)}: ${megabytes(fs.statSync(vsix).size)} (unpacked: ${sizes})${engineOut ? '' : '. No engine inside: the user sets glimpse.serverPath.'}`);
