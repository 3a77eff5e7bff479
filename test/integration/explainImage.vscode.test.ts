// Explain Image inside a real VS Code extension host, with the real llama-server and the tiny
// synthetic pair configured in the user settings by the test runner. The model's text is
// gibberish: these tests assert on what reaches the panel, streaming, Stop, and errors.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { GlimpseApi } from '../../src/extension';
import type { AnswerOutcome } from '../../src/vscode/chatController';
import type { HostMessage } from '../../src/core/protocol';
import { glimpseApi } from './glimpseApi';



function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** Collects what the controller posts to the panel while `run` runs. */
async function recordPanel<T>(glimpse: GlimpseApi, run: (messages: HostMessage[]) => Promise<T>): Promise<{ result: T; messages: HostMessage[] }> {
  const messages: HostMessage[] = [];
  const subscription = glimpse.chat().onDidPost((message) => messages.push(message));
  try {
    return { result: await run(messages), messages };
  } finally {
    subscription.dispose();
  }
}

async function explain(file: vscode.Uri): Promise<AnswerOutcome> {
  const outcome = await vscode.commands.executeCommand<AnswerOutcome>('glimpse.explainImage', file);
  assert.ok(outcome, 'the command returns the outcome');
  return outcome;
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function glimpsePanelOpen(): boolean {
  return vscode.window.tabGroups.all.some((group) => group.tabs.some((tab) => tab.input instanceof vscode.TabInputWebview && tab.label === 'Glimpse'));
}

describe('Explain Image (real extension host, real engine)', function () {
  this.timeout(120_000);
  const config = () => vscode.workspace.getConfiguration('glimpse');

  afterEach(async () => {
    await vscode.commands.executeCommand('glimpse.stopAnswer');
  });

  it('opens the panel with the image and streams an answer from llama-server', async () => {
    const glimpse = await glimpseApi();
    const { result, messages } = await recordPanel(glimpse, () => explain(workspaceFile('screenshot.png')));
    assert.equal(result.status, 'done', result.error);
    assert.ok(glimpsePanelOpen(), 'the Glimpse panel is open');

    const snapshot = messages.find((m): m is Extract<HostMessage, { type: 'conversation' }> => m.type === 'conversation' && m.turns.length === 2);
    assert.ok(snapshot, 'the panel got the conversation with the question and the answer');
    const [user, answer] = snapshot.turns;
    assert.equal(user.role, 'user');
    assert.equal(user.images?.length, 1);
    assert.match(user.images![0].thumbnail, /^data:image\/png;base64,/);
    assert.equal(user.images![0].label, 'screenshot.png');
    assert.equal(answer.status, 'streaming');

    const deltas = messages.filter((m) => m.type === 'answerDelta');
    assert.ok(deltas.length >= 2, `the answer streamed in several chunks (got ${deltas.length})`);
    assert.equal(deltas.map((m) => (m as { text: string }).text).join(''), result.text);
    const ended = messages.find((m) => m.type === 'answerEnded');
    assert.deepEqual(ended && { type: ended.type, status: ended.status }, { type: 'answerEnded', status: 'done' });
    assert.ok((result.stats?.promptTokens ?? 0) > 16, 'the prompt included the image tokens');
  });

  it('Stop ends a long answer early and marks it stopped', async () => {
    const glimpse = await glimpseApi();
    await config().update('maxTokens', 8000, vscode.ConfigurationTarget.Global);
    // Random weights can pick the end-of-text token within a few tokens, which would end the answer
    // before Stop: the engine started for this test ignores it (a new engine, as its arguments differ).
    process.env.GLIMPSE_LLAMA_SERVER_ARGS = '--ignore-eos';
    try {
      const { result, messages } = await recordPanel(glimpse, async (seen) => {
        const pending = explain(workspaceFile('photo.jpg'));
        await waitFor(() => seen.filter((m) => m.type === 'answerDelta').length >= 3, 60_000, 'the answer to start streaming');
        await vscode.commands.executeCommand('glimpse.stopAnswer');
        return pending;
      });
      assert.equal(result.status, 'stopped');
      const deltas = messages.filter((m) => m.type === 'answerDelta').length;
      assert.ok(deltas < 2000, `stopped early (${deltas} chunks)`);
      const ended = messages.find((m) => m.type === 'answerEnded');
      assert.equal(ended?.type === 'answerEnded' && ended.status, 'stopped');
      assert.equal(glimpse.chat().turns.at(-1)?.status, 'stopped', 'the partial answer is kept and marked');
    } finally {
      delete process.env.GLIMPSE_LLAMA_SERVER_ARGS;
      await config().update('maxTokens', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('a corrupt image gets its error, the conversation is kept, and the next image works', async () => {
    const glimpse = await glimpseApi();
    const before = glimpse.chat().turns.length;
    assert.ok(before > 0, 'an earlier conversation exists');
    const { result: corrupt, messages } = await recordPanel(glimpse, () => explain(workspaceFile('corrupt.png')));
    assert.equal(corrupt.status, 'error');
    const notice = messages.find((m) => m.type === 'notice');
    assert.ok(notice?.type === 'notice' && notice.level === 'error' && /corrupt\.png/.test(notice.text), 'the panel shows the error too');
    assert.ok(corrupt.errorCode === 'image-corrupt' || corrupt.errorCode === 'image-unsupported', corrupt.errorCode);
    assert.match(corrupt.error ?? '', /corrupt\.png/);
    assert.equal(glimpse.chat().turns.length, before, 'the current conversation was not replaced');

    const next = await explain(workspaceFile('screenshot.png'));
    assert.equal(next.status, 'done', next.error);
  });

  it('a missing model file gets its own message; fixing the setting makes it work again', async () => {
    const glimpse = await glimpseApi();
    const modelPath = config().inspect<string>('modelPath')?.globalValue;
    assert.ok(modelPath && fs.existsSync(modelPath), 'the runner configured the tiny model');
    const missing = path.join(path.dirname(modelPath), 'does-not-exist.gguf');
    await config().update('modelPath', missing, vscode.ConfigurationTarget.Global);
    try {
      const outcome = await explain(workspaceFile('screenshot.png'));
      assert.equal(outcome.status, 'error');
      assert.equal(outcome.errorCode, 'file-missing');
      assert.match(outcome.error ?? '', /does-not-exist\.gguf/);
    } finally {
      await config().update('modelPath', modelPath, vscode.ConfigurationTarget.Global);
    }
    const again = await explain(workspaceFile('screenshot.png'));
    assert.equal(again.status, 'done', again.error);
    assert.ok(glimpse.engine().modelLabel.includes('synthetic'), 'the synthetic model is labelled as such');
  });

  it('a follow-up question in the same conversation reuses the cached image prefix', async () => {
    const glimpse = await glimpseApi();
    // Short answers: the tiny model's context is 2048 tokens, and random weights rarely stop early.
    await config().update('maxTokens', 64, vscode.ConfigurationTarget.Global);
    try {
      const first = await explain(workspaceFile('screenshot.png'));
      assert.equal(first.status, 'done', first.error);
      const second = await glimpse.chat().ask('And what colour is it?');
      assert.equal(second.status, 'done', second.error);
      assert.ok((second.stats?.cachedTokens ?? 0) >= (first.stats?.promptTokens ?? Infinity) - 1,
        `the follow-up reused the first prompt from the cache (cached ${second.stats?.cachedTokens}, first prompt ${first.stats?.promptTokens})`);
    } finally {
      await config().update('maxTokens', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('a question typed in pauses is prefilled: sending it leaves only its last words to evaluate', async () => {
    const glimpse = await glimpseApi();
    const chat = glimpse.chat();
    await config().update('maxTokens', 32, vscode.ConfigurationTarget.Global);
    try {
      const first = await explain(workspaceFile('screenshot.png'));
      assert.equal(first.status, 'done', first.error);
      const question = 'And what colour is the top left quadrant?';
      // The panel posts every edit; the prefill runs in the pause after "the top".
      chat.updateDraft('And what colour');
      chat.updateDraft('And what colour is the top');
      await chat.draftPrefilled();
      const typed = await chat.ask(question);
      assert.equal(typed.status, 'done', typed.error);
      // The same question again, sent at once (no draft): its whole turn is new to the server.
      const atOnce = await chat.ask(question);
      assert.equal(atOnce.status, 'done', atOnce.error);
      const evaluated = (outcome: typeof typed) => (outcome.stats?.promptTokens ?? 0) - (outcome.stats?.cachedTokens ?? 0);
      assert.ok(evaluated(typed) + 3 < evaluated(atOnce),
        `after the prefill the question evaluated ${evaluated(typed)} tokens; sent at once, ${evaluated(atOnce)}`);
    } finally {
      await config().update('maxTokens', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
