// Finding llama-server: explicit path → bundled engine → engine cache → PATH, each verified by running --version.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cachedServerBinaries, locateServer, parseCpuVariant, parseDeviceList } from '../../../src/core/engine/locateServer';
import { GlimpseError } from '../../../src/core/errors';

function fakeServer(file: string, script: string, mode = 0o755): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `#!/bin/sh\n${script}\n`, { mode });
  return file;
}

function cachedBuild(root: string, name: string, version: string, mtime: number): string {
  const bin = fakeServer(path.join(root, name, 'bin', 'llama-server'), `echo "version: ${version}" >&2`);
  const info = path.join(root, name, 'build-info.json');
  fs.writeFileSync(info, '{}');
  fs.utimesSync(info, mtime, mtime);
  return bin;
}

describe('locateServer', () => {
  let dir: string;
  let savedPath: string | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-locate-'));
    savedPath = process.env.PATH;
  });
  afterEach(() => {
    process.env.PATH = savedPath;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('uses the explicit path first and reports its version', async () => {
    const explicit = fakeServer(path.join(dir, 'mine', 'llama-server'), 'echo "version: 42 (explicit)" >&2');
    cachedBuild(path.join(dir, 'cache'), 'a', '1 (cached)', 1000);
    const found = await locateServer(explicit, { cacheRoot: path.join(dir, 'cache') });
    assert.deepEqual(found, { path: explicit, source: 'explicit', version: 'version: 42 (explicit)', accelerators: [] });
  });

  it('refuses an explicit path that does not exist, naming the option to fix and no editor setting', async () => {
    await assert.rejects(locateServer(path.join(dir, 'nope'), { cacheRoot: path.join(dir, 'cache') }), (error: GlimpseError) => {
      assert.equal(error.code, 'engine-not-found');
      assert.equal(error.message, `The llama-server path you set does not exist: ${path.join(dir, 'nope')}. Fix it, or clear it to use the engine that comes with Glimpse.`);
      assert.deepEqual(error.optionsToChange, ['serverPath']);
      return true;
    });
  });

  it('says where it looked when there is no engine anywhere, and that the llama-server path is the fix', async () => {
    process.env.PATH = path.join(dir, 'empty-path');
    await assert.rejects(locateServer(undefined, { cacheRoot: path.join(dir, 'cache') }), (error: GlimpseError) => {
      assert.equal(error.code, 'engine-not-found');
      assert.match(error.message, /looked in your own llama-server path \(none is set\), the engine cache \(.*\), PATH\)/);
      assert.match(error.message, /or set the llama-server path to a llama-server you have/);
      assert.doesNotMatch(error.message, /glimpse\.|--server/);
      assert.deepEqual(error.optionsToChange, ['serverPath']);
      return true;
    });
  });

  it('refuses a binary that does not run, with what it printed in the detail', async () => {
    const broken = fakeServer(path.join(dir, 'broken'), 'echo "error while loading shared libraries: libllama.so" >&2; exit 127');
    await assert.rejects(locateServer(broken, { cacheRoot: path.join(dir, 'cache') }), (error: GlimpseError) =>
      error.code === 'engine-unusable' && /libllama\.so/.test(error.detail ?? ''));
  });

  it('refuses a file that is not executable', async () => {
    const file = fakeServer(path.join(dir, 'noexec'), 'echo "version: 1"', 0o644);
    await assert.rejects(locateServer(file, { cacheRoot: path.join(dir, 'cache') }), (error: GlimpseError) =>
      error.code === 'engine-unusable' && /not executable/.test(error.message));
  });

  it('lists the accelerators a build reports, none for a CPU-only build', () => {
    const cpuOnly = 'load_backend: loaded CPU backend\nAvailable devices:\n  (none)\n0.00.002 I srv  llama_server: initializing';
    const cuda = 'Available devices:\n  CUDA0: NVIDIA H100 80GB HBM3 (81079 MiB, 80600 MiB free)\n  Vulkan0: NVIDIA H100 (81079 MiB)\nother';
    assert.deepEqual(parseDeviceList(cpuOnly), []);
    assert.deepEqual(parseDeviceList(cuda), ['CUDA0: NVIDIA H100 80GB HBM3 (81079 MiB, 80600 MiB free)', 'Vulkan0: NVIDIA H100 (81079 MiB)']);
  });

  it('takes the newest complete build from the cache and ignores incomplete ones', async () => {
    const cache = path.join(dir, 'cache');
    cachedBuild(cache, 'old', '1 (old)', 1000);
    const newest = cachedBuild(cache, 'new', '2 (new)', 2000);
    fakeServer(path.join(cache, 'incomplete', 'bin', 'llama-server'), 'echo "version: 3"');
    assert.deepEqual(cachedServerBinaries(cache), [newest, path.join(cache, 'old', 'bin', 'llama-server')]);
    const found = await locateServer(undefined, { cacheRoot: cache });
    assert.equal(found.source, 'cache');
    assert.equal(found.version, 'version: 2 (new)');
  });

  it('falls back to PATH, then says how to build the engine', async () => {
    process.env.PATH = path.join(dir, 'empty-bin');
    await assert.rejects(locateServer(undefined, { cacheRoot: path.join(dir, 'cache') }), (error: GlimpseError) =>
      error.code === 'engine-not-found' && /Install the Glimpse build for/.test(error.message) && /npm run build:engine/.test(error.message));
    const onPath = fakeServer(path.join(dir, 'bin', 'llama-server'), 'echo "version: 7 (path)"');
    process.env.PATH = path.join(dir, 'bin');
    const found = await locateServer(undefined, { cacheRoot: path.join(dir, 'cache') });
    assert.deepEqual(found, { path: onPath, source: 'path', version: 'version: 7 (path)', accelerators: [] });
  });

  it('prefers the engine bundled with the extension over the cache and PATH', async () => {
    const bundledDirectory = path.join(dir, 'extension', 'engine');
    const bundled = fakeServer(path.join(bundledDirectory, 'llama-server'), 'echo "version: 9 (bundled)" >&2');
    cachedBuild(path.join(dir, 'cache'), 'a', '1 (cached)', 1000);
    const found = await locateServer(undefined, { bundledDirectory, cacheRoot: path.join(dir, 'cache') });
    assert.deepEqual(found, { path: bundled, source: 'bundled', version: 'version: 9 (bundled)', accelerators: [] });
    // The explicit setting still wins.
    const explicit = fakeServer(path.join(dir, 'mine', 'llama-server'), 'echo "version: 42 (explicit)" >&2');
    assert.equal((await locateServer(explicit, { bundledDirectory })).source, 'explicit');
  });

  it('makes a bundled binary executable again when unpacking lost its mode', async () => {
    const bundledDirectory = path.join(dir, 'extension', 'engine');
    const bundled = fakeServer(path.join(bundledDirectory, 'llama-server'), 'echo "version: 9 (bundled)" >&2', 0o644);
    const found = await locateServer(undefined, { bundledDirectory, cacheRoot: path.join(dir, 'cache') });
    assert.equal(found.path, bundled);
    assert.ok((fs.statSync(bundled).mode & 0o111) !== 0);
  });

  it('skips a bundled folder without a binary, and names it when nothing is found', async () => {
    process.env.PATH = path.join(dir, 'empty-bin');
    const bundledDirectory = path.join(dir, 'extension', 'engine');
    fs.mkdirSync(bundledDirectory, { recursive: true });
    await assert.rejects(locateServer(undefined, { bundledDirectory, cacheRoot: path.join(dir, 'cache') }), (error: GlimpseError) =>
      error.code === 'engine-not-found' && error.message.includes(bundledDirectory));
    const cached = cachedBuild(path.join(dir, 'cache'), 'a', '1 (cached)', 1000);
    assert.equal((await locateServer(undefined, { bundledDirectory, cacheRoot: path.join(dir, 'cache') })).path, cached);
  });

  it('names the CPU kernels a portable build loaded', async () => {
    const line = 'load_backend: loaded CPU backend from /home/u/.vscode/extensions/glimpse/engine/libggml-cpu-zen4.so';
    assert.equal(parseCpuVariant(line), 'zen4');
    assert.equal(parseCpuVariant('load_backend: loaded CPU backend from C:\\Glimpse\\engine\\ggml-cpu-haswell.dll'), 'haswell');
    assert.equal(parseCpuVariant('load_backend: loaded CPU backend from ./libggml-cpu-x64.so\nversion: 1'), 'x64');
    assert.equal(parseCpuVariant('version: 1 (de3ff81)'), undefined);
    // The loader logs its choice only with --verbose, which the device listing passes.
    const portable = fakeServer(path.join(dir, 'portable', 'llama-server'),
      `if [ "$1" = "--verbose" ]; then echo "${line}" >&2; echo "Available devices:"; echo "  (none)"; else echo "version: 5 (portable)" >&2; fi`);
    const found = await locateServer(portable, { cacheRoot: path.join(dir, 'cache') });
    assert.equal(found.cpuVariant, 'zen4');
    assert.equal(found.version, 'version: 5 (portable)');
  });

  it('takes an engine "Get the Engine" downloaded after the bundled one and before the cache', async () => {
    const downloadedDirectory = path.join(dir, 'storage', 'engines');
    const folder = path.join(downloadedDirectory, 'v1-linux-x64');
    const downloaded = fakeServer(path.join(folder, 'build', 'bin', 'llama-server'), 'echo "version: 5 (downloaded)" >&2');
    fs.writeFileSync(path.join(folder, 'engine-download.json'), JSON.stringify({ formatVersion: 1, server: 'build/bin/llama-server' }));
    // An unfinished download (no record) is never taken.
    fakeServer(path.join(downloadedDirectory, 'v2-linux-x64.unpacking', 'llama-server'), 'echo "version: 6"');
    cachedBuild(path.join(dir, 'cache'), 'a', '1 (cached)', 1000);
    const search = { downloadedDirectory, cacheRoot: path.join(dir, 'cache') };
    assert.deepEqual(await locateServer(undefined, search), { path: downloaded, source: 'downloaded', version: 'version: 5 (downloaded)', accelerators: [] });
    const bundledDirectory = path.join(dir, 'extension', 'engine');
    fakeServer(path.join(bundledDirectory, 'llama-server'), 'echo "version: 9 (bundled)" >&2');
    assert.equal((await locateServer(undefined, { ...search, bundledDirectory })).source, 'bundled');
  });

  it('never takes a cached cross build for another platform', async () => {
    const cache = path.join(dir, 'cache');
    const here = cachedBuild(cache, 'native', '1 (here)', 1000);
    const arm = cachedBuild(cache, 'portable-linux-arm64', '2 (arm64)', 2000);
    fs.writeFileSync(path.join(cache, 'portable-linux-arm64', 'build-info.json'), JSON.stringify({ target: 'linux-arm64' }));
    fs.utimesSync(path.join(cache, 'portable-linux-arm64', 'build-info.json'), 2000, 2000);
    assert.deepEqual(cachedServerBinaries(cache, 'linux-x64'), [here]);
    assert.deepEqual(cachedServerBinaries(cache, 'linux-arm64'), [arm, here], 'a build without a target is taken as this platform\'s');
  });

  it('asks again when a build with CPU modules did not log which one it loaded (the log thread can lose it)', async () => {
    const counter = path.join(dir, 'calls');
    const binary = fakeServer(path.join(dir, 'racy', 'llama-server'), [
      'if [ "$1" = "--version" ]; then echo "version: 8 (racy)" >&2; exit 0; fi',
      `n=$(cat '${counter}' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '${counter}'`,
      'echo "Available devices:"; echo "  (none)"',
      'if [ "$n" -ge 3 ]; then echo "load_backend: loaded CPU backend from ./libggml-cpu-haswell.so" >&2; fi',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'racy', 'libggml-cpu-haswell.so'), '');
    const found = await locateServer(binary, { cacheRoot: path.join(dir, 'cache') });
    assert.equal(found.cpuVariant, 'haswell');
    assert.equal(fs.readFileSync(counter, 'utf8').trim(), '3');
  });
});

