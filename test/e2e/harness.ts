// E2E harness: a real VS Code (code-server) with this repository loaded as the extension under
// development, opened on the fixture workspace in a real Chromium. openWorkbench() returns once
// the workbench and its Explorer are up, with helpers for what UI tests do: right-click an
// Explorer item, run a command from the palette, reach into the webview, take screenshots, and
// see every network request the page made (to prove, say, that no remote image was fetched).
// Needs `npm run compile && npm run build` and `node scripts/vscode-test/setup.mjs` first.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { loadVscodeTestScripts, repositoryRoot } from '../vscodeTestScripts';

export interface WorkbenchOptions {
  /** Extra user settings, on top of the tiny model's (glimpse.modelPath, glimpse.mmprojPath, glimpse.threads). */
  readonly settings?: Record<string, unknown>;
  /** Leave the model settings out (to test what a user without a model sees). */
  readonly withoutModel?: boolean;
  /** Pass --disable-workspace-trust; by default the workspace asks for trust like a fresh install. */
  readonly disableWorkspaceTrust?: boolean;
  /**
   * Install this VSIX with --install-extension into the fresh profile and run it, instead of
   * loading the checkout as the extension under development.
   */
  readonly installedVsix?: string;
  /** Environment for code-server and its extension host (HOME, PATH…), over this process's. */
  readonly env?: Record<string, string>;
}

export interface RecordedRequest {
  readonly url: string;
  readonly method: string;
  /** Playwright's resource type: document, script, image, fetch, … */
  readonly resourceType: string;
  /** URL of the frame that made it; '' for a service worker's request. */
  readonly frameUrl: string;
}

export interface Workbench {
  readonly page: Page;
  /** The fixture workspace folder (test/.generated/workspace). */
  readonly workspace: string;
  /** Every request the page, its frames (webviews included) and its service workers made, in order. */
  readonly requests: readonly RecordedRequest[];
  /** Browser console messages as `[type] text`, in order. */
  readonly consoleMessages: readonly string[];
  /** Saves a screenshot of the whole window to test/.generated/screenshots/<name>.png; returns its path. */
  screenshot(name: string): Promise<string>;
  /** The content frame of the webview that is ready (a webview sits in two nested iframes). */
  webviewFrame(): FrameLocator;
  /** The Explorer row of a file or folder of the workspace. */
  explorerItem(name: string): Locator;
  /**
   * Right-clicks an Explorer item until its context menu shows `menuItem` (an extension's items
   * appear only once the remote extension host has registered the extension) and returns that
   * menu item and the label it showed once the menu had settled, with the menu left open.
   */
  rightClickExplorerItem(name: string, menuItem: string, timeoutMs?: number): Promise<{ item: Locator; label: string }>;
  /**
   * Right-clicks an Explorer item and clicks `menuItem` in its context menu, opening the menu again
   * when it closes under the pointer (the workbench sometimes re-renders it while it settles).
   */
  clickExplorerMenuItem(name: string, menuItem: string): Promise<void>;
  /** Runs a command by its palette title, e.g. "Glimpse: Open Chat". */
  runCommand(title: string): Promise<void>;
  /** The extension folder VS Code installed the VSIX into (with installedVsix). */
  installedExtensionFolder(): Promise<string | undefined>;
  /** Every log file the server side wrote (extension host, output channels), concatenated. */
  serverLogs(): Promise<string>;
  dispose(): Promise<void>;
}

const workbenchTimeoutMs = 120_000;
const menuAttemptMs = 3_000;
const menuSettleMs = 300;

