// "Glimpse: Use Local Model Files…" inside the extension host: one model file picked, its
// projector found next to it and checked, both written to the user's settings; a model whose
// folder holds no fitting projector is refused when a projector is required.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';

describe('Use Local Model Files (real extension host)', function () {
  this.timeout(60_000);
  const config = () => vscode.workspace.getConfiguration('glimpse');
  let saved: { modelPath?: string; mmprojPath?: string };
  let folder: string;

  before(() => {
    saved = { modelPath: config().inspect<string>('modelPath')?.globalValue, mmprojPath: config().inspect<string>('mmprojPath')?.globalValue };
    assert.ok(saved.modelPath && saved.mmprojPath, 'the runner configured the tiny pair');
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-local-model-'));
    fs.copyFileSync(saved.modelPath, path.join(folder, 'my-model.gguf'));
    fs.copyFileSync(saved.mmprojPath, path.join(folder, 'mmproj-my-model-f16.gguf'));
  });
  after(async () => {
    await config().update('modelPath', saved.modelPath, vscode.ConfigurationTarget.Global);
    await config().update('mmprojPath', saved.mmprojPath, vscode.ConfigurationTarget.Global);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('finds the projector next to the picked model and sets both', async () => {
    const result = await vscode.commands.executeCommand<{ ok: boolean; mmprojPath?: string }>('glimpse.useLocalModel', { modelPath: path.join(folder, 'my-model.gguf') });
    assert.equal(result?.ok, true);
    assert.equal(result?.mmprojPath, path.join(folder, 'mmproj-my-model-f16.gguf'));
    assert.equal(config().get('modelPath'), path.join(folder, 'my-model.gguf'));
    assert.equal(config().get('mmprojPath'), path.join(folder, 'mmproj-my-model-f16.gguf'));
  });

  it('refuses a projector given explicitly that belongs to another model, leaving the settings alone', async () => {
    const before = config().get('modelPath');
    const result = await vscode.commands.executeCommand<{ ok: boolean; error?: string }>('glimpse.useLocalModel', {
      modelPath: path.join(folder, 'my-model.gguf'),
      mmprojPath: path.join(folder, 'my-model.gguf'),
    });
    assert.equal(result?.ok, false);
    assert.match(result?.error ?? '', /not a projector|is a language model|clip/i);
    assert.equal(config().get('modelPath'), before);
  });
});
