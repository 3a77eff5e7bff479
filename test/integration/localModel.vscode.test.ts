// "Glimpse: Use Local Model Files…" inside the extension host: one model file picked, its
// projector found next to it and checked, both written to the user's settings; a model whose
// folder holds no fitting projector is refused when a projector is required.

import assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';
import { copyConfiguredPair, restoreConfiguredPair, type CopiedPair } from './copiedPair';

describe('Use Local Model Files (real extension host)', function () {
  this.timeout(60_000);
  const config = () => vscode.workspace.getConfiguration('glimpse');
  let pair: CopiedPair;
  let folder: string;

  before(() => {
    pair = copyConfiguredPair('my-model');
    folder = pair.folder;
  });
  after(() => restoreConfiguredPair(pair));

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