export async function openWorkbench(options: WorkbenchOptions = {}): Promise<Workbench> {
  const { browser, codeServer, fixtures, paths } = await loadVscodeTestScripts();
  paths.assertInstalled();
  const workspace = await fixtures.prepareWorkspace();
  const modelSettings = options.withoutModel ? {} : await fixtures.tinyModelSettings();
  const server = await codeServer.startCodeServer({
    settings: { ...modelSettings, ...options.settings },
    disableWorkspaceTrust: options.disableWorkspaceTrust ?? false,
    env: options.env,
    installExtensions: options.installedVsix ? [options.installedVsix] : [],
  });
  let chromium: Awaited<ReturnType<typeof browser.launchChromium>> | undefined;
  const dispose = async () => {
    await chromium?.dispose();
    await server.dispose();
  };
  try {
    chromium = await browser.launchChromium();
    const { context, page } = chromium;
    const requests: RecordedRequest[] = [];
    // The context sees the page's requests, its frames' (webviews included) and its service workers'.
    context.on('request', (request) => {
      let frameUrl = '';
      try {
        frameUrl = request.frame().url();
      } catch {
        // A service worker's request belongs to no frame.
      }
      requests.push({ url: request.url(), method: request.method(), resourceType: request.resourceType(), frameUrl });
    });
    const consoleMessages: string[] = [];
    page.on('console', (message) => consoleMessages.push(`[${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => consoleMessages.push(`[pageerror] ${error.message}`));

    const extensionDevelopmentPath = options.installedVsix ? undefined : repositoryRoot;
    await page.goto(codeServer.workbenchUrl(server, { folder: workspace, extensionDevelopmentPath }));
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: workbenchTimeoutMs });
    const explorerItem = (name: string) => page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: exactly(name) });
    // The Explorer lists the folder once the workbench has connected to the server.
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: workbenchTimeoutMs });

    return {
      page,
      workspace,
      requests,
      consoleMessages,
      async screenshot(name) {
        await fs.mkdir(paths.screenshotsDirectory, { recursive: true });
        const file = path.join(paths.screenshotsDirectory, `${name}.png`);
        await page.screenshot({ path: file });
        return file;
      },
      webviewFrame: () => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame'),
      explorerItem,
      async rightClickExplorerItem(name, menuItem, timeoutMs = 90_000) {
        const row = explorerItem(name);
        await row.waitFor({ state: 'visible', timeout: timeoutMs });
        const item = page.locator('.context-view .monaco-menu .action-label').filter({ hasText: exactly(menuItem) });
        const started = Date.now();
        const deadline = started + timeoutMs;
        for (let attempt = 1; ; attempt++) {
          try {
            // Hovering a row shows its path in a hover that can sit over the next row and take the
            // click: the pointer leaves the Explorer before each attempt.
            await page.mouse.move(0, 0);
            await row.click({ button: 'right', timeout: menuAttemptMs });
            await item.first().waitFor({ state: 'visible', timeout: menuAttemptMs });
            // The menu ignores a click that comes right after it opened (seen with Glimpse's items at
            // its bottom, in their own group): let it settle first.
            await page.waitForTimeout(menuSettleMs);
            // The menu can also close while it settles (focus moving to a notification or an editor
            // that opens as the extension activates): read the label now, and try again if it is gone.
            const label = (await item.first().textContent({ timeout: menuSettleMs }))?.trim() ?? '';
            if (attempt > 1) console.log(`      ("${menuItem}" appeared on right-click ${attempt}, after ${((Date.now() - started) / 1000).toFixed(1)} s)`);
            return { item: item.first(), label };
          } catch (error) {
            await page.keyboard.press('Escape');
            if (Date.now() > deadline) {
              const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
              throw new Error(`The context menu of "${name}" did not show "${menuItem}" after ${attempt} attempts in ${timeoutMs / 1000} s (last: ${reason}).`);
            }
            await page.waitForTimeout(500);
          }
        }
      },
      async clickExplorerMenuItem(name, menuItem) {
        const menu = page.locator('.context-view .monaco-menu').first();
        for (let attempt = 1; ; attempt++) {
          const { item } = await (this as Workbench).rightClickExplorerItem(name, menuItem);
          const clicked = await item.click({ timeout: 5_000 }).then(() => true, (error: unknown) => {
            if (attempt >= 4) throw error;
            console.log(`      ("${menuItem}" closed before the click; opening the menu again)`);
            return false;
          });
          // A context key that changes while the menu is open (the extension activating, say)
          // re-renders the menu, and a click in that moment lands on nothing: the menu stays open.
          if (clicked && await menu.waitFor({ state: 'hidden', timeout: 2_000 }).then(() => true, () => false)) return;
          if (clicked) {
            if (attempt >= 4) throw new Error(`"${menuItem}" was clicked ${attempt} times, and each time the menu stayed open.`);
            console.log(`      ("${menuItem}" was clicked while the menu re-rendered; clicking again)`);
          }
          await page.keyboard.press('Escape');
        }
      },
      async runCommand(title) {
        const input = page.locator('.quick-input-widget input');
        await page.keyboard.press('F1');
        await input.waitFor({ state: 'visible', timeout: 10_000 });
        await input.fill(`>${title}`);
        const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first();
        await row.waitFor({ state: 'visible', timeout: 10_000 });
        await input.press('Enter');
      },
      async installedExtensionFolder() {
        const entries = await fs.readdir(server.extensionsDirectory).catch(() => [] as string[]);
        const folder = entries.find((entry) => entry.startsWith('glimpse-dev.glimpse-'));
        return folder ? path.join(server.extensionsDirectory, folder) : undefined;
      },
      async serverLogs() {
        const root = path.join(server.userDataDirectory, 'logs');
        const entries = await fs.readdir(root, { recursive: true }).catch(() => [] as string[]);
        const texts = await Promise.all(entries.filter((entry) => entry.endsWith('.log')).map((entry) => fs.readFile(path.join(root, entry), 'utf8').catch(() => '')));
        return texts.join('\n');
      },
      dispose,
    };
  } catch (error) {
    if (chromium) {
      await fs.mkdir(paths.screenshotsDirectory, { recursive: true });
      await chromium.page.screenshot({ path: path.join(paths.screenshotsDirectory, 'workbench-failed-to-open.png') }).catch(() => undefined);
    }
    await dispose();
    throw error;
  }
}

/** Matches an element whose whole text is `text` (after trimming). */
function exactly(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}
