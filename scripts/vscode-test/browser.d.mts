// Types of browser.mjs for the TypeScript tests that load it (test/e2e/harness.ts).
import type { BrowserContext, Page } from 'playwright-core';

export declare const chromiumFlags: readonly string[];

export interface LaunchedChromium {
  readonly context: BrowserContext;
  readonly page: Page;
  dispose(): Promise<void>;
}

export declare function launchChromium(options?: { viewport?: { width: number; height: number } }): Promise<LaunchedChromium>;
