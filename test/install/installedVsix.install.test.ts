// The install test: the linux-x64 VSIX (scripts/package.mjs, run by `npm run test:install` first)
// installed with --install-extension into a fresh code-server profile, as a user installs it: new
// user-data and extensions folders, a HOME without the engine cache, a PATH without llama-server.
// Pointed at the tiny pair, Explain Image from the Explorer must stream an answer from the engine
// inside the VSIX; a corrupt image must get a clear message and leave the conversation as it was.

import * as assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openWorkbench, type Workbench } from '../e2e/harness';

const repositoryRoot = path.resolve(__dirname, '../../..');

function packagedVsix(): string {
  const { version } = JSON.parse(fs.readFileSync(path.join(repositoryRoot, 'package.json'), 'utf8')) as { version: string };
  const vsix = process.env.GLIMPSE_VSIX ?? path.join(repositoryRoot, 'dist', `glimpse-linux-x64-${version}.vsix`);
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} is missing: run "npm run package" first (npm run test:install does).`);
  return vsix;
}

/** PATH without any folder that holds a llama-server. */
function pathWithoutLlamaServer(): string {
  return (process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir && !fs.existsSync(path.join(dir, 'llama-server'))).join(path.delimiter);
}

describe('The packaged VSIX, installed into a fresh profile (code-server + Chromium)', function () {
  this.timeout(300_000);
  let workbench: Workbench;
  let home: string;

  before(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-install-home-'));
    workbench = await openWorkbench({
      installedVsix: packagedVsix(),
      settings: { 'glimpse.maxTokens': 48 },
      // No engine cache to fall back on: HOME is empty and the cache variables point nowhere else.
      env: { HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), GLIMPSE_ENGINE_CACHE: '', PATH: pathWithoutLlamaServer() },
    });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await workbench?.screenshot(`install-failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });
  after(async () => {
    await workbench?.dispose();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('is installed with its engine for linux-x64 and without the developer tools', async () => {
    const folder = await workbench.installedExtensionFolder();
    assert.ok(folder, 'the extension is in the fresh extensions folder');
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(folder, 'platform.json'), 'utf8')), { target: 'linux-x64', engine: true });
    const engine = fs.readdirSync(path.join(folder, 'engine'));
    assert.ok(engine.includes('llama-server'));
    assert.ok(!engine.includes('llama-mtmd-cli'), 'the engine folder holds only the server and its libraries');
    assert.ok(engine.some((name) => /^libggml-cpu-\w+\.so$/.test(name)), `CPU kernel modules: ${engine.join(', ')}`);
    assert.ok(fs.existsSync(path.join(folder, 'node_modules', '@img', 'sharp-linux-x64')));
    assert.equal(fs.readdirSync(home).includes('.cache') && fs.existsSync(path.join(home, '.cache', 'glimpse', 'engine')), false, 'no engine cache in HOME');
  });

  it('right-click → Explain Image streams the answer of the bundled engine into the panel', async () => {
    await workbench.clickExplorerMenuItem('screenshot.png', 'Explain Image');
    const panel = workbench.webviewFrame();
    await panel.locator('.turn-user .thumbnail img').first().waitFor({ state: 'visible', timeout: 90_000 });
    const answer = panel.locator('.turn-assistant').first();
    await answer.locator('.turn-stats').waitFor({ state: 'visible', timeout: 120_000 });
    assert.ok(((await answer.textContent()) ?? '').length > 20, 'the answer text is shown');
    await workbench.screenshot('install-explain-image');

    const folder = await workbench.installedExtensionFolder();
    const logs = await workbench.serverLogs();
    const started = logs.split('\n').find((line) => line.includes('Starting ') && line.includes('llama-server'));
    assert.ok(started, 'the log has the engine start line');
    assert.ok(started.includes(path.join(folder!, 'engine', 'llama-server')), started);
    assert.match(started, /bundled engine, CPU kernels \w+/);
  });

  it('a corrupt image gets a clear message in the panel and the conversation stays', async () => {
    await workbench.clickExplorerMenuItem('corrupt.png', 'Explain Image');
    const panel = workbench.webviewFrame();
    const notice = panel.locator('.notice').filter({ hasText: /corrupt\.png/ }).first();
    await notice.waitFor({ state: 'visible', timeout: 60_000 });
    assert.match((await notice.textContent()) ?? '', /corrupt|damaged|cannot be read|not a valid/i);
    assert.equal(await panel.locator('.turn-assistant').count(), 1, 'the earlier answer is still there');
    await workbench.screenshot('install-corrupt-image');
  });
});
