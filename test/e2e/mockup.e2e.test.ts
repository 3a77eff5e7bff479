// End to end: right-click a mockup → Generate Code from Mockup → pick HTML + CSS → the code streams
// into an html editor, the preview beside it renders the page in an iframe sandboxed with
// allow-scripts only, and the visual score appears with the headless render. The "model" is
// test/fixtures/fakeServer/fake-llama-server.mjs answering with a page that tries to load a
// stylesheet, an image, a script and a fetch from another host: none of those requests is made,
// neither by the preview nor by the headless render that scores it.

import * as assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFakeLlamaServer } from './fakeLlamaServer';
import { openWorkbench, type Workbench } from './harness';


/** The page the "model" writes; `origin` is a recording server on this machine that must get no request. */
const hostilePage = (origin: string) => [
  'Here is the page:',
  '',
  '```html',
  '<!DOCTYPE html>',
  `<html><head><link rel="stylesheet" href="${origin}/style.css"><style>body{font-family:sans-serif;background:#f4f4f8}</style></head>`,
  `<body><h1 id="title">Sign in</h1><img src="${origin}/pixel.png" alt="">`,
  `<script>fetch("${origin}/fetch").catch(() => {}); document.body.dataset.scriptRan = "yes";</script>`,
  `<script src="${origin}/remote.js"></script></body></html>`,
  '```',
  '',
].join('\n');

describe('Generate Code from Mockup (code-server + Chromium, scripted engine)', function () {
  this.timeout(240_000);
  let workbench: Workbench;
  let recorder: http.Server;
  const received: string[] = [];

  before(async () => {
    recorder = http.createServer((request, response) => {
      received.push(request.url ?? '');
      response.end('');
    });
    await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`;
    // The recorder answers when asked: a request that got through would show up.
    assert.equal((await fetch(`${origin}/probe`)).status, 200);
    received.length = 0;
    workbench = await openWorkbench({ settings: { 'glimpse.serverPath': writeFakeLlamaServer('fake-llama-server-mockup', hostilePage(origin), { delayMs: 10, chunk: 24 }) } });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await workbench?.screenshot(`failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });
  after(async () => {
    await workbench?.dispose();
    recorder?.close();
  });

  it('streams the page into an editor, previews it sandboxed with no network, and scores it', async () => {
    const { page } = workbench;
    await workbench.clickExplorerMenuItem('screenshot.png', 'Generate Code from Mockup');
    const target = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'HTML + CSS' }).first();
    await target.waitFor({ state: 'visible', timeout: 30_000 });
    await target.click();
    // Extra instructions: none.
    await page.locator('.quick-input-widget').getByText('Glimpse: extra instructions (optional)').waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('.quick-input-widget input').press('Enter');

    // The preview webview and, inside it, the generated page in its sandboxed iframe.
    const preview = workbench.webviewFrame();
    const frame = preview.locator('iframe.preview-frame');
    await frame.waitFor({ state: 'attached', timeout: 90_000 });
    assert.equal(await frame.getAttribute('sandbox'), 'allow-scripts');
    const pageFrame = preview.frameLocator('iframe.preview-frame');
    await pageFrame.locator('#title').waitFor({ timeout: 60_000 });
    assert.equal(await pageFrame.locator('#title').textContent(), 'Sign in');
    // Inline scripts run (pages may need them); they cannot reach anything.
    await pageFrame.locator('body[data-script-ran="yes"]').waitFor({ timeout: 10_000 });

    // The score, with the headless render beside the mockup.
    const score = preview.locator('.preview-score-value');
    await preview.locator('.preview-score[data-state="done"]').waitFor({ timeout: 120_000 });
    assert.match((await score.textContent()) ?? '', /^Visual score \d{1,3}\/100$/);
    assert.match((await preview.locator('.preview-render-image').getAttribute('src')) ?? '', /^data:image\/png;base64,/);

    // The editor holds the extracted page only (no prose, no fence).
    // Monaco draws spaces as no-break spaces.
    const editorText = (await page.locator('.monaco-editor .view-lines').first().textContent())?.replace(/\u00a0/g, ' ');
    assert.match(editorText ?? '', /Sign in/);
    assert.doesNotMatch(editorText ?? '', /Here is the page|```/);
    await workbench.screenshot('mockup-preview-scored');

    assert.deepEqual(received, [], 'neither the preview nor the score render made a request for the page\'s resources');
  });
});
