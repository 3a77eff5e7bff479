// The code-block buttons of the chat panel, host side: copy, insert at the cursor of the last
// editor, open as a new document in the right language.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { languageIdFor, runCodeAction } from '../../src/vscode/codeActions';

describe('Code in answers (real extension host)', function () {
  this.timeout(60_000);
  const code = 'const answer: number = 42;\n<b>not html</b>\n';

  it('copies the code exactly', async () => {
    await runCodeAction('copy', code, 'ts', undefined);
    assert.equal(await vscode.env.clipboard.readText(), code);
  });

  it('inserts at the cursor of the last editor, replacing its selection', async () => {
    const document = await vscode.workspace.openTextDocument({ content: 'before|after', language: 'plaintext' });
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(0, 6, 0, 7);
    const result = await runCodeAction('insert', 'X', 'ts', editor);
    assert.equal(document.getText(), 'beforeXafter');
    assert.match(result, /Inserted into/);
  });

  it('opens a new editor in the block\'s language', async () => {
    await runCodeAction('open', code, 'tsx', undefined);
    const active = vscode.window.activeTextEditor;
    assert.equal(active?.document.getText(), code);
    assert.equal(active?.document.languageId, 'typescriptreact');
    assert.equal(languageIdFor(''), 'plaintext');
    assert.equal(languageIdFor('Python'), 'python');
  });
});
