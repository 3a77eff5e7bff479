// "Glimpse: Get the Engine" in a real extension host: the llama.cpp archive pinned in an engine
// list (here a local one, with an archive made from the engine build in the cache) is downloaded
// through the glimpse.engineDownloadBaseUrl mirror into global storage, verified, and then found
// as the engine; an archive without a pinned checksum is refused when the user does not agree.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { cachedServerBinaries } from '../../src/core/engine/locateServer';
import { runtimeTarget } from '../../src/core/runtimeTarget';
import type { GetEngineOutcome } from '../../src/vscode/getEngine';
import { startDownloadServer, type DownloadTestServer } from '../unit/models/downloadTestServer';

const archivePath = '/ggml-org/llama.cpp/releases/download/vtest/llama-vtest-bin.tar.gz';

describe('Get the Engine (real extension host)', function () {
  this.timeout(120_000);
  let work: string;
  let server: DownloadTestServer;
  let pinned: string;
  let unpinned: string;
  const config = () => vscode.workspace.getConfiguration('glimpse');

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-get-engine-'));
    const built = path.dirname(cachedServerBinaries()[0]);
    const bin = path.join(work, 'archive', 'llama-vtest');
    fs.mkdirSync(bin, { recursive: true });
    for (const name of fs.readdirSync(built)) {
      if (name !== 'llama-mtmd-cli') fs.cpSync(path.join(built, name), path.join(bin, name), { verbatimSymlinks: true });
    }
    execFileSync('tar', ['-czf', path.join(work, 'engine.tar.gz'), '-C', path.join(work, 'archive'), 'llama-vtest']);
    const archive = fs.readFileSync(path.join(work, 'engine.tar.gz'));
    server = await startDownloadServer();
    server.serve(archivePath, archive);
    const release = { target: runtimeTarget(), tag: 'vtest', url: `https://github.com${archivePath}` };
    pinned = path.join(work, 'pinned.json');
    fs.writeFileSync(pinned, JSON.stringify({ formatVersion: 1, releases: [{ ...release, sha256: createHash('sha256').update(archive).digest('hex') }] }));
    unpinned = path.join(work, 'unpinned.json');
    fs.writeFileSync(unpinned, JSON.stringify({ formatVersion: 1, releases: [release] }));
    await config().update('engineDownloadBaseUrl', server.baseUrl, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await config().update('engineDownloadBaseUrl', undefined, vscode.ConfigurationTarget.Global);
    await server?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('refuses an archive with no pinned checksum when the user does not agree, downloading nothing', async () => {
    const outcome = await vscode.commands.executeCommand<GetEngineOutcome>('glimpse.getEngine', { manifestPath: unpinned, allowUnverified: false });
    assert.equal(outcome.status, 'error');
    assert.match(outcome.status === 'error' ? outcome.message : '', /No checksum is pinned/);
    assert.equal(server.requestsFor(archivePath).length, 0);
  });

  it('downloads the pinned archive through the mirror, and the engine found next is the downloaded one', async () => {
    const outcome = await vscode.commands.executeCommand<GetEngineOutcome>('glimpse.getEngine', { manifestPath: pinned });
    assert.equal(outcome.status, 'done', outcome.status !== 'done' ? outcome.message : '');
    if (outcome.status !== 'done') return;
    assert.ok(server.requestsFor(archivePath).length >= 1, 'the mirror was asked');
    assert.equal(outcome.engine.verified, true);
    assert.ok(outcome.engine.folder.split(path.sep).includes('engines'), outcome.engine.folder);
    const found = await vscode.commands.executeCommand<{ path: string; source: string }>('glimpse.checkEngine');
    assert.equal(found?.source, 'downloaded');
    assert.equal(found?.path, outcome.engine.serverPath);
    // Back to the cached engine for the suites that follow.
    fs.rmSync(outcome.engine.folder, { recursive: true, force: true });
    await vscode.commands.executeCommand('glimpse.restartEngine');
  });
});
