// Finds a Chromium-family browser (Chromium, Chrome, Edge, Brave) for rendering generated pages
// headless: the explicit path (the browser path the user set) first, then $GLIMPSE_BROWSER, then
// the usual install locations of the platform and the usual names on PATH. An explicit path that
// is not there is reported as such, never silently replaced by another browser.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { UserOption } from '../userOptions';

export interface LocatedBrowser {
  readonly path: string;
  /** `setting`: the explicit path; `env`: $GLIMPSE_BROWSER; `well-known`: an install location; `path`: found on PATH. */
  readonly source: 'setting' | 'env' | 'well-known' | 'path';
}

export type BrowserSearch =
  | { readonly found: LocatedBrowser }
  | {
      readonly found?: undefined;
      /** Every place looked at, in order (for the log). */
      readonly looked: readonly string[];
      /** One sentence for the user: what is missing and what to do. */
      readonly reason: string;
      /** The options `reason` tells the user to change (each front end names them its own way). */
      readonly optionsToChange?: readonly UserOption[];
    };

/** What the search reads from the machine; tests pass their own. */
export interface BrowserSearchHost {
  readonly platform: NodeJS.Platform;
  readonly env: NodeJS.ProcessEnv;
  readonly homedir: string;
  readonly isExecutableFile: (candidate: string) => boolean;
}

export const defaultBrowserSearchHost: BrowserSearchHost = {
  platform: process.platform,
  env: process.env,
  homedir: os.homedir(),
  isExecutableFile,
};

/** Executable names looked up on PATH (Linux, and macOS for Homebrew-style links). */
const unixNames = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'microsoft-edge', 'microsoft-edge-stable', 'brave-browser', 'brave'];

/** Install locations in the order they are tried, for one platform. */
export function wellKnownBrowserPaths(host: Pick<BrowserSearchHost, 'platform' | 'env' | 'homedir'>): string[] {
  if (host.platform === 'win32') {
    const roots = [host.env.PROGRAMFILES, host.env['PROGRAMFILES(X86)'], host.env.LOCALAPPDATA].filter((root): root is string => Boolean(root));
    const relative = [
      ['Google', 'Chrome', 'Application', 'chrome.exe'],
      ['Chromium', 'Application', 'chrome.exe'],
      ['Microsoft', 'Edge', 'Application', 'msedge.exe'],
      ['BraveSoftware', 'Brave-Browser', 'Application', 'brave.exe'],
    ];
    return relative.flatMap((parts) => roots.map((root) => path.win32.join(root, ...parts)));
  }
  if (host.platform === 'darwin') {
    const apps = [
      'Google Chrome.app/Contents/MacOS/Google Chrome',
      'Chromium.app/Contents/MacOS/Chromium',
      'Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
      'Brave Browser.app/Contents/MacOS/Brave Browser',
    ];
    return apps.flatMap((app) => [path.posix.join('/Applications', app), path.posix.join(host.homedir, 'Applications', app)]);
  }
  return [
    ...unixNames.map((name) => path.posix.join('/usr/bin', name)),
    '/snap/bin/chromium',
    '/opt/google/chrome/chrome',
    '/opt/microsoft/msedge/msedge',
    '/opt/brave.com/brave/brave',
  ];
}

/**
 * Where to render from. $GLIMPSE_NO_BROWSER=1 reports no browser whatever is installed (tests and
 * users who want no browser started).
 */
export function locateBrowser(explicitPath?: string, host: BrowserSearchHost = defaultBrowserSearchHost): BrowserSearch {
  if (host.env.GLIMPSE_NO_BROWSER === '1') {
    return { looked: [], reason: 'No browser is used for the visual score because GLIMPSE_NO_BROWSER=1 is set.' };
  }
  const explicit = explicitPath?.trim();
  if (explicit) {
    if (host.isExecutableFile(explicit)) return { found: { path: explicit, source: 'setting' } };
    return {
      looked: [explicit],
      reason: `The browser path you set is not an executable file: ${explicit}. Point it at Chromium, Chrome, Edge or Brave, or clear it to search the usual places.`,
      optionsToChange: ['browserPath'],
    };
  }
  const fromEnv = host.env.GLIMPSE_BROWSER?.trim();
  if (fromEnv) {
    if (host.isExecutableFile(fromEnv)) return { found: { path: fromEnv, source: 'env' } };
    return {
      looked: [fromEnv],
      reason: `GLIMPSE_BROWSER names a browser that is not an executable file: ${fromEnv}. Fix or unset it.`,
    };
  }
  const looked: string[] = [];
  for (const candidate of wellKnownBrowserPaths(host)) {
    looked.push(candidate);
    if (host.isExecutableFile(candidate)) return { found: { path: candidate, source: 'well-known' } };
  }
  if (host.platform !== 'win32') {
    const pathDirectories = (host.env.PATH ?? '').split(path.delimiter).filter(Boolean);
    for (const name of unixNames) {
      for (const directory of pathDirectories) {
        const candidate = path.posix.join(directory, name);
        if (looked.includes(candidate)) continue;
        looked.push(candidate);
        if (host.isExecutableFile(candidate)) return { found: { path: candidate, source: 'path' } };
      }
    }
  }
  return {
    looked,
    reason: 'No Chromium, Chrome, Edge or Brave was found, so the render is not scored against the mockup. Install one, or set the browser path to its executable.',
    optionsToChange: ['browserPath'],
  };
}

function isExecutableFile(candidate: string): boolean {
  try {
    if (!fs.statSync(candidate).isFile()) return false;
    if (process.platform !== 'win32') fs.accessSync(candidate, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
