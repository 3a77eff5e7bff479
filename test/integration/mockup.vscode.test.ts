// Generate Code from Mockup inside a real VS Code extension host with the real llama-server and the
// tiny synthetic pair. The model's text is gibberish: the tests assert on the document (language,
// that it holds what was generated), the preview panel, the score's bounds, and Stop.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { prepareImage } from '../../src/core/images/prepare';
import type { MockupOutcome } from '../../src/vscode/mockupController';
import type { MockupCommandArgs } from '../../src/vscode/mockupCommand';
import { glimpseApi } from './glimpseApi';



function workspaceFile(name: string): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, name).fsPath;
}

async function generate(args: MockupCommandArgs): Promise<MockupOutcome> {
  const outcome = await vscode.commands.executeCommand<MockupOutcome>('glimpse.generateFromMockup', args);
  assert.ok(outcome, 'the command returns the outcome');
  return outcome;
}

function previewTabOpen(name: string): boolean {
  return vscode.window.tabGroups.all.some((group) => group.tabs.some((tab) => tab.input instanceof vscode.TabInputWebview && tab.label === `Preview: ${name}`));
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Generate Code from Mockup (real extension host, real engine)', function () {
  this.timeout(180_000);
  const config = () => vscode.workspace.getConfiguration('glimpse');

  before(async () => {
    await config().update('mockup.maxTokens', 48, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await config().update('mockup.maxTokens', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('puts the generated HTML into a new html editor, opens the preview beside it and scores the render', async () => {
    const outcome = await generate({ file: workspaceFile('screenshot.png'), target: 'html', instructions: '', twoStep: true, score: true });
    assert.equal(outcome.status, 'done', outcome.error);
    assert.ok(outcome.document, 'a document was opened');
    assert.equal(outcome.document.languageId, 'html');
    assert.equal(outcome.document.isUntitled, true);
    assert.equal(outcome.document.getText(), outcome.code, 'the editor holds exactly the generated code');
    assert.ok(outcome.code.length > 0, 'something was generated');
    assert.ok(outcome.inventory !== undefined && outcome.inventory.length > 0, 'the two-step run produced an inventory first');
    assert.ok(previewTabOpen('screenshot.png'), 'the preview panel is open');
    const score = outcome.score;
    assert.ok(score, 'a score was attempted for an HTML target');
    assert.equal(score.state, 'done', score.message);
    assert.ok(score.score !== undefined && score.score >= 0 && score.score <= 1, `score ${score.score} in [0, 1]`);
  });

  it('opens React code as typescriptreact, in one step, without an inventory', async () => {
    const outcome = await generate({ file: workspaceFile('screenshot.png'), target: 'react', instructions: 'use hooks', twoStep: false, score: true });
    assert.equal(outcome.status, 'done', outcome.error);
    assert.equal(outcome.document?.languageId, 'typescriptreact');
    assert.equal(outcome.inventory, undefined);
    assert.equal(outcome.score, undefined, 'React has no render to score, even with scoring on');
  });

  it('Stop keeps the partial code in the editor, marked as incomplete', async () => {
    const glimpse = await glimpseApi();
    await config().update('mockup.maxTokens', 1500, vscode.ConfigurationTarget.Global);
    // The synthetic model could end its answer (end-of-text) before Stop: its engine ignores that token.
    process.env.GLIMPSE_LLAMA_SERVER_ARGS = '--ignore-eos';
    try {
      let answerChars = 0;
      const subscription = glimpse.mockup().onDidProgress((progress) => { answerChars = progress.answerChars; });
      const running = generate({ file: workspaceFile('screenshot.png'), target: 'tailwind', instructions: '', twoStep: false, score: false });
      await waitFor(() => answerChars > 20, 120_000, 'the answer to stream');
      subscription.dispose();
      await vscode.commands.executeCommand('glimpse.stopAnswer');
      const outcome = await running;
      assert.equal(outcome.status, 'stopped');
      assert.ok(outcome.document, 'the document stays open');
      assert.match(outcome.document.getText(), /^<!-- Glimpse: generation was stopped; this code is incomplete\. -->\n\S/);
      assert.equal(outcome.document.getText(), outcome.code);
      assert.equal(glimpse.mockup().isGenerating, false);
    } finally {
      delete process.env.GLIMPSE_LLAMA_SERVER_ARGS;
      await config().update('mockup.maxTokens', 48, vscode.ConfigurationTarget.Global);
    }
  });

  it('from the chat panel, takes the image attached there', async () => {
    const glimpse = await glimpseApi();
    let pendingId = '';
    const watching = glimpse.chat().onDidPost((message) => {
      if (message.type === 'pendingImages' && message.images[0]) pendingId = message.images[0].id;
    });
    await glimpse.chat().attach([{ path: workspaceFile('quadrants.png') }]);
    watching.dispose();
    assert.deepEqual(glimpse.chat().mockupSource(), { path: workspaceFile('quadrants.png') });
    // A crop of the attached image is what the mockup takes, as the question would.
    await glimpse.chat().cropPending(pendingId, { x: 0, y: 0, width: 32, height: 32 });
    const cropped = glimpse.chat().mockupSource();
    assert.deepEqual(cropped, { path: workspaceFile('quadrants.png'), crop: { x: 0, y: 0, width: 32, height: 32 } }, 'the file with the crop, cut when it is prepared');
    const prepared = await prepareImage(cropped, { maxLongSide: 1024 });
    assert.deepEqual([prepared.width, prepared.height], [32, 32]);
    await glimpse.chat().cropPending(pendingId, { x: 0, y: 0, width: 64, height: 64 });
    assert.deepEqual(glimpse.chat().mockupSource(), { path: workspaceFile('quadrants.png') }, 'the whole image undoes the crop');
    const outcome = await generate({ fromChat: true, target: 'vue', instructions: '', twoStep: false, score: false });
    glimpse.chat().clearPendingImages();
    assert.equal(outcome.status, 'done', outcome.error);
    assert.ok(previewTabOpen('quadrants.png'), 'the preview is titled after the chat image');
    assert.ok(outcome.document, 'a document was opened');
  });

  it('refuses a file that is not an image with a clear error and opens nothing', async () => {
    const before = vscode.workspace.textDocuments.length;
    const outcome = await generate({ file: workspaceFile('corrupt.png'), target: 'html', instructions: '', score: false });
    assert.equal(outcome.status, 'error');
    assert.equal(outcome.errorCode, 'image-corrupt');
    assert.match(outcome.error ?? '', /corrupt\.png/);
    assert.equal(vscode.workspace.textDocuments.length, before, 'no editor was opened for it');
    assert.equal(previewTabOpen('corrupt.png'), false, 'no preview was opened for it');
  });
});
