// What the extension costs VS Code before anyone uses it: the time to load the production bundle
// and run activate() (with a minimal stand-in for the vscode module, in a fresh Node process each
// run), and the sizes of the extension bundle, the webview bundle and the VSIX.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ExtensionCost {
  readonly activationMedianMs: number;
  readonly extensionBundleKiB: number;
  readonly webviewBundleKiB: number;
  readonly vsixMiB?: number;
}

const vscodeStub = `
const disposable = () => ({ dispose() {} });
class EventEmitter { constructor() { this.event = disposable; } fire() {} dispose() {} }
module.exports = {
  window: { createOutputChannel: () => ({ info() {}, warn() {}, error() {}, show() {}, dispose() {} }), createStatusBarItem: () => ({ show() {}, hide() {}, dispose() {} }), registerWebviewPanelSerializer: disposable, tabGroups: { onDidChangeTabs: disposable } },
  commands: { registerCommand: disposable, executeCommand: async () => undefined },
  extensions: { getExtension: () => undefined },
  workspace: { onDidChangeConfiguration: disposable, getConfiguration: () => ({ get: (_k, d) => d, inspect: () => undefined }) },
  StatusBarAlignment: { Right: 2 }, EventEmitter, Uri: class {}, ThemeColor: class {}, ViewColumn: {}, ProgressLocation: {},
};`;

const measure = `
const started = performance.now();
const extension = require(process.argv[1]);
extension.activate({ subscriptions: [], extensionUri: {}, extensionPath: __dirname, globalStorageUri: { fsPath: __dirname }, secrets: {} });
process.stdout.write(String(performance.now() - started));`;

export function benchExtensionCost(repoRoot: string, runs = 9): ExtensionCost {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-activation-'));
  try {
    execFileSync(process.execPath, [path.join(repoRoot, 'esbuild.mjs'), '--production'], { cwd: repoRoot, stdio: 'ignore' });
    fs.mkdirSync(path.join(work, 'node_modules', 'vscode'), { recursive: true });
    fs.writeFileSync(path.join(work, 'node_modules', 'vscode', 'index.js'), vscodeStub);
    const bundle = path.join(work, 'extension.js');
    fs.copyFileSync(path.join(repoRoot, 'dist', 'extension.js'), bundle);
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
      times.push(Number(execFileSync(process.execPath, ['-e', measure, bundle], { cwd: work, encoding: 'utf8' })));
    }
    times.sort((a, b) => a - b);
    let vsixMiB: number | undefined;
    try {
      // The platform VSIX a user installs: this machine's target with the engine inside.
      execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'package.mjs'), '--out', path.join(work, 'glimpse.vsix')], { cwd: repoRoot, stdio: 'ignore' });
      vsixMiB = fs.statSync(path.join(work, 'glimpse.vsix')).size / 2 ** 20;
    } catch {
      // no engine built (or vsce unavailable): leave the figure out
    }
    return {
      activationMedianMs: times[Math.floor(times.length / 2)],
      extensionBundleKiB: fs.statSync(path.join(repoRoot, 'dist', 'extension.js')).size / 1024,
      webviewBundleKiB: fs.statSync(path.join(repoRoot, 'media', 'chat.js')).size / 1024,
      vsixMiB,
    };
  } finally {
    // Back to the development build the tests and `npm start` use.
    execFileSync(process.execPath, [path.join(repoRoot, 'esbuild.mjs')], { cwd: repoRoot, stdio: 'ignore' });
    fs.rmSync(work, { recursive: true, force: true });
  }
}
