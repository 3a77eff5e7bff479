// "Glimpse: Open Conversation…": the saved conversations in a quick pick (newest first), each with
// buttons to rename, export as Markdown (with its images) and delete. Files that could not be read
// are reported, having been set aside by the store; they never break the list.

import * as vscode from 'vscode';
import { asGlimpseError } from '../core/errors';
import type { ConversationHistory } from '../core/history/conversationHistory';
import type { HistoryEntry } from '../core/history/historyStore';
import type { ChatController } from './chatController';
import type { Log } from './log';

const renameButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('edit'), tooltip: 'Rename' };
const exportButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('export'), tooltip: 'Export as Markdown' };
const deleteButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('trash'), tooltip: 'Delete' };

type Item = vscode.QuickPickItem & { entry: HistoryEntry };

export async function openConversation(history: ConversationHistory, chat: ChatController, log: Log): Promise<void> {
  const list = await history.store.list();
  for (const file of [...list.setAside, ...list.unreadable]) {
    log.warn(`[history] ${file.message}`);
    void vscode.window.showWarningMessage(file.message);
  }
  if (list.conversations.length === 0) {
    void vscode.window.showInformationMessage('No saved conversations yet: right-click an image in the Explorer and choose Explain Image.');
    return;
  }
  const pick = vscode.window.createQuickPick<Item>();
  pick.title = 'Glimpse: conversations';
  pick.placeholder = 'Open a conversation (buttons: rename, export, delete)';
  const toItems = (entries: readonly HistoryEntry[]): Item[] => entries.map((entry) => ({
    label: entry.title,
    description: `${new Date(entry.updatedAt).toLocaleString()} · ${entry.questionCount} question${entry.questionCount === 1 ? '' : 's'}${entry.interrupted ? ' · interrupted' : ''}`,
    detail: entry.modelLabel,
    buttons: [renameButton, exportButton, deleteButton],
    entry,
  }));
  pick.items = toItems(list.conversations);
  pick.onDidTriggerItemButton(async ({ item, button }) => {
    try {
      if (button === renameButton) {
        const title = await vscode.window.showInputBox({ title: 'Rename conversation', value: item.entry.title, ignoreFocusOut: true });
        if (title !== undefined) await history.store.rename(item.entry.id, title);
      } else if (button === exportButton) {
        const target = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Export here' });
        if (target?.[0]) {
          const file = await history.store.exportMarkdown(item.entry.id, target[0].fsPath);
          void vscode.window.showInformationMessage(`Exported to ${file}`, 'Open').then((choice) => {
            if (choice) void vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file));
          });
        }
      } else if (button === deleteButton) {
        const sure = await vscode.window.showWarningMessage(`Delete "${item.entry.title}" and its images?`, { modal: true }, 'Delete');
        if (sure === 'Delete') await history.store.delete(item.entry.id);
      }
      pick.items = toItems((await history.store.list()).conversations);
    } catch (error) {
      void vscode.window.showErrorMessage(asGlimpseError(error).message);
    }
  });
  pick.onDidAccept(async () => {
    const chosen = pick.selectedItems[0];
    pick.hide();
    if (!chosen) return;
    try {
      await chat.openSaved(chosen.entry.id);
    } catch (error) {
      void vscode.window.showErrorMessage(asGlimpseError(error).message);
    }
  });
  pick.onDidHide(() => pick.dispose());
  pick.show();
}
