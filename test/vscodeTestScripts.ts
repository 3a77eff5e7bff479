// Loads the ES modules in scripts/vscode-test/ (code-server, Chromium, fixtures) from the compiled
// CommonJS tests. The path is resolved at run time from the repository root, because the compiled
// file sits one folder deeper (out/test/…) than its source.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The repository root (this file compiles to out/test/vscodeTestScripts.js). */
export const repositoryRoot = path.resolve(__dirname, '..', '..');

export interface VscodeTestScripts {
  paths: typeof import('../scripts/vscode-test/paths.mjs', { with: { 'resolution-mode': 'import' } });
  codeServer: typeof import('../scripts/vscode-test/codeServer.mjs', { with: { 'resolution-mode': 'import' } });
  browser: typeof import('../scripts/vscode-test/browser.mjs', { with: { 'resolution-mode': 'import' } });
  fixtures: typeof import('../scripts/vscode-test/fixtures.mjs', { with: { 'resolution-mode': 'import' } });
  results: typeof import('../scripts/vscode-test/results.mjs', { with: { 'resolution-mode': 'import' } });
}

export async function loadVscodeTestScripts(): Promise<VscodeTestScripts> {
  const load = (name: string) => import(pathToFileURL(path.join(repositoryRoot, 'scripts', 'vscode-test', `${name}.mjs`)).href);
  const [paths, codeServer, browser, fixtures, results] = await Promise.all(
    ['paths', 'codeServer', 'browser', 'fixtures', 'results'].map(load),
  );
  return { paths, codeServer, browser, fixtures, results };
}
