// "Get the Engine" against a local HTTP server that serves a llama.cpp-style archive made from the
// engine build in the cache (the real llama-server and its libraries, plus an AMX module that must
// be left out): the happy path through a mirror, an unpinned archive, a SHA-256 mismatch, a
// truncated archive, and a cancel followed by a resume with a Range request.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { downloadEngine, engineArchiveUrl, parseEngineManifest, releaseFor, type EngineRelease } from '../../src/core/engine/engineDownload';
import { locateServer } from '../../src/core/engine/locateServer';
import { GlimpseError } from '../../src/core/errors';
import { startDownloadServer, type DownloadTestServer } from '../unit/models/downloadTestServer';

const archivePath = '/ggml-org/llama.cpp/releases/download/v0.5.0/llama-v0.5.0-bin-ubuntu-x64.tar.gz';

describe('Get the Engine: downloading a pinned llama.cpp archive', function () {
  this.timeout(120_000);
  let work: string;
  let archive: Buffer;
  let server: DownloadTestServer;
  let release: EngineRelease;
  /** The CPU kernel modules in the archive (a portable build has several; a native one none). */
  let cpuModules: string[] = [];

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-engine-download-'));
    // Laid out as llama.cpp's Linux archives are: build/bin/llama-server and the libraries beside it.
    const built = path.dirname((await locateServer()).path);
    const bin = path.join(work, 'archive', 'build', 'bin');
    fs.mkdirSync(bin, { recursive: true });
    for (const name of fs.readdirSync(built)) {
      if (name === 'llama-mtmd-cli') continue;
      fs.cpSync(path.join(built, name), path.join(bin, name), { verbatimSymlinks: true });
    }
    cpuModules = fs.readdirSync(bin).map((name) => /^libggml-cpu-(\w+)\.so$/.exec(name)?.[1]).filter((name): name is string => Boolean(name));
    fs.writeFileSync(path.join(bin, 'libggml-cpu-sapphirerapids.so'), 'AMX kernels that crash');
    execFileSync('tar', ['-czf', path.join(work, 'engine.tar.gz'), '-C', path.join(work, 'archive'), 'build']);
    archive = fs.readFileSync(path.join(work, 'engine.tar.gz'));
    release = {
      target: 'linux-x64', tag: 'v0.5.0', url: `https://github.com${archivePath}`,
      sha256: createHash('sha256').update(archive).digest('hex'), sizeBytes: archive.length,
    };
  });
  beforeEach(async () => {
    server = await startDownloadServer({ chunkBytes: 256 * 1024, delayMs: 0 });
    server.serve(archivePath, archive);
  });
  afterEach(async () => {
    await server.close();
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  const destination = (name: string) => path.join(work, name);
  const options = (name: string) => ({ destinationDir: destination(name), mirrorBaseUrl: server.baseUrl, retryDelaysMs: [], idleTimeoutMs: 5_000 });

  it('reads the engine list and maps GitHub URLs onto a mirror', () => {
    const manifest = parseEngineManifest(JSON.parse(fs.readFileSync(path.join(__dirname, '../../../engines.json'), 'utf8')));
    assert.ok(releaseFor(manifest, 'linux-x64'));
    assert.ok(releaseFor(manifest, 'darwin-arm64'));
    assert.throws(() => parseEngineManifest({ formatVersion: 1, releases: [{ target: 'linux-x64', tag: 'v1', url: 'http://insecure' }] }), /https URL/);
    assert.equal(engineArchiveUrl(release, 'https://mirror.example/llama/').toString(), `https://mirror.example/llama${archivePath}`);
    assert.equal(engineArchiveUrl(release).toString(), release.url);
  });

  it('downloads, verifies, unpacks and runs it, without the AMX module; locateServer then finds it', async () => {
    const phases = new Set<string>();
    const engine = await downloadEngine(release, { ...options('happy'), onProgress: (p) => phases.add(p.phase) });
    assert.equal(engine.verified, true);
    assert.equal(engine.sha256, release.sha256);
    assert.match(engine.version, /version/);
    assert.equal(path.basename(engine.serverPath), 'llama-server');
    assert.ok(!fs.existsSync(path.join(path.dirname(engine.serverPath), 'libggml-cpu-sapphirerapids.so')), 'the AMX module is left out');
    assert.deepEqual([...phases].filter((p) => p !== 'checking'), ['downloading', 'unpacking', 'verifying']);
    assert.deepEqual(fs.readdirSync(destination('happy')), ['v0.5.0-linux-x64'], 'no partial or unpacking folder is left');
    const found = await locateServer(undefined, { downloadedDirectory: destination('happy'), cacheRoot: path.join(work, 'no-cache') });
    assert.equal(found.source, 'downloaded');
    assert.equal(found.path, engine.serverPath);
    if (cpuModules.length > 0) assert.ok(found.cpuVariant && cpuModules.includes(found.cpuVariant), `loaded ${found.cpuVariant}, not one of ${cpuModules.join(', ')}`);
  });

  it('refuses an archive with no pinned checksum unless the user chose to run it', async () => {
    const { sha256: _sha, ...unpinned } = release;
    await assert.rejects(downloadEngine(unpinned, options('unpinned')), (error: GlimpseError) => error.code === 'engine-unverified' && /No checksum is pinned/.test(error.message));
    assert.equal(server.requests.length, 0, 'nothing was downloaded');
    const engine = await downloadEngine(unpinned, { ...options('unpinned'), allowUnverified: true });
    assert.equal(engine.verified, false);
  });

  it('deletes an archive whose SHA-256 does not match, and installs nothing', async () => {
    const wrong = { ...release, sha256: 'f'.repeat(64) };
    await assert.rejects(downloadEngine(wrong, options('mismatch')), (error: GlimpseError) => error.code === 'download-checksum-mismatch');
    assert.deepEqual(fs.readdirSync(destination('mismatch')), []);
  });

  it('says a truncated archive is damaged, deletes it, and the next try downloads it whole', async () => {
    const truncated = archive.subarray(0, Math.floor(archive.length / 2));
    server.serve(archivePath, truncated);
    const pinnedToTruncated = { ...release, sha256: createHash('sha256').update(truncated).digest('hex'), sizeBytes: truncated.length };
    await assert.rejects(downloadEngine(pinnedToTruncated, options('truncated')), (error: GlimpseError) => error.code === 'engine-archive-corrupt' && /damaged or incomplete/.test(error.message));
    assert.deepEqual(fs.readdirSync(destination('truncated')), [], 'neither the archive nor a half-unpacked folder is kept');
    server.serve(archivePath, archive);
    const engine = await downloadEngine(release, options('truncated'));
    assert.ok(fs.existsSync(engine.serverPath));
  });

  it('keeps the partial archive on cancel and resumes it with a Range request', async () => {
    const kept = 1024 * 1024;
    server.script(archivePath, { stallAfter: kept });
    const controller = new AbortController();
    await assert.rejects(downloadEngine(release, {
      ...options('resume'), signal: controller.signal,
      onProgress: (p) => p.phase === 'downloading' && p.bytesDone >= kept && controller.abort(),
    }), (error: GlimpseError) => error.code === 'cancelled');
    const partial = path.join(destination('resume'), `${path.basename(archivePath)}.partial`);
    assert.equal(fs.statSync(partial).size, kept);
    const engine = await downloadEngine(release, options('resume'));
    assert.equal(server.requestsFor(archivePath).at(-1)?.range, `bytes=${kept}-`);
    assert.equal(engine.sha256, release.sha256);
  });
});
