// Settings changes and the engine, inside a real extension host with the real engine: a model and
// its projector set together (Use Local Model Files) restart the running engine once, and so do
// the same two settings written one after the other (the Settings editor's way); a settings write
// that leaves the engine's configuration as it is restarts nothing.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { copyConfiguredPair, restoreConfiguredPair, type CopiedPair } from './copiedPair';
import type { GlimpseApi } from '../../src/extension';
import type { AnswerOutcome } from '../../src/vscode/chatController';
import { glimpseApi } from './glimpseApi';



function workspaceFile(name: string): vscode.Uri {
  return vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, name);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the engine has started `count` times, then a while longer, and returns the final count. */
async function startsSettleAt(glimpse: GlimpseApi, count: number): Promise<number> {
  const deadline = Date.now() + 60_000;
  while (glimpse.engine().engineStarts < count && Date.now() < deadline) await sleep(100);
  // Long enough for any further restart a second write would cause (the quiet time is 400 ms).
  await sleep(2_500);
  return glimpse.engine().engineStarts;
}

describe('Engine settings changes (real extension host, real engine)', function () {
  this.timeout(120_000);
  const config = () => vscode.workspace.getConfiguration('glimpse');
  let pair: CopiedPair;

  before(() => {
    pair = copyConfiguredPair('copy-model');
  });
  after(() => restoreConfiguredPair(pair));

  it('restarts the running engine once for a model and its projector set together, and once for the two written one by one', async () => {
    const glimpse = await glimpseApi();
    const first = await vscode.commands.executeCommand<AnswerOutcome>('glimpse.explainImage', workspaceFile('screenshot.png'));
    assert.equal(first?.status, 'done', first?.error);
    const running = glimpse.engine().engineStarts;
    assert.ok(running >= 1, 'the engine was started for the answer');

    // One command writes the model and the projector (two settings).
    const result = await vscode.commands.executeCommand<{ ok: boolean }>('glimpse.useLocalModel', { modelPath: pair.modelPath });
    assert.equal(result?.ok, true);
    assert.equal(await startsSettleAt(glimpse, running + 1), running + 1, 'one restart for the batch');

    // The same two settings, written back one after the other as the Settings editor would.
    await config().update('modelPath', pair.saved.modelPath, vscode.ConfigurationTarget.Global);
    await config().update('mmprojPath', pair.saved.mmprojPath, vscode.ConfigurationTarget.Global);
    assert.equal(await startsSettleAt(glimpse, running + 2), running + 2, 'one restart for two writes in a row');

    // The engine in use already matches: an answer and a write of the same value start nothing.
    const again = await vscode.commands.executeCommand<AnswerOutcome>('glimpse.explainImage', workspaceFile('screenshot.png'));
    assert.equal(again?.status, 'done', again?.error);
    await config().update('threads', 2, vscode.ConfigurationTarget.Global);
    assert.equal(await startsSettleAt(glimpse, running + 2), running + 2, 'no restart when nothing the engine uses changed');
  });
});
