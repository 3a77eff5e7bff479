#!/usr/bin/env node
// Builds llama.cpp's llama-server and llama-mtmd-cli from the llama.cpp source that the pinned
// node-llama-cpp package ships (llama/gitRelease.bundle), into a cache outside the repo keyed by the
// bundle's commit and the variant. Reuses the cache when it is complete. Prints the folder.
//
//   node scripts/build-engine.mjs [--variant portable|native] [--cross aarch64-linux-gnu] [--jobs N] [--print-dir] [--force]
//
// --cross builds for another Linux architecture with Debian's cross compiler (apt-get install
// g++-aarch64-linux-gnu): the cache folder gets the platform in its name, the runtimes come from the
// cross sysroot, and the version check runs under qemu-aarch64 when it is installed.
//
// Variants (GLIMPSE_ENGINE_VARIANT also chooses one):
// - portable (default): built the way llama.cpp's own Linux releases are: GGML_NATIVE off, the CPU
//   backend as loadable modules for every x86-64 level (GGML_BACKEND_DL + GGML_CPU_ALL_VARIANTS; the
//   best one for the CPU is picked at run time), an $ORIGIN rpath, stripped, and the C++/OpenMP
//   runtimes copied beside it. This is what a VSIX ships and what the tests run.
// - native: -march=native for this very CPU, for developers who want to compare (docs/engine-builds.md).
// - any other name (vulkan, cuda…): the portable build plus GLIMPSE_ENGINE_CMAKE_FLAGS, cached under
//   that name, so a GPU backend module sits beside the CPU ones as in llama.cpp's releases.
//
// Cache root: $GLIMPSE_ENGINE_CACHE, else $XDG_CACHE_HOME/glimpse/engine, else ~/.cache/glimpse/engine.
// Layout: <root>/<commit12>-<variant>/bin/{llama-server,llama-mtmd-cli,lib*.so*} + build-info.json.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const printOnly = args.includes('--print-dir');
const force = args.includes('--force');
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const jobs = Number(option('--jobs') ?? Math.max(1, os.availableParallelism()));
const variant = option('--variant') ?? process.env.GLIMPSE_ENGINE_VARIANT ?? 'portable';
const targets = ['llama-server', 'llama-mtmd-cli'];
/** Cross compilers this script knows: GNU triple → the VS Code target and CMake's processor name. */
const crossTargets = { 'aarch64-linux-gnu': { target: 'linux-arm64', processor: 'aarch64', arch: 'arm64', qemu: 'qemu-aarch64' } };
const cross = option('--cross');
if (cross && !crossTargets[cross]) fail(`Unknown cross target "${cross}": use ${Object.keys(crossTargets).join(', ')}.`);
if (cross && process.platform !== 'linux') fail('--cross works on Linux only.');
const crossTarget = cross ? crossTargets[cross] : undefined;
/**
 * The cross compiler: clang (16 or newer) targeting the triple, with the GNU cross toolchain's
 * libraries and linker, where it is installed. Debian 12's aarch64 GCC 12 does not know
 * -march=armv9.2-a, which llama.cpp's SME kernel modules need.
 */
const crossClang = cross ? ['clang-19', 'clang-18', 'clang-17', 'clang-16'].find((cc) => spawnSync(cc, ['--version']).status === 0) : undefined;
const crossCompilers = crossClang
  ? [`-DCMAKE_C_COMPILER=${crossClang}`, `-DCMAKE_CXX_COMPILER=${crossClang.replace('clang', 'clang++')}`, `-DCMAKE_C_COMPILER_TARGET=${cross}`, `-DCMAKE_CXX_COMPILER_TARGET=${cross}`]
  : [`-DCMAKE_C_COMPILER=${cross}-gcc`, `-DCMAKE_CXX_COMPILER=${cross}-g++`];
const crossFlags = crossTarget ? [
  '-DCMAKE_SYSTEM_NAME=Linux', `-DCMAKE_SYSTEM_PROCESSOR=${crossTarget.processor}`,
  ...crossCompilers, `-DCMAKE_FIND_ROOT_PATH=/usr/${cross}`,
  '-DCMAKE_FIND_ROOT_PATH_MODE_PROGRAM=NEVER', '-DCMAKE_FIND_ROOT_PATH_MODE_LIBRARY=ONLY', '-DCMAKE_FIND_ROOT_PATH_MODE_INCLUDE=ONLY',
] : [];

