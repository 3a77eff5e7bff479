// Conversations are saved as they happen (images once, by content hash) and come back as live
// conversations: a follow-up after a restore sends the same image prefix, so the server reuses it.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { AnswerOutcome } from '../../src/vscode/chatController';
import { ConversationHistory } from '../../src/core/history/conversationHistory';
import { HistoryStore } from '../../src/core/history/historyStore';
import { glimpseApi } from './glimpseApi';


describe('Conversation history (real extension host, real engine)', function () {
  this.timeout(120_000);
  after(async () => {
    await vscode.workspace.getConfiguration('glimpse').update('maxTokens', undefined, vscode.ConfigurationTarget.Global);
  });

  it('saves the conversation with its image stored once, and a restored copy continues it from the cache', async () => {
    const glimpse = await glimpseApi();
    // Short answers: the tiny model's context is 2048 tokens, and random weights rarely stop early.
    await vscode.workspace.getConfiguration('glimpse').update('maxTokens', 64, vscode.ConfigurationTarget.Global);
    const file = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'quadrants.png');
    const first = await vscode.commands.executeCommand<AnswerOutcome>('glimpse.explainImage', file);
    assert.equal(first?.status, 'done', first?.error);
    const id = glimpse.chat().conversationId;
    assert.ok(id);

    // What a window reload or a VS Code restart sees: a fresh store over the same folder.
    const root = glimpse.history().store.root;
    const restored = await new ConversationHistory(new HistoryStore(root)).restore(id);
    assert.deepEqual(restored.conversation.turns.map((t) => [t.role, t.text, t.status]), glimpse.chat().turns.map((t) => [t.role, t.text, t.status]));
    assert.equal(restored.missingImages.length, 0);
    const images = fs.readdirSync(path.join(root, 'images'));
    const sha = restored.record.turns[0].images?.[0]?.sha256;
    assert.ok(sha && images.includes(`${sha}.png`), 'the image is stored under its content hash');
    assert.ok(!fs.readFileSync(path.join(root, 'conversations', `${id}.json`), 'utf8').includes('base64'), 'no image bytes inside the conversation file');

    // Open it from history and ask a follow-up: the image prefix is byte-identical, so it is reused.
    await glimpse.chat().openSaved(id);
    const followUp = await glimpse.chat().ask('And the colours?');
    assert.equal(followUp.status, 'done', followUp.error);
    assert.ok((followUp.stats?.cachedTokens ?? 0) >= (first?.stats?.promptTokens ?? Infinity) - 1,
      `cached ${followUp.stats?.cachedTokens} of the first prompt's ${first?.stats?.promptTokens}`);
    const saved = await new HistoryStore(root).load(id);
    assert.equal(saved.kind, 'ok');
    if (saved.kind === 'ok') assert.equal(saved.record.turns.length, 4, 'the follow-up was saved too');
  });

  it('a corrupt history file is set aside and reported; the other conversations still list', async () => {
    const glimpse = await glimpseApi();
    const root = glimpse.history().store.root;
    fs.writeFileSync(path.join(root, 'conversations', 'broken-file.json'), '{ "version": 1, "id": ');
    const list = await glimpse.history().store.list();
    assert.ok(list.conversations.length >= 1);
    assert.equal(list.setAside.length, 1);
    assert.match(list.setAside[0].message, /broken-file/);
    assert.ok(!fs.existsSync(path.join(root, 'conversations', 'broken-file.json')), 'moved out of the way');
  });
});
