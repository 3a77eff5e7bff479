// End to end in Chromium: a wide screenshot pasted into the chat panel is sent so small that the
// panel warns its text will be unreadable; Crop… opens the crop dialog on the host's preview, a
// rectangle dragged with the real mouse (pointer events through both webview iframes) is applied,
// and the pending image becomes that crop, prepared for the model's budget (the size line changes
// to the crop's size as sent, the warning goes), and the question carries the cropped image.

import * as assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { createTestImage } from '../fixtures/images';
import { openChat, pasteFile } from './chatPanel';
import { openWorkbench, type Workbench } from './harness';

/** "400 × 280 px of the original · sent at full size" or "… · sent as 448 × 215": the size the crop will be sent at. */
function sentSizeIn(readout: string): { crop: [number, number]; sent: [number, number] } {
  const match = /^(\d+) × (\d+) px of the original · (?:sent at full size|sent as (\d+) × (\d+))/.exec(readout);
  assert.ok(match, `unexpected readout: ${readout}`);
  const crop: [number, number] = [Number(match[1]), Number(match[2])];
  return { crop, sent: match[3] ? [Number(match[3]), Number(match[4])] : crop };
}

describe('Crop a pending image in the chat panel (code-server + Chromium, real engine)', function () {
  this.timeout(240_000);
  let workbench: Workbench;
  let panel: FrameLocator;

  before(async () => {
    workbench = await openWorkbench({ settings: { 'glimpse.maxTokens': 16 } });
    panel = await openChat(workbench);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await workbench?.screenshot(`failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });
  after(async () => {
    await workbench?.dispose();
  });

  it('a wide screenshot warns; a crop dragged with the mouse replaces it, sent sharper, and goes with the question', async () => {
    // 1600×400 of small "text": the tiny model's budget (long side 448) sends it at 448×112, under half its width.
    const png = (await createTestImage({ width: 1600, height: 400, format: 'png', pattern: 'screenshot' })).toString('base64');
    await pasteFile(panel, { name: 'wide.png', type: 'image/png', base64: png });
    const pending = panel.locator('.pending-image-item');
    await pending.first().waitFor({ state: 'visible', timeout: 60_000 });
    assert.match((await pending.first().locator('.image-caption').textContent()) ?? '', /^448×112/);
    await pending.first().locator('.image-warning').waitFor({ state: 'visible' });
    const cropButton = pending.first().locator('.crop-image');
    assert.equal(await cropButton.evaluate((button) => button.classList.contains('suggested')), true, 'the warning emphasises Crop…');

    await cropButton.click();
    const dialog = panel.locator('.crop-overlay[role="dialog"]');
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    const picture = panel.locator('.crop-picture[src^="data:image/jpeg;base64,"]');
    await picture.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match((await panel.locator('.crop-title').textContent()) ?? '', /^Crop wide\.png$/);

    // Drag from 10 %, 15 % to 35 %, 85 % of the picture: about 400 × 280 px of the original.
    const box = await picture.boundingBox();
    assert.ok(box && box.width > 100 && box.height > 20, `the picture is laid out: ${JSON.stringify(box)}`);
    const from = { x: box.x + box.width * 0.1, y: box.y + box.height * 0.15 };
    const to = { x: box.x + box.width * 0.35, y: box.y + box.height * 0.85 };
    const mouse = workbench.page.mouse;
    await mouse.move(from.x, from.y);
    await mouse.down();
    await mouse.move(to.x, to.y, { steps: 10 });
    await mouse.up();

    const readout = (await panel.locator('.crop-readout').textContent()) ?? '';
    const { crop, sent } = sentSizeIn(readout);
    assert.ok(Math.abs(crop[0] - 400) <= 8 && Math.abs(crop[1] - 280) <= 8, `the rectangle follows the mouse: ${readout}`);
    // The selection is drawn where the mouse went (the CSS keeps it on the picture).
    const selection = await panel.locator('.crop-selection').boundingBox();
    assert.ok(selection, 'the selection is visible');
    for (const [actual, expected] of [[selection.x, from.x], [selection.y, from.y], [selection.x + selection.width, to.x], [selection.y + selection.height, to.y]]) {
      assert.ok(Math.abs(actual - expected) <= 3, `selection ${JSON.stringify(selection)} vs drag ${JSON.stringify({ from, to })}`);
    }
    await workbench.screenshot('crop-dialog');

    await panel.locator('.crop-apply').click();
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    const caption = pending.first().locator('.image-caption');
    const expected = `${sent[0]}×${sent[1]}`;
    await panel.locator('.pending-image-item .image-caption', { hasText: new RegExp(`^${expected}`) }).waitFor({ state: 'visible', timeout: 30_000 });
    assert.match((await caption.textContent()) ?? '', new RegExp(`^${expected} · \\d+ tokens$`));
    assert.equal(await pending.first().locator('.image-warning').count(), 0, 'the crop is sent sharp enough: no warning');
    assert.equal(await pending.first().locator('img').getAttribute('alt'), 'wide.png (cropped)');
    assert.equal(await pending.count(), 1, 'the crop replaced the image, it was not added');
    await workbench.screenshot('crop-applied');

    // The question takes the crop: the turn shows it as sent.
    await panel.locator('.question-input').fill('What does this part say?');
    await panel.locator('.question-input').press('Enter');
    await panel.locator('.turn-assistant').last().locator('.turn-stats').waitFor({ state: 'visible', timeout: 90_000 });
    const question = panel.locator('.turn-user').last();
    assert.equal(await question.locator('.thumbnail img').getAttribute('alt'), 'wide.png (cropped)');
    assert.equal(await question.locator('.image-warning').count(), 0);
    assert.equal(await pending.count(), 0);
  });

  it('the dialog works from the keyboard: arrows move the rectangle, Escape closes it without cropping', async () => {
    const png = (await createTestImage({ width: 1600, height: 400, format: 'png', pattern: 'screenshot' })).toString('base64');
    await pasteFile(panel, { name: 'wide-again.png', type: 'image/png', base64: png });
    const pending = panel.locator('.pending-image-item');
    await pending.first().waitFor({ state: 'visible', timeout: 60_000 });
    await pending.first().locator('.crop-image').focus();
    await pending.first().locator('.crop-image').press('Enter');
    await panel.locator('.crop-picture[src^="data:image/jpeg;base64,"]').waitFor({ state: 'visible', timeout: 30_000 });
    const stage = panel.locator('.crop-stage');
    assert.equal(await stage.evaluate((element) => element === element.ownerDocument.activeElement), true, 'focus starts on the crop area');
    const left = async () => panel.locator('.crop-selection').evaluate((element) => (element as HTMLElement).style.left);
    const before = await left();
    await stage.press('ArrowLeft');
    assert.notEqual(await left(), before, 'an arrow key moves the rectangle');
    await stage.press('Escape');
    await panel.locator('.crop-overlay').waitFor({ state: 'hidden', timeout: 10_000 });
    assert.match((await pending.first().locator('.image-caption').textContent()) ?? '', /^448×112/, 'nothing was cropped');
    assert.equal(await pending.first().locator('.crop-image').evaluate((element) => element === element.ownerDocument.activeElement), true, 'focus is back on Crop…');
  });
});