const commonFlags = [
  '-DCMAKE_BUILD_TYPE=Release',
  '-DLLAMA_CURL=OFF',
  // The engine only ever listens on 127.0.0.1: no HTTPS, so no libssl to match on the user's system.
  '-DLLAMA_OPENSSL=OFF',
  '-DLLAMA_BUILD_TESTS=OFF',
  '-DLLAMA_BUILD_EXAMPLES=OFF',
  '-DLLAMA_BUILD_TOOLS=ON',
  '-DLLAMA_BUILD_SERVER=ON',
];
/**
 * The portable build per platform, as llama.cpp's release workflow makes it: on Linux and Windows
 * x64 the CPU backend as loadable modules for every CPU level; on macOS one library set found
 * through @loader_path, with Metal (embedded shaders) on Apple silicon and without it on Intel.
 */
function portableFlags(src, platform = process.platform, arch = process.arch) {
  const dynamicCpu = ['-DGGML_BACKEND_DL=ON', '-DGGML_CPU_ALL_VARIANTS=ON'];
  if (platform === 'darwin') {
    return [
      '-DGGML_NATIVE=OFF', '-DCMAKE_INSTALL_RPATH=@loader_path', '-DCMAKE_BUILD_WITH_INSTALL_RPATH=ON',
      ...(arch === 'arm64' ? ['-DGGML_METAL_USE_BF16=ON', '-DGGML_METAL_EMBED_LIBRARY=ON'] : ['-DGGML_METAL=OFF']),
    ];
  }
  if (platform === 'win32') {
    // clang-cl through llama.cpp's own toolchain file (MSVC cannot build every CPU level); run from
    // a Visual Studio developer prompt with Ninja on PATH.
    return [
      '-G', 'Ninja Multi-Config', `-DCMAKE_TOOLCHAIN_FILE=${path.join(src, 'cmake', `${arch}-windows-llvm.cmake`)}`,
      '-DGGML_NATIVE=OFF', '-DGGML_OPENMP=ON', ...(arch === 'x64' ? dynamicCpu : ['-DGGML_BACKEND_DL=ON']),
    ];
  }
  return ['-DGGML_NATIVE=OFF', ...dynamicCpu, '-DCMAKE_INSTALL_RPATH=$ORIGIN', '-DCMAKE_BUILD_WITH_INSTALL_RPATH=ON'];
}
/**
 * llama.cpp's AMX kernels (v0.5.0) crash with SIGILL at their first tile instruction on Xeons whose
 * kernel gates AMX per thread (XFD): seen here on a Sapphire Rapids VM, and upstream in
 * ggml-org/llama.cpp#26954 (open). So the portable build leaves out its one AMX module: those CPUs
 * load the next best, `zen4` (AVX-512 with VBMI, VNNI and BF16, the same minus AMX), and the
 * native build is compiled without AMX.
 */
const excludedCpuVariants = { sapphirerapids: 'AMX kernels crash on CPUs that gate AMX per thread (ggml-org/llama.cpp#26954)' };
const noAmx = '-mno-amx-tile -mno-amx-int8 -mno-amx-bf16';
const variantFlags = {
  portable: (src) => [...portableFlags(src, process.platform, crossTarget?.arch ?? process.arch), ...crossFlags],
  native: () => ['-DGGML_NATIVE=ON', '-DCMAKE_BUILD_RPATH_USE_ORIGIN=ON', ...(process.arch === 'x64' && process.platform !== 'win32' ? [`-DCMAKE_C_FLAGS=${noAmx}`, `-DCMAKE_CXX_FLAGS=${noAmx}`] : [])],
};

/** Removes the excluded CPU modules from a build folder (also from a build cached before the rule); returns the build-info fields. */
function dropExcludedCpuVariants(binDir) {
  const dropped = [];
  for (const name of fs.readdirSync(binDir)) {
    const cpu = /^(?:lib)?ggml-cpu-(.+)\.(so|dylib|dll)$/.exec(name)?.[1];
    if (cpu && excludedCpuVariants[cpu]) {
      fs.rmSync(path.join(binDir, name));
      dropped.push(cpu);
    }
  }
  return dropped;
}

function cpuVariantsIn(binDir) {
  return fs.readdirSync(binDir)
    .map((name) => /^(?:lib)?ggml-cpu-(.+)\.(so|dylib|dll)$/.exec(name)?.[1])
    .filter(Boolean)
    .sort();
}
if (!/^[a-z0-9][a-z0-9-]*$/.test(variant)) fail(`The variant "${variant}" is not a folder name: use letters, digits and dashes (portable, native, vulkan…).`);
/** Any other name (vulkan, cuda…) is the portable build plus GLIMPSE_ENGINE_CMAKE_FLAGS, under that name. */
const baseFlags = variant === 'native' ? variantFlags.native : variantFlags.portable;
const portableLayout = variant !== 'native';

