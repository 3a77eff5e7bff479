// The "Get Started with Glimpse" walkthrough ticks its steps in a real workbench: "Choose a model"
// once a model is set (here before the window opened, and the Welcome page opened after
// activation, none being open at start-up: VS Code alone would never tick it), and
// "Check the engine" once Glimpse: Check the Engine passed.

import * as assert from 'node:assert/strict';
import { openWorkbench, type Workbench } from './harness';

describe('Walkthrough (code-server + Chromium)', function () {
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

  const step = (id: string) => workbench.page.locator(`.getting-started-step[data-step-id="glimpse-dev.glimpse#glimpse.gettingStarted#${id}"]`);

  it('ticks "Choose a model" for a model set before the window opened, and "Check the engine" after the check', async () => {
    const { page } = workbench;
    // After activation (openWorkbench waits for it): the Welcome page opening is what must tick the step.
    await workbench.runCommand('Welcome: Open Walkthrough...');
    // The walkthrough picker replaced the palette: its filter starts empty.
    const input = page.locator('.quick-input-widget input');
    await page.waitForFunction((selector) => (globalThis as unknown as { document: { querySelector(s: string): { value: string } | null } }).document.querySelector(selector)?.value === '',
      '.quick-input-widget input', { timeout: 10_000 });
    await input.fill('Get Started with Glimpse');
    const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'Get Started with Glimpse' }).first();
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    await row.click();
    await step('chooseModel').waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForFunction((selector) => document.querySelector(selector)?.getAttribute('aria-checked') === 'true',
      '.getting-started-step[data-step-id$="#chooseModel"]', { timeout: 15_000 });
    assert.equal(await step('checkEngine').getAttribute('aria-checked'), 'false', 'the engine was not checked yet');
    await workbench.runCommand('Glimpse: Check the Engine');
    await page.waitForFunction((selector) => document.querySelector(selector)?.getAttribute('aria-checked') === 'true',
      '.getting-started-step[data-step-id$="#checkEngine"]', { timeout: 30_000 });
    await workbench.screenshot('walkthrough-ticked');
  });
});
