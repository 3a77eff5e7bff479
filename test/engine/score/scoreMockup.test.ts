// scoreMockup with real renders: page A rendered is the "mockup"; A scores near 1 against itself,
// a slightly changed A' lower, a different page B lower still; a mockup downscaled (as sent to the
// model) with its design size given still matches A; aborting mid-render leaves no browser.

import assert from 'node:assert/strict';
import sharp from 'sharp';
import { renderPage } from '../../../src/core/score/renderPage';
import { scoreMockup, type MockupScore, type ScoreMockupResult } from '../../../src/core/score/scoreMockup';
import { rejectsWithCode } from '../../fixtures/glimpseErrors';
import { browserForTests, processesMentioning } from './browser';

const pageA = `<!doctype html><html><head><style>
  body { margin: 0; font-family: sans-serif; }
  header { background: #1e40af; color: white; padding: 24px; font-size: 28px; }
  main { padding: 24px; }
  button { background: #16a34a; color: white; border: 0; padding: 12px 24px; font-size: 16px; }
</style></head><body>
  <header>Acme Dashboard</header>
  <main><p>Welcome back. Here is what changed since your last visit.</p><button>Open report</button></main>
</body></html>`;
// A': the same page, header a little taller and its blue a little lighter, other words.
const pageAPrime = pageA
  .replace('padding: 24px; font-size: 28px', 'padding: 30px 24px; font-size: 28px')
  .replace('#1e40af', '#2563eb')
  .replace('Here is what changed', 'Here is all that changed');
// B: another layout: a dark side bar, a card grid, no header.
const pageB = `<!doctype html><html><body style="margin:0;font-family:serif;display:flex">
  <nav style="width:180px;height:100vh;background:#111827;color:#e5e7eb;padding:16px">Menu</nav>
  <section style="flex:1;padding:32px;display:grid;grid-template-columns:1fr 1fr;gap:16px">
    <div style="height:120px;background:#fde68a"></div><div style="height:120px;background:#fca5a5"></div>
    <div style="height:120px;background:#a7f3d0"></div><div style="height:120px;background:#c4b5fd"></div>
  </section></body></html>`;

function scored(result: ScoreMockupResult): MockupScore {
  assert.ok(!result.skipped, result.skipped ? result.reason : '');
  return result;
}

describe('scoreMockup (real browser)', function () {
  this.timeout(120_000);
  let browserPath: string;
  let mockup: Buffer;

  before(async function () {
    browserPath = browserForTests(this);
    mockup = (await renderPage({ html: pageA, width: 640, height: 400, browserPath })).png;
  });

  it('orders A against itself above a slightly changed A\', above a different page B', async () => {
    const same = scored(await scoreMockup({ mockup, html: pageA, browserPath }));
    const changed = scored(await scoreMockup({ mockup, html: pageAPrime, browserPath }));
    const other = scored(await scoreMockup({ mockup, html: pageB, browserPath }));
    console.log(`      A ${same.score.toFixed(3)} (SSIM ${same.ssim.toFixed(3)}, colour ${same.colour.toFixed(3)}, ${same.ms} ms); ` +
      `A' ${changed.score.toFixed(3)} (${changed.ssim.toFixed(3)}, ${changed.colour.toFixed(3)}); B ${other.score.toFixed(3)} (${other.ssim.toFixed(3)}, ${other.colour.toFixed(3)})`);
    assert.ok(same.score > 0.98, `A against itself: ${same.score}`);
    assert.ok(same.score > changed.score && changed.score > other.score, `A ${same.score} > A' ${changed.score} > B ${other.score}`);
    for (const result of [same, changed, other]) {
      assert.ok(result.score >= 0 && result.score <= 1 && result.colour >= 0 && result.colour <= 1 && result.ssim >= -1 && result.ssim <= 1);
      assert.deepEqual([result.width, result.height], [640, 400]);
      const meta = await sharp(result.renderPng).metadata();
      assert.deepEqual([meta.width, meta.height], [640, 400]);
      assert.equal(result.browser, browserPath);
    }
  });

  it('renders at the design size when the mockup is a smaller copy, comparing at the copy\'s size', async () => {
    const small = await sharp(mockup).resize(320, 200).jpeg({ quality: 90 }).toBuffer();
    const result = scored(await scoreMockup({ mockup: small, html: pageA, browserPath, designSize: { width: 640, height: 400 } }));
    assert.deepEqual([result.width, result.height], [640, 400]);
    assert.deepEqual(result.working, { width: 320, height: 200 });
    assert.ok(result.score > 0.9, `${result.score}`);
  });

  it('stops the browser when aborted mid-render', async () => {
    const controller = new AbortController();
    let profile: string | undefined;
    const scoring = scoreMockup({
      mockup,
      html: '<script>while (true) {}</script>',
      browserPath,
      signal: controller.signal,
      onBrowserStarted: ({ userDataDir }) => {
        profile = userDataDir;
        setTimeout(() => controller.abort(), 1000);
      },
    });
    await rejectsWithCode(scoring, 'cancelled');
    assert.ok(profile);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(processesMentioning(profile), []);
  });
});
