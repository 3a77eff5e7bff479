// E2E harness: a real VS Code (code-server) with this repository loaded as the extension under
// development, opened on the fixture workspace in a real Chromium. openWorkbench() returns once
// the workbench and its Explorer are up and Glimpse has activated, with helpers for what UI tests
// do: right-click an Explorer item and click in its menu (contextMenu.ts), run a command from the
// palette, reach into the webview, wait for a line in the logs, take screenshots, and see every
// network request the page made (to prove, say, that no remote image was fetched). Each helper
// waits for a state the page or the logs show, never for a fixed time.
// Needs `npm run compile && npm run build` and `node scripts/vscode-test/setup.mjs` first.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { loadVscodeTestScripts, repositoryRoot } from '../vscodeTestScripts';
import { clickContextMenuItem, exactly, openContextMenu } from './contextMenu';

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
   * Right-clicks an Explorer item until its context menu lists `menuItem` (a menu opened before
   * the workbench registered the extension lacks its items) and returns that menu item and its
   * label, with the menu left open.
   */
  rightClickExplorerItem(name: string, menuItem: string, timeoutMs?: number): Promise<{ item: Locator; label: string }>;
  /**
   * Right-clicks an Explorer item and clicks `menuItem` in its context menu once the item takes a
   * click; resolves when the menu has closed (the item ran). See contextMenu.ts.
   */
  clickExplorerMenuItem(name: string, menuItem: string): Promise<void>;
  /** Runs a command by its palette title, e.g. "Glimpse: Open Chat"; resolves once the palette took it. */
  runCommand(title: string): Promise<void>;
  /**
   * Resolves with the `count`-th (default: first) server-side log line (extension host, the Glimpse
   * channel) matching `pattern`, among those written at or after `since` when given; rejects after
   * `timeoutMs`.
   */
  waitForLogLine(pattern: RegExp, options?: { since?: Date; count?: number; timeoutMs?: number }): Promise<string>;
  /** The extension folder VS Code installed the VSIX into (with installedVsix). */
  installedExtensionFolder(): Promise<string | undefined>;
  /** Every log file the server side wrote (extension host, output channels), concatenated. */
  serverLogs(): Promise<string>;
  dispose(): Promise<void>;
}

const workbenchTimeoutMs = 120_000;
const logPollMs = 250;
const paletteTimeoutMs = 10_000;
/** The line the extension logs at the end of activate(). */
const activatedLine = /\[info\] Glimpse activated in [\d.]+ ms\./;

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

    const serverLogs = async () => {
      const root = path.join(server.userDataDirectory, 'logs');
      const entries = await fs.readdir(root, { recursive: true }).catch(() => [] as string[]);
      const texts = await Promise.all(entries.filter((entry) => entry.endsWith('.log')).map((entry) => fs.readFile(path.join(root, entry), 'utf8').catch(() => '')));
      return texts.join('\n');
    };
    const workbench: Workbench = {
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
        const { item, label } = await openContextMenu(page, explorerItem(name), menuItem, timeoutMs);
        return { item, label };
      },
      async clickExplorerMenuItem(name, menuItem) {
        await clickContextMenuItem(page, explorerItem(name), menuItem);
      },
      async runCommand(title) {
        const widget = page.locator('.quick-input-widget');
        const input = widget.locator('input');
        await page.keyboard.press('F1');
        await input.waitFor({ state: 'visible', timeout: paletteTimeoutMs });
        const query = `>${title}`;
        await input.fill(query);
        // The palette ranks recently used commands first: the command's row must be the one
        // Enter takes (a row of the list the query filtered: its aria-label starts with the title).
        const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exactly(title) }) }).first();
        await row.waitFor({ state: 'visible', timeout: paletteTimeoutMs });
        if (await row.evaluate((element) => element.classList.contains('focused'))) await input.press('Enter');
        else await row.click();
        // Taken: the palette closed, or shows what the command opened (a quick pick of its own).
        await page.waitForFunction(([selector, typed]) => {
          const field = (globalThis as unknown as { document: { querySelector(s: string): { value: string; checkVisibility(): boolean } | null } }).document.querySelector(selector);
          return !field || !field.checkVisibility() || field.value !== typed;
        }, ['.quick-input-widget input', query] as const, { timeout: paletteTimeoutMs });
      },
      async waitForLogLine(pattern, { since, count = 1, timeoutMs = 60_000 } = {}) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          // Oldest first: the logs are several files, each in order.
          const lines = (await serverLogs()).split('\n')
            .filter((candidate) => pattern.test(candidate) && (!since || loggedAt(candidate) >= since.getTime()))
            .sort((a, b) => loggedAt(a) - loggedAt(b));
          if (lines.length >= count) return lines[count - 1];
          if (Date.now() > deadline) throw new Error(`${lines.length} of ${count} log lines matched ${pattern}${since ? ` after ${since.toISOString()}` : ''} within ${timeoutMs / 1000} s.`);
          await new Promise((resolve) => setTimeout(resolve, logPollMs));
        }
      },
      async installedExtensionFolder() {
        const entries = await fs.readdir(server.extensionsDirectory).catch(() => [] as string[]);
        const folder = entries.find((entry) => entry.startsWith('glimpse-dev.glimpse-'));
        return folder ? path.join(server.extensionsDirectory, folder) : undefined;
      },
      serverLogs,
      dispose,
    };
    await workbench.waitForLogLine(activatedLine, { timeoutMs: workbenchTimeoutMs }).catch((error: unknown) => {
      throw new Error(`Glimpse did not activate: ${error instanceof Error ? error.message : String(error)} The extension host's log, for the reason:\n${(server.log())}`);
    });
    return workbench;
  } catch (error) {
    if (chromium) {
      await fs.mkdir(paths.screenshotsDirectory, { recursive: true });
      await chromium.page.screenshot({ path: path.join(paths.screenshotsDirectory, 'workbench-failed-to-open.png') }).catch(() => undefined);
    }
    await dispose();
    throw error;
  }
}

/** When a log line ("2026-12-03 11:41:57.331 [info] …", local time) was written, in ms since the epoch; NaN for other lines. */
function loggedAt(line: string): number {
  const stamp = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}\.\d{3}) /.exec(line);
  return stamp ? new Date(`${stamp[1]}T${stamp[2]}`).getTime() : Number.NaN;
}