function cacheRoot() {
  if (process.env.GLIMPSE_ENGINE_CACHE) return process.env.GLIMPSE_ENGINE_CACHE;
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(xdg, 'glimpse', 'engine');
}

function findBundle() {
  const dir = path.join(repoRoot, 'node_modules', 'node-llama-cpp', 'llama');
  const bundle = path.join(dir, 'gitRelease.bundle');
  if (!fs.existsSync(bundle)) {
    fail(`The llama.cpp source bundle is missing (${bundle}). Run "npm install" first.`);
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

const isLibrary = (name) => /\.so(\.|$)|\.dylib$|\.dll$/.test(name);
const programName = (name) => name.replace(/\.exe$/, '');
const exe = process.platform === 'win32' ? '.exe' : '';

/** Copies the built programs and libraries, keeping version symlinks (libllama.so -> libllama.so.0) as links. */
function collect(built, binDir) {
  for (const name of fs.readdirSync(built)) {
    if (!targets.includes(programName(name)) && !isLibrary(name)) continue;
    const from = path.join(built, name);
    const to = path.join(binDir, name);
    if (fs.lstatSync(from).isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
    else if (fs.statSync(from).isFile()) fs.copyFileSync(from, to);
  }
  for (const t of targets) {
    if (!fs.existsSync(path.join(binDir, t + exe))) fail(`The build finished but ${t + exe} is missing in ${built}.`);
    fs.chmodSync(path.join(binDir, t + exe), 0o755);
  }
}

/**
 * The compiler's own runtimes that the build links (libstdc++, libgomp): a user's Linux may have
 * older ones or none. Copied beside the binaries, where the $ORIGIN rpath finds them first.
 */
function copyCompilerRuntimes(binDir) {
  if (cross) return copyCrossRuntimes(binDir);
  const wanted = /^(libstdc\+\+\.so\.6|libgomp\.so\.1|libgcc_s\.so\.1)$/;
  const copied = new Set();
  for (const name of fs.readdirSync(binDir)) {
    const file = path.join(binDir, name);
    if (fs.lstatSync(file).isSymbolicLink()) continue;
    const ldd = spawnSync('ldd', [file], { encoding: 'utf8' });
    for (const line of (ldd.stdout ?? '').split('\n')) {
      const match = /^\s*(\S+)\s+=>\s+(\/\S+)/.exec(line);
      if (!match || !wanted.test(match[1]) || copied.has(match[1])) continue;
      if (fs.existsSync(path.join(binDir, match[1]))) continue;
      fs.copyFileSync(fs.realpathSync(match[2]), path.join(binDir, match[1]));
      copied.add(match[1]);
    }
  }
  return [...copied].sort();
}

/** A cross build's runtimes: ldd cannot read foreign binaries, so take them from the cross sysroot. */
function copyCrossRuntimes(binDir) {
  const needed = new Set();
  for (const name of fs.readdirSync(binDir)) {
    const file = path.join(binDir, name);
    if (fs.lstatSync(file).isSymbolicLink()) continue;
    const dynamic = spawnSync('readelf', ['-d', file], { encoding: 'utf8' }).stdout ?? '';
    for (const match of dynamic.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)) needed.add(match[1]);
  }
  const copied = [];
  for (const name of ['libstdc++.so.6', 'libgomp.so.1', 'libgcc_s.so.1']) {
    const from = path.join('/usr', cross, 'lib', name);
    if (!needed.has(name) || !fs.existsSync(from)) continue;
    fs.copyFileSync(fs.realpathSync(from), path.join(binDir, name));
    copied.push(name);
  }
  return copied;
}

function strip(binDir) {
  const tool = cross ? `${cross}-strip` : 'strip';
  if (spawnSync(tool, ['--version']).status !== 0) return false;
  for (const name of fs.readdirSync(binDir)) {
    const file = path.join(binDir, name);
    if (fs.lstatSync(file).isSymbolicLink()) continue;
    spawnSync(tool, ['--strip-unneeded', file]);
  }
  return true;
}

const { bundle, info } = findBundle();
const commit = bundleCommit(bundle);
const outDir = path.join(cacheRoot(), `${commit.slice(0, 12)}-${variant}${crossTarget ? `-${crossTarget.target}` : ''}`);
const binDir = path.join(outDir, 'bin');
const marker = path.join(outDir, 'build-info.json');

if (printOnly) {
  console.log(outDir);
  process.exit(fs.existsSync(marker) ? 0 : 3);
}
if (fs.existsSync(marker) && !force) {
  if (dropExcludedCpuVariants(binDir).length > 0) {
    const built = JSON.parse(fs.readFileSync(marker, 'utf8'));
    fs.writeFileSync(marker, JSON.stringify({ ...built, cpuVariants: cpuVariantsIn(binDir), excludedCpuVariants }, null, 2));
    console.log(`Engine (${variant}): left out the CPU modules ${Object.keys(excludedCpuVariants).join(', ')} (${Object.values(excludedCpuVariants).join('; ')}).`);
  }
  console.log(`Engine (${variant}) already built for llama.cpp ${info.tag} (${commit.slice(0, 12)}): ${binDir}`);
  process.exit(0);
}

requireTool('cmake', 'Install it (Debian: apt-get install -y cmake).');
if (cross) {
  requireTool(`${cross}-g++`, `Install it (Debian: apt-get install -y g++-${cross}).`);
  if (!crossClang) console.warn(`build-engine: no clang 16+ found; ${cross}-gcc may not know the newest -march levels (Debian: apt-get install -y clang-16).`);
}
else if (process.platform !== 'win32') requireTool(process.platform === 'darwin' ? 'c++' : 'g++', 'Install it (Debian: apt-get install -y g++; macOS: xcode-select --install).');
requireTool('git', 'Install it (Debian: apt-get install -y git).');

// A fresh machine has no ~/.cache yet: mkdtemp needs the parent folder.
fs.mkdirSync(path.dirname(cacheRoot()), { recursive: true });
const work = fs.mkdtempSync(path.join(path.dirname(cacheRoot()), 'engine-work-'));
try {
  const src = path.join(work, 'llama.cpp');
  const build = path.join(work, 'build');
  run('git', ['-c', 'advice.detachedHead=false', 'clone', '--quiet', bundle, src]);
  const cmakeFlags = [
    '-S', src, '-B', build,
    ...commonFlags,
    ...baseFlags(src),
    ...(process.env.GLIMPSE_ENGINE_CMAKE_FLAGS ?? '').split(/\s+/).filter(Boolean),
  ];
  const started = Date.now();
  run('cmake', cmakeFlags);
  run('cmake', ['--build', build, '--config', 'Release', '-j', String(jobs), '--target', ...targets]);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(binDir, { recursive: true });
  // Multi-config generators (Visual Studio) put the programs in bin/Release.
  const built = fs.existsSync(path.join(build, 'bin', 'Release')) ? path.join(build, 'bin', 'Release') : path.join(build, 'bin');
  collect(built, binDir);
  const runtimes = portableLayout && process.platform === 'linux' ? copyCompilerRuntimes(binDir) : [];
  const stripped = portableLayout ? strip(binDir) : false;
  // A cross build runs only under emulation (qemu-user), when it is there.
  const [runner, runnerArgs] = crossTarget ? [crossTarget.qemu, ['-L', `/usr/${cross}`, path.join(binDir, 'llama-server')]] : [path.join(binDir, 'llama-server' + exe), []];
  const version = spawnSync(runner, [...runnerArgs, '--version'], { encoding: 'utf8', env: { ...process.env, LD_LIBRARY_PATH: binDir } });
  dropExcludedCpuVariants(binDir);
  const cpuVariants = cpuVariantsIn(binDir);
  fs.writeFileSync(marker, JSON.stringify({
    // The platform it runs on, as VS Code names targets: a cross build is never taken on this machine.
    target: crossTarget?.target ?? `${process.platform}-${process.arch === 'arm' ? 'armhf' : process.arch}`,
    tag: info.tag, commit, variant, cmakeFlags: cmakeFlags.slice(4),
    cpuVariants, excludedCpuVariants, runtimes, stripped,
    builtAt: new Date().toISOString(), seconds: Math.round((Date.now() - started) / 1000), jobs,
    version: `${version.stdout ?? ''}${version.stderr ?? ''}`.trim() || `not run here (${version.error?.message ?? `exit ${version.status}`})`,
  }, null, 2));
  console.log(`Engine (${variant}) built in ${Math.round((Date.now() - started) / 60000)} min: ${binDir}`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
