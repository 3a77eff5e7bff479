// E2E smoke test: the workbench opens the fixture workspace with Glimpse loaded, and the Explorer
// offers "Explain Image" on an image file.

import * as assert from 'node:assert/strict';
import { Workbench, openWorkbench } from './harness';

describe('Workbench with Glimpse (code-server + Chromium)', function () {
  this.timeout(180_000);
  let workbench: Workbench;

  before(async () => {
    workbench = await openWorkbench();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await workbench?.screenshot(`failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  after(async () => {
    await workbench?.dispose();
  });

  it('opens the fixture workspace and lists screenshot.png in the Explorer', async () => {
    await workbench.explorerItem('screenshot.png').waitFor({ state: 'visible', timeout: 30_000 });
  });

  it('shows "Explain Image" in the Explorer context menu of an image', async () => {
    const { label } = await workbench.rightClickExplorerItem('screenshot.png', 'Explain Image');
    assert.equal(label, 'Explain Image');
    await workbench.screenshot('explorer-context-menu');
    await workbench.page.keyboard.press('Escape');
  });
});
