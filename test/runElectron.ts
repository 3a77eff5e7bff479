// `npm run test:integration:electron`: the standard launcher for machines that can download
// VS Code. @vscode/test-electron downloads a desktop VS Code, opens the fixture workspace with
// this repository as the extension under development, and runs the same integration suite
// (out/test/integration/index.js) as `npm run test:integration`, which drives code-server here
// because this CI cannot reach Microsoft's download servers. Run `npm run compile && npm run
// build` first.

import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { loadVscodeTestScripts, repositoryRoot } from './vscodeTestScripts';

async function main(): Promise<number> {
  const { codeServer, fixtures, paths, results: resultsFile } = await loadVscodeTestScripts();
  const workspace = await fixtures.prepareWorkspace();
  const resultsPath = path.join(paths.generatedDirectory, 'integration-results.json');
  await fs.rm(resultsPath, { force: true });

  // A fresh profile with the tiny model in the user settings (a desktop window is local, so
  // machine-scoped settings apply from there).
  const userDataDirectory = await fs.mkdtemp(path.join(os.tmpdir(), 'glimpse-vscode-'));
  await fs.mkdir(path.join(userDataDirectory, 'User'), { recursive: true });
  const settings = { ...codeServer.fastLoadSettings, ...(await fixtures.tinyModelSettings()) };
  await fs.writeFile(path.join(userDataDirectory, 'User', 'settings.json'), JSON.stringify(settings, null, 2));

  let exitCode: number;
  try {
    exitCode = await runTests({
      version: process.env.GLIMPSE_VSCODE_VERSION ?? 'stable',
      extensionDevelopmentPath: repositoryRoot,
      extensionTestsPath: path.join(repositoryRoot, 'out', 'test', 'integration', 'index'),
      extensionTestsEnv: { GLIMPSE_TEST_RESULTS: resultsPath },
      launchArgs: [workspace, '--disable-extensions', `--user-data-dir=${userDataDirectory}`],
    });
  } catch (error) {
    // runTests rejects when VS Code exits non-zero (a failing test) or cannot be downloaded.
    console.error(error instanceof Error ? error.message : String(error));
    exitCode = 1;
  } finally {
    await fs.rm(userDataDirectory, { recursive: true, force: true, maxRetries: 3 });
  }
  const results = await resultsFile.readResults(resultsPath);
  resultsFile.printResults(results);
  console.log(`\n${resultsFile.summaryLine(results)}`);
  const passed = exitCode === 0 && results !== undefined && results.failures.length === 0 && results.passes.length > 0;
  return passed ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exitCode = 1;
  },
);
