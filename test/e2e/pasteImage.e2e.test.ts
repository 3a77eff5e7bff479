// End to end in Chromium: a screenshot pasted into the chat panel (a real paste event carrying a
// PNG file, as the clipboard delivers it) is prepared by the extension, shown with what the model
// will see, and sent with the question; an over-size paste gets its message; dragging a file over
// the panel shows the Shift hint VS Code needs for a drop into a webview.

import * as assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { openChat, pasteFile } from './chatPanel';
import { openWorkbench, type Workbench } from './harness';

describe('Paste a screenshot into the chat panel (code-server + Chromium, real engine)', function () {
  this.timeout(240_000);
  let workbench: Workbench;
  let panel: FrameLocator;

  before(async () => {
    workbench = await openWorkbench({ settings: { 'glimpse.maxTokens': 32 } });
    panel = await openChat(workbench);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await workbench?.screenshot(`failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });
  after(async () => {
    await workbench?.dispose();
  });

  it('a pasted PNG shows what the model will see and is sent with the question', async () => {
    const png = fs.readFileSync(path.join(workbench.workspace, 'screenshot.png')).toString('base64');
    await pasteFile(panel, { name: 'clipboard.png', type: 'image/png', base64: png });
    const pending = panel.locator('.pending-image-item');
    await pending.first().waitFor({ state: 'visible', timeout: 60_000 });
    assert.match((await pending.first().textContent()) ?? '', /448×280 · 16 tokens/);
    await workbench.screenshot('paste-pending-image');
    assert.match((await panel.locator('.model-label').textContent()) ?? '', /glimpse-synthetic-tiny-llava \(synthetic demo model/);

    await panel.locator('.question-input').fill('What is in this screenshot?');
    await panel.locator('.question-input').press('Enter');
    // The panel shows the question once the extension took it, having cancelled any prefill
    // running, and none runs during the answer: from here, the first prefill to complete is the
    // one that follows the answer (the conversation so far, the box empty), the second the draft's.
    await panel.locator('.turn-user').first().waitFor({ state: 'visible', timeout: 30_000 });
    const asked = new Date();
    const answer = panel.locator('.turn-assistant').last();
    await answer.locator('.turn-stats').waitFor({ state: 'visible', timeout: 90_000 });
    const question = panel.locator('.turn-user').last();
    assert.equal(await question.locator('.thumbnail img').count(), 1);
    assert.match((await question.textContent()) ?? '', /What is in this screenshot\?/);
    assert.equal(await pending.count(), 0, 'the sent image left the composer');

    // A follow-up in the same conversation, typed with a pause: the extension prefills the draft
    // (after 0.4 s of quiet; the tiny model reads it in milliseconds), so once sent, only the
    // last words and the turn's closing tokens are new to the server (with the prefill off: 86).
    // The typing starts once the prefill after the answer is done, and pauses until the Glimpse
    // log says the draft was prefilled.
    const prefilled = /\[chat\] prefilled the draft:/;
    await workbench.waitForLogLine(prefilled, { since: asked, count: 1 });
    await panel.locator('.question-input').pressSequentially('And which colours');
    await workbench.waitForLogLine(prefilled, { since: asked, count: 2 });
    await panel.locator('.question-input').pressSequentially(' does it use?');
    await panel.locator('.question-input').press('Enter');
    const stats = panel.locator('.turn-assistant').nth(1).locator('.turn-stats');
    await stats.waitFor({ state: 'visible', timeout: 90_000 });
    assert.equal(await panel.locator('.turn-user').count(), 2);
    const [, prompt, cached] = /prompt (\d+) tokens, (\d+) cached/.exec((await stats.textContent()) ?? '') ?? [];
    const evaluated = Number(prompt) - Number(cached);
    assert.ok(evaluated > 0 && evaluated < 20, `the follow-up evaluated ${evaluated} of its ${prompt} prompt tokens (${await stats.textContent()})`);
    await workbench.screenshot('paste-answered');
  });

  it('after a window reload the panel comes back with the whole conversation', async () => {
    // As a user reloads: the workbench shuts down (saving which editors are open, the panel among
    // them) and loads again. A bare page reload can leave before that state is saved.
    const reloaded = workbench.page.waitForEvent('load', { timeout: 60_000 });
    await workbench.runCommand('Developer: Reload Window');
    await reloaded;
    await workbench.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 120_000 });
    panel = workbench.webviewFrame();
    const question = panel.locator('.turn-user').filter({ hasText: 'What is in this screenshot?' });
    await question.waitFor({ state: 'visible', timeout: 90_000 });
    assert.equal(await question.locator('.thumbnail img').count(), 1, 'the image came back from the history');
    await panel.locator('.turn-user').filter({ hasText: 'And which colours does it use?' }).waitFor({ state: 'visible' });
    assert.equal(await panel.locator('.turn-assistant').count(), 2, 'both answers came back');
    await workbench.screenshot('reload-restored');
  });

  it('an over-size paste is refused in the panel with its message, and nothing is attached', async () => {
    await pasteFile(panel, { name: 'huge.png', type: 'image/png', zeroBytes: 21 * 1024 * 1024 });
    const notice = panel.locator('.notice-text');
    await notice.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match((await notice.textContent()) ?? '', /huge\.png is 21\.0 MB; the limit is 20 MB/);
    assert.equal(await panel.locator('.pending-image-item').count(), 0);
  });

  it('dragging a file over the panel shows the Shift hint', async () => {
    await panel.locator('body').evaluate((body) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(8)], 'drop.png', { type: 'image/png' }));
      body.ownerDocument.querySelector('.chat')?.dispatchEvent(new DragEvent('dragenter', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    const hint = panel.locator('.drop-hint');
    await hint.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match((await hint.textContent()) ?? '', /Hold Shift to drop/);
    await workbench.screenshot('drop-hint');
  });
});
