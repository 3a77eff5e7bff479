// The extension's wording of a core error: the core's message (which names no setting), then the
// VS Code settings the error says to change; Open Settings searches for exactly those.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { locateServer } from '../../../src/core/engine/locateServer';
import { GlimpseError } from '../../../src/core/errors';
import { checkModelPair } from '../../../src/core/models/pairCheck';
import type { UserOption } from '../../../src/core/userOptions';
import { editorErrorText, settingIds, settingsQuery } from '../../../src/vscode/settingNames';
import { failureOf } from '../../fixtures/glimpseErrors';

const repoRoot = path.resolve(__dirname, '../../../..');

describe('VS Code wording of core errors', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-setting-names-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a llama-server path that does not exist names the setting "glimpse.serverPath"', async () => {
    const missing = path.join(dir, 'llama-server');
    const failure = await failureOf(locateServer(missing, { cacheRoot: path.join(dir, 'cache') }));
    assert.equal(
      editorErrorText(failure),
      `The llama-server path you set does not exist: ${missing}. Fix it, or clear it to use the engine that comes with Glimpse. Setting: "glimpse.serverPath".`,
    );
  });

  it('a model file that does not exist names the setting "glimpse.modelPath"', async () => {
    const missing = path.join(dir, 'model.gguf');
    const failure = await failureOf(checkModelPair({ modelPath: missing, mmprojPath: path.join(dir, 'mmproj.gguf') }));
    assert.equal(failure.code, 'file-missing');
    assert.equal(
      editorErrorText(failure),
      `The model file model.gguf does not exist: ${missing}. Check the path, or download the file again. Setting: "glimpse.modelPath".`,
    );
  });

  it('lists several settings in the order the error names them, and adds nothing when it names none', () => {
    const both = new GlimpseError('download-http-error', 'Refused.', { optionsToChange: ['modelPath', 'mmprojPath'] });
    assert.equal(editorErrorText(both), 'Refused. Settings: "glimpse.modelPath", "glimpse.mmprojPath".');
    assert.equal(editorErrorText(new GlimpseError('engine-exited', 'It stopped.')), 'It stopped.');
  });

  it('Open Settings searches for exactly the settings named, or all of Glimpse\'s', () => {
    assert.equal(settingsQuery(['serverPath']), '@id:glimpse.serverPath');
    assert.equal(settingsQuery(['maxTokens', 'contextSize']), '@id:glimpse.maxTokens,glimpse.contextSize');
    assert.equal(settingsQuery([]), 'glimpse.');
  });

  it('every option names a setting the extension contributes', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, unknown> } | { properties: Record<string, unknown> }[] };
    };
    const sections = [manifest.contributes.configuration].flat();
    const contributed = new Set(sections.flatMap((section) => Object.keys(section.properties)));
    for (const [option, id] of Object.entries(settingIds) as [UserOption, string][]) {
      assert.ok(contributed.has(id), `${option} → ${id} is not in package.json`);
    }
  });
});
