// Launches Debian's Chromium through playwright-core (never `npx playwright install`: its
// download servers are out of reach here), headless, with a fresh profile that dispose() removes.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumPath } from './paths.mjs';

export const chromiumFlags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * @param {object} [options]
 * @param {{ width: number, height: number }} [options.viewport]
 */
export async function launchChromium({ viewport = { width: 1440, height: 900 } } = {}) {
  const profileDirectory = await fs.mkdtemp(path.join(os.tmpdir(), 'glimpse-chromium-'));
  const context = await chromium.launchPersistentContext(profileDirectory, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumFlags,
    viewport,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  let disposed = false;
  return {
    context,
    page,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await context.close().catch(() => undefined);
      await fs.rm(profileDirectory, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}
