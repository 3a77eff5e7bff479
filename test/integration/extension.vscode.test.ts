// Smoke test inside a real VS Code: the extension is installed from this repository, activates,
// and keeps every setting that chooses what is loaded or run at machine scope, so a workspace
// (which may be untrusted) can never point Glimpse at another binary or model.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const extensionId = 'glimpse-dev.glimpse';

/** Settings that pick a file to load or a process to run, or how long to wait for it. */
const machineScopedSettings = [
  'glimpse.modelPath',
  'glimpse.mmprojPath',
  'glimpse.serverPath',
  'glimpse.threads',
  'glimpse.contextSize',
  'glimpse.startTimeoutSeconds',
];

interface ConfigurationProperty {
  scope?: string;
}

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

  it('declares the settings that choose the model, projector and engine with machine scope', () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension);
    const properties: Record<string, ConfigurationProperty> = extension.packageJSON.contributes?.configuration?.properties ?? {};
    const scopes = Object.fromEntries(machineScopedSettings.map((name) => [name, properties[name]?.scope]));
    assert.deepEqual(scopes, Object.fromEntries(machineScopedSettings.map((name) => [name, 'machine'])));
  });
});
