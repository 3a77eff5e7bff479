// Tests index for the integration tier: VS Code's extension host loads this file (the
// `extensionTestsPath`) and awaits run(). It runs every out/test/integration/**/*.vscode.test.js
// with mocha inside the extension host and writes the results as JSON to the file named by
// GLIMPSE_TEST_RESULTS, because mocha's own output stays in the extension host's log where the
// runner (scripts/vscode-test/runIntegration.mjs, or test/runElectron.ts) cannot see it.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import MochaExport = require('mocha');

/** What the runner prints: one entry per passed or failed test (or hook). */
export interface IntegrationResults {
  passes: { title: string; duration: number }[];
  failures: { title: string; message: string; stack: string }[];
}

/**
 * Mocha 12's entry point is an ES module: required from CommonJS, Node 20 hands back its
 * namespace and Node 24 its CommonJS build. Both carry the class as `.Mocha`.
 */
const Mocha: typeof MochaExport = (MochaExport as unknown as { Mocha?: typeof MochaExport }).Mocha ?? MochaExport;

const testFileSuffix = '.vscode.test.js';

export async function run(): Promise<void> {
  // GLIMPSE_TEST_GREP runs only the tests whose full title matches (while working on one feature).
  const grep = process.env.GLIMPSE_TEST_GREP;
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec', ...(grep ? { grep } : {}) });
  const files = await findTestFiles(__dirname);
  for (const file of files) mocha.addFile(file);
  await mocha.loadFilesAsync();

  const results: IntegrationResults = { passes: [], failures: [] };
  const failureCount = await new Promise<number>((resolve) => {
    const runner = mocha.run(resolve);
    runner.on('pass', (test) => results.passes.push({ title: test.fullTitle(), duration: test.duration ?? 0 }));
    runner.on('fail', (test, error: unknown) => results.failures.push({ title: test.fullTitle(), ...describeError(error) }));
  });

  const resultsPath = process.env.GLIMPSE_TEST_RESULTS;
  if (resultsPath) {
    await fs.mkdir(path.dirname(resultsPath), { recursive: true });
    await fs.writeFile(resultsPath, JSON.stringify(results, null, 2) + '\n');
  }
  if (files.length === 0) throw new Error(`No *${testFileSuffix} files under ${__dirname}: run \`npm run compile\` first.`);
  if (failureCount > 0) throw new Error(`${failureCount} integration test(s) failed.`);
}

/** Every *.vscode.test.js below `directory`, sorted so runs are repeatable. */
async function findTestFiles(directory: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await fs.readdir(directory, { withFileTypes: true })) {
    const entryPath = path.join(directory, entry.name);
    if (entry.isDirectory()) found.push(...(await findTestFiles(entryPath)));
    else if (entry.isFile() && entry.name.endsWith(testFileSuffix)) found.push(entryPath);
  }
  return found.sort();
}

function describeError(error: unknown): { message: string; stack: string } {
  if (error instanceof Error) return { message: error.message, stack: error.stack ?? '' };
  return { message: String(error), stack: '' };
}
