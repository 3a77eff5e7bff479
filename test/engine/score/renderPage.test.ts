// renderPage against a real Chromium-family browser (/usr/bin/chromium here): the PNG is exactly
// the viewport and shows the page; the page reaches no server, neither through requests the
// browser intercepts nor through WebSockets and direct navigations beneath them; abort and timeout
// leave no browser process and no profile folder; a browser that does not start is reported.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import sharp from 'sharp';
import { BrowserProcess } from '../../../src/core/score/browserProcess';
import { renderPage } from '../../../src/core/score/renderPage';
import { rejectsWithCode } from '../../fixtures/glimpseErrors';
import { browserForTests, processesMentioning, startRecordingServer, type RecordingServer } from './browser';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function pixel(png: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * 3;
  return [data[i], data[i + 1], data[i + 2]];
}

function near(actual: number[], expected: number[], tolerance = 3): boolean {
  return actual.every((value, i) => Math.abs(value - expected[i]) <= tolerance);
}

/** Waits until no process mentions `marker` (the browser's profile folder), for at most `ms`. */
async function noProcessesLeft(marker: string, ms = 3000): Promise<number[]> {
  const until = Date.now() + ms;
  let left = processesMentioning(marker);
  while (left.length > 0 && Date.now() < until) {
    await sleep(100);
    left = processesMentioning(marker);
  }
  return left;
}

