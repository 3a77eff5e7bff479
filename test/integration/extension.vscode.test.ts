// Smoke test inside a real VS Code: the extension is installed from this repository, activates,
// and keeps every setting that chooses what is loaded or run at machine scope, so a workspace
// (which may be untrusted) can never point Glimpse at another binary or model.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type ExtensionManifest, settingsMissingMachineScope } from '../fixtures/machineScope';
import { extensionId } from './glimpseApi';


describe('Glimpse extension', () => {
  it('is installed under its publisher.name id', () => {
    assert.ok(vscode.extensions.getExtension(extensionId), `${extensionId} is not among the installed extensions`);
  });

  it('activates without an error', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('declares every setting that chooses what is loaded or run with machine scope', () => {
    // The rule (test/fixtures/machineScope.ts) reads the installed manifest and its descriptions.
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension);
    const nlsFile = path.join(extension.extensionPath, 'package.nls.json');
    const nls = JSON.parse(fs.readFileSync(nlsFile, 'utf8')) as Record<string, string>;
    assert.deepEqual(settingsMissingMachineScope(extension.packageJSON as ExtensionManifest, nls), []);
  });
});
