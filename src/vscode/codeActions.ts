// What the chat panel's code-block buttons do: copy to the clipboard, insert at the cursor of the
// editor the user was last in, or open as a new untitled document in the block's language.

import * as vscode from 'vscode';

/** Markdown fence names → VS Code language ids, where they differ. */
const languageIds: Record<string, string> = {
  js: 'javascript', jsx: 'javascriptreact', ts: 'typescript', tsx: 'typescriptreact', py: 'python', sh: 'shellscript',
  bash: 'shellscript', shell: 'shellscript', zsh: 'shellscript', yml: 'yaml', md: 'markdown', 'c++': 'cpp', cs: 'csharp',
  'c#': 'csharp', rb: 'ruby', rs: 'rust', kt: 'kotlin', ps1: 'powershell', vue: 'vue', html: 'html', css: 'css', json: 'json',
};

export function languageIdFor(fence: string): string {
  const name = fence.trim().toLowerCase();
  if (!name) return 'plaintext';
  return languageIds[name] ?? name;
}

export async function runCodeAction(action: 'copy' | 'insert' | 'open', code: string, language: string, lastEditor: vscode.TextEditor | undefined): Promise<string> {
  if (action === 'copy') {
    await vscode.env.clipboard.writeText(code);
    return 'Copied to the clipboard.';
  }
  if (action === 'insert') {
    const editor = lastEditor && !lastEditor.document.isClosed ? lastEditor : undefined;
    if (!editor) {
      const document = await vscode.workspace.openTextDocument({ content: code, language: languageIdFor(language) });
      await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
      return 'No editor was open, so the code opened in a new one.';
    }
    await vscode.window.showTextDocument(editor.document, editor.viewColumn);
    await editor.edit((edit) => {
      for (const selection of editor.selections) edit.replace(selection, code);
    });
    return `Inserted into ${vscode.workspace.asRelativePath(editor.document.uri)}.`;
  }
  const document = await vscode.workspace.openTextDocument({ content: code, language: languageIdFor(language) });
  await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
  return 'Opened in a new editor.';
}