describe('renderPage (real browser)', function () {
  this.timeout(120_000);
  let browserPath: string;

  before(function () {
    browserPath = browserForTests(this);
  });

  it('returns a PNG of exactly the viewport showing the page, and leaves nothing running', async () => {
    let started: { pid: number | undefined; userDataDir: string } | undefined;
    const html = `<!doctype html><html><body style="margin:0;background:rgb(0,0,255)">
      <div style="width:100px;height:50px;background:rgb(255,0,0)"></div></body></html>`;
    const rendered = await renderPage({ html, width: 333, height: 217, browserPath, onBrowserStarted: (info) => (started = info) });
    const meta = await sharp(rendered.png).metadata();
    assert.equal(meta.format, 'png');
    assert.deepEqual([meta.width, meta.height, rendered.width, rendered.height], [333, 217, 333, 217]);
    assert.ok(near(await pixel(rendered.png, 10, 10), [255, 0, 0]), 'the red box is at the top left');
    assert.ok(near(await pixel(rendered.png, 300, 200), [0, 0, 255]), 'the blue background fills the rest');
    assert.match(rendered.browserVersion, /Chrom/);
    assert.ok(started, 'a browser was started');
    assert.deepEqual(await noProcessesLeft(started.userDataDir), [], 'no browser process is left');
    assert.equal(fs.existsSync(started.userDataDir), false, 'the temporary profile is deleted');
  });

  describe('network', () => {
    let server: RecordingServer;
    before(async () => {
      server = await startRecordingServer();
      // The server is reachable from here: a page that reached it would be recorded.
      const response = await fetch(`http://127.0.0.1:${server.port}/control`);
      assert.equal(await response.text(), 'reached');
      assert.deepEqual(server.hits.splice(0), ['GET /control']);
    });
    beforeEach(() => {
      server.hits.length = 0;
    });
    after(() => server?.close());

    it('lets the page reach no server: fetch, images, stylesheets, scripts, frames, beacons, WebSockets', async () => {
      const origin = `http://127.0.0.1:${server.port}`;
      const html = `<!doctype html><html><head>
        <link rel="stylesheet" href="${origin}/style.css">
        <script src="${origin}/script.js"></script>
        </head><body style="margin:0">
        <img src="${origin}/x.png" width="10" height="10">
        <div style="width:10px;height:10px;background-image:url(${origin}/background.png)"></div>
        <iframe src="${origin}/frame.html"></iframe>
        <script>
          fetch('${origin}/fetch').catch(() => {});
          navigator.sendBeacon('${origin}/beacon', 'data');
          fetch('https://127.0.0.1:${server.port}/fetch-tls').catch(() => {});
          try { new WebSocket('ws://127.0.0.1:${server.port}/socket'); } catch (e) {}
          try { new WebSocket('wss://127.0.0.1:${server.port}/socket-tls'); } catch (e) {}
          new Image().src = 'http://localhost:${server.port}/by-name.png';
          document.body.style.background = 'rgb(0, 128, 0)';
        </script></body></html>`;
      const rendered = await renderPage({ html, width: 400, height: 300, browserPath });
      assert.ok(near(await pixel(rendered.png, 390, 290), [0, 128, 0]), 'the page script ran (it turns the background green)');
      await sleep(500);
      assert.deepEqual(server.hits, [], 'no request reached the server');
      for (const path of ['/x.png', '/style.css', '/script.js', '/fetch']) {
        assert.ok(rendered.blockedRequests.includes(`${origin}${path}`), `${path} was refused by the browser: ${rendered.blockedRequests.join(', ')}`);
      }
    });

    it('the browser itself reaches nothing, even a page it opens without interception', async () => {
      const browser = await BrowserProcess.start(browserPath, { noSandbox: process.getuid?.() === 0 });
      try {
        await browser.connect();
        for (const url of [`http://127.0.0.1:${server.port}/direct`, `http://localhost:${server.port}/direct-by-name`]) {
          await browser.pipe.send('Target.createTarget', { url });
        }
        await sleep(1500);
      } finally {
        await browser.stop(true);
      }
      assert.deepEqual(server.hits, []);
    });
  });

  it('photographs a page that opens a dialog or navigates away as it was written', async () => {
    const html = `<!doctype html><body style="margin:0"><script>
      alert('hello');
      document.body.style.background = 'rgb(0, 128, 0)';
      location.href = 'https://example.com/elsewhere';
    </script></body>`;
    const rendered = await renderPage({ html, width: 200, height: 100, browserPath, timeoutMs: 15_000 });
    assert.ok(near(await pixel(rendered.png, 100, 50), [0, 128, 0]), 'the dialog was dismissed and the page stayed');
    assert.ok(rendered.blockedRequests.includes('https://example.com/elsewhere'));
    // The refused navigation stops loading without a load event: that must not cost the 10 s load wait.
    assert.ok(rendered.ms < 8000, `${rendered.ms} ms`);
  });

  it('stops the browser when the signal aborts, and rejects as cancelled', async () => {
    const controller = new AbortController();
    let started: { pid: number | undefined; userDataDir: string } | undefined;
    const rendering = renderPage({
      html: '<!doctype html><p>busy</p><script>while (true) {}</script>',
      width: 200,
      height: 100,
      browserPath,
      signal: controller.signal,
      onBrowserStarted: (info) => {
        started = info;
        setTimeout(() => controller.abort(), 1500);
      },
    });
    const before = Date.now();
    await rejectsWithCode(rendering, 'cancelled');
    assert.ok(started?.pid, 'a browser was started');
    assert.ok(Date.now() - before < 10_000);
    assert.deepEqual(await noProcessesLeft(started.userDataDir), [], 'no browser process is left');
    assert.equal(fs.existsSync(started.userDataDir), false, 'the temporary profile is deleted');
  });

  it('gives up after the timeout on a page that never finishes, and stops the browser', async () => {
    let started: { pid: number | undefined; userDataDir: string } | undefined;
    const begun = Date.now();
    await rejectsWithCode(
      renderPage({ html: '<script>while (true) {}</script>', width: 200, height: 100, browserPath, timeoutMs: 4000, onBrowserStarted: (info) => (started = info) }),
      'browser-timeout',
      /longer than 4 s/,
    );
    const took = Date.now() - begun;
    assert.ok(took >= 3900 && took < 12_000, `${took} ms`);
    assert.ok(started);
    assert.deepEqual(await noProcessesLeft(started.userDataDir), []);
    assert.equal(fs.existsSync(started.userDataDir), false);
  });

  it('reports a browser that does not start', async () => {
    await rejectsWithCode(renderPage({ html: '<p>x</p>', width: 100, height: 100, browserPath: '/bin/false' }), 'browser-failed', /\/bin\/false did not start/);
    await rejectsWithCode(renderPage({ html: '<p>x</p>', width: 100, height: 100, browserPath: '/nonexistent/chromium' }), 'browser-failed', /did not start/);
  });

  it('refuses a viewport outside 1–4096 px', async () => {
    await rejectsWithCode(renderPage({ html: '', width: 0, height: 10, browserPath }), 'invalid-argument');
    await rejectsWithCode(renderPage({ html: '', width: 10, height: 5000, browserPath }), 'invalid-argument');
  });
});
