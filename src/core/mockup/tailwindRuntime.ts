// Tailwind's browser runtime, copied into media/vendor/ at build time (esbuild.mjs): read once per
// process and shared by the live preview, the visual score and the CLI. Undefined when missing
// (a build without it): callers then show and score the page unstyled and say so.

import { promises as fs } from 'node:fs';
import path from 'node:path';

const loaded = new Map<string, Promise<string | undefined>>();

/** The runtime's text from `<mediaDirectory>/vendor/tailwind-browser.js`, or undefined when absent. */
export function loadTailwindRuntime(mediaDirectory: string): Promise<string | undefined> {
  const file = path.join(mediaDirectory, 'vendor', 'tailwind-browser.js');
  let text = loaded.get(file);
  if (!text) {
    text = fs.readFile(file, 'utf8').catch(() => undefined);
    loaded.set(file, text);
  }
  return text;
}
