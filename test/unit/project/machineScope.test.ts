// Every setting that chooses what Glimpse loads or runs is machine-scoped in package.json, by the
// rule written in test/fixtures/machineScope.ts (which the integration test applies to the
// installed extension too).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { type ExtensionManifest, machineSettings, settingsMissingMachineScope, whyMachineScoped } from '../../fixtures/machineScope';

const repoRoot = path.resolve(__dirname, '../../../..');
const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as ExtensionManifest;
const nls = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.nls.json'), 'utf8')) as Record<string, string>;

describe('machine-scoped settings', () => {
  it('package.json declares every setting that chooses what is loaded or run with machine scope', () => {
    assert.deepEqual(settingsMissingMachineScope(manifest, nls), []);
  });

  it('each part of the rule picks at least one of package.json’s settings (none is dead)', () => {
    const reasons = new Set(machineSettings(manifest, nls).map((setting) => setting.reason));
    for (const key of ['glimpse.x.somePath', 'glimpse.x.someUrl', 'glimpse.remote.x']) {
      assert.ok(reasons.has(whyMachineScoped(key, {}) ?? ''), `no setting is picked because it ${whyMachineScoped(key, {})}`);
    }
    assert.ok(reasons.has(whyMachineScoped('glimpse.x', { description: 'llama-server' }) ?? ''), 'no setting names llama-server');
  });

  it('picks a setting by its key, or by a description (localized, or of a choice) that names llama-server', () => {
    const picked = (key: string, declaration = {}) => whyMachineScoped(key, declaration, { 'threads.description': 'CPU threads (llama-server `-t`).' }) !== undefined;
    assert.equal(picked('glimpse.modelPath'), true);
    assert.equal(picked('glimpse.remote.url'), true);
    assert.equal(picked('glimpse.engineDownloadBaseUrl'), true);
    assert.equal(picked('glimpse.remote.headers'), true);
    assert.equal(picked('glimpse.threads', { markdownDescription: '%threads.description%' }), true);
    assert.equal(picked('glimpse.backend', { enumDescriptions: ['llama.cpp here (llama-server, started by Glimpse).', 'A remote server.'] }), true);
    assert.equal(picked('glimpse.gpuLayers', { anyOf: [{ description: 'Passed as llama-server -ngl.' }] }), true);
    // Not picked: "Paths" is not the suffix Path, and an answer's length is no engine option.
    assert.equal(picked('glimpse.history.keepPaths'), false);
    assert.equal(picked('glimpse.maxTokens', { markdownDescription: 'Longest answer, in tokens.' }), false);
  });

  it('reports a picked setting that a workspace could set, with the part of the rule that picks it', () => {
    const lines = settingsMissingMachineScope({
      contributes: {
        configuration: {
          properties: {
            'glimpse.browserPath': { scope: 'window' },
            'glimpse.contextSize': { markdownDescription: 'Context size in tokens (llama-server `-c`).' },
            'glimpse.serverPath': { scope: 'machine' },
            'glimpse.temperature': {},
          },
        },
      },
    });
    assert.deepEqual(lines, [
      'glimpse.browserPath (scope window): names a file or a program (key ends in Path)',
      'glimpse.contextSize (scope window, the default): sets how the engine program is started (its description names llama-server)',
    ]);
  });
});
