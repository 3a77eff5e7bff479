#!/usr/bin/env node
// `npm run test:integration`: runs test/integration/**/*.vscode.test.ts inside a real VS Code
// extension host. code-server serves VS Code; Chromium opens it with a payload that loads this
// repository as the extension under development and runs out/test/integration/index.js there.
// The tests index writes its results to a JSON file (GLIMPSE_TEST_RESULTS); the page reports the
// end of the run through window.codeAutomationExit. Builds nothing: run `npm run compile` and
// `npm run build` first (npm test's pretest does), and `node scripts/vscode-test/setup.mjs` once.
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { launchChromium } from './browser.mjs';
import { startCodeServer, workbenchUrl } from './codeServer.mjs';
import { prepareWorkspace, tinyModelSettings } from './fixtures.mjs';
import { printResults, readResults, summaryLine } from './results.mjs';
import { assertInstalled, codeServerVersion, generatedDirectory, repositoryRoot, screenshotsDirectory } from './paths.mjs';

const timeoutMs = Number(process.env.GLIMPSE_INTEGRATION_TIMEOUT_MS ?? 8 * 60_000);
const resultsPath = path.join(generatedDirectory, 'integration-results.json');
const logsDirectory = path.join(generatedDirectory, 'integration-logs');
const testsIndex = path.join(repositoryRoot, 'out', 'test', 'integration', 'index');
const keptConsoleMessages = 200;

async function main() {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  assertInstalled();
  for (const built of [`${testsIndex}.js`, path.join(repositoryRoot, 'dist', 'extension.js')]) {
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run compile && npm run build\` first.`);
  }
  const workspace = await prepareWorkspace();
  const settings = await tinyModelSettings();
  await fs.rm(resultsPath, { force: true });
  await fs.rm(logsDirectory, { recursive: true, force: true });

  console.log(`Integration tests in VS Code (code-server ${codeServerVersion}, Chromium), workspace ${workspace}`);
  const server = await startCodeServer({ settings, env: { GLIMPSE_TEST_RESULTS: resultsPath } });
  const browser = await launchChromium();
  const consoleMessages = [];
  const keepConsoleMessage = (line) => {
    consoleMessages.push(line);
    if (consoleMessages.length > keptConsoleMessages) consoleMessages.shift();
  };
  try {
    const { page } = browser;
    page.on('console', (message) => keepConsoleMessage(`[${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => keepConsoleMessage(`[pageerror] ${error.message}`));
    const exit = new Promise((resolve) => {
      void page.exposeFunction('codeAutomationExit', async (code, logs) => {
        await saveLogs(logs);
        resolve(code);
      });
    });
    const url = workbenchUrl(server, { folder: workspace, extensionDevelopmentPath: repositoryRoot, extensionTestsPath: testsIndex });
    console.log(`code-server listening on ${server.url} after ${elapsed()}; opening the workbench`);
    await page.goto(url);

    let timer;
    const timedOut = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([exit, timedOut]);
    clearTimeout(timer);

    if (outcome === 'timeout') {
      console.log(`\nThe tests did not finish within ${timeoutMs / 1000} s.`);
      const screenshot = path.join(screenshotsDirectory, 'integration-timeout.png');
      await fs.mkdir(screenshotsDirectory, { recursive: true });
      await page.screenshot({ path: screenshot }).catch((error) => console.log(`(no screenshot: ${error.message})`));
      console.log(`Screenshot: ${screenshot}`);
      printTail('Last browser console messages', consoleMessages);
      printTail('Last code-server output', server.log().split('\n').slice(-60));
      console.log(`\n${summaryLine(undefined)}`);
      return 1;
    }

    const results = await readResults(resultsPath);
    printResults(results);
    const failed = results?.failures.length ?? 0;
    console.log(`\nVS Code exited with code ${outcome} after ${elapsed()}`);
    const ok = outcome === 0 && results !== undefined && failed === 0 && results.passes.length > 0;
    if (!ok) {
      printTail('Browser console errors', consoleMessages.filter((line) => /^\[(error|pageerror)\]/.test(line)));
      printTail('Last code-server output', server.log().split('\n').slice(-60));
      console.log(`VS Code's logs (browser side, and server side with the extension host under server/): ${logsDirectory}`);
    }
    console.log(`\n${summaryLine(results)}`);
    return ok ? 0 : 1;
  } finally {
    await server.saveServerLogs(path.join(logsDirectory, 'server'));
    await browser.dispose();
    await server.dispose();
  }
}

/** VS Code hands its log files (window, extension host, …) to codeAutomationExit. */
async function saveLogs(logs) {
  if (!Array.isArray(logs)) return;
  for (const { relativePath, contents } of logs) {
    if (typeof relativePath !== 'string' || typeof contents !== 'string') continue;
    const target = path.join(logsDirectory, path.normalize(relativePath).replace(/^(\.\.[/\\])+/, ''));
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, contents);
  }
}

function printTail(title, lines) {
  console.log(`\n--- ${title} (${lines.length}) ---`);
  for (const line of lines) console.log(line.length > 2000 ? `${line.slice(0, 2000)}…` : line);
}

main().then(
  (code) => (process.exitCode = code),
  (error) => {
    console.error(`\nIntegration run failed: ${error instanceof Error ? error.stack : error}`);
    process.exitCode = 1;
  },
);
