// llama-server killed with SIGKILL in the middle of an answer, inside a real VS Code extension
// host: the answer ends with the crash's message and a Retry button, the conversation and the
// words already streamed stay, and Retry answers the same question on a new engine process.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AnswerOutcome } from '../../src/vscode/chatController';
import type { HostMessage } from '../../src/core/protocol';
import { glimpseApi } from './glimpseApi';

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, name);
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Engine crash mid-answer (real extension host, real engine)', function () {
  if (process.platform === 'win32') return;
  this.timeout(120_000);
  const config = () => vscode.workspace.getConfiguration('glimpse');

  it('a SIGKILL mid-answer keeps the conversation and the streamed words, offers Retry, and Retry answers on a new engine', async () => {
    const glimpse = await glimpseApi();
    const chat = glimpse.chat();
    await config().update('maxTokens', 8000, vscode.ConfigurationTarget.Global);
    // Random weights can end an answer within a few tokens: this engine ignores the end token.
    process.env.GLIMPSE_LLAMA_SERVER_ARGS = '--ignore-eos';
    const messages: HostMessage[] = [];
    const recording = chat.onDidPost((message) => messages.push(message));
    let killedPid: number | undefined;
    let outcome: AnswerOutcome | undefined;
    try {
      const pending = vscode.commands.executeCommand<AnswerOutcome>('glimpse.explainImage', workspaceFile('screenshot.png'));
      await waitFor(() => messages.filter((m) => m.type === 'answerDelta').length >= 3, 60_000, 'the answer to stream');
      killedPid = glimpse.engine().enginePid;
      assert.ok(killedPid, 'a local engine runs');
      process.kill(killedPid, 'SIGKILL');
      outcome = await pending;
    } finally {
      recording.dispose();
      delete process.env.GLIMPSE_LLAMA_SERVER_ARGS;
      await config().update('maxTokens', 16, vscode.ConfigurationTarget.Global);
    }
    try {
      assert.equal(outcome?.status, 'error');
      assert.equal(outcome?.errorCode, 'engine-exited');
      assert.match(outcome?.error ?? '', /^llama-server was killed by SIGKILL .* while answering\. It will be started again on the next request/);
      const ended = messages.find((m): m is Extract<HostMessage, { type: 'answerEnded' }> => m.type === 'answerEnded');
      assert.equal(ended?.status, 'error');
      assert.ok(ended?.actions?.includes('retry'), `the panel offers Retry (actions: ${ended?.actions?.join(', ')})`);

      const [question, answer] = chat.turns.slice(-2);
      assert.equal(question.role, 'user');
      assert.equal(question.images?.length, 1, 'the question keeps its image');
      assert.equal(answer.status, 'error');
      const streamed = messages.filter((m) => m.type === 'answerDelta').map((m) => (m as { text: string }).text).join('');
      assert.ok(streamed.length > 0 && answer.text === streamed, 'the words streamed before the crash are kept');

      const again = await chat.retry();
      assert.equal(again?.status, 'done', again?.error);
      assert.equal(chat.turns.at(-1)?.status, 'done');
      assert.equal(chat.turns.at(-2)?.role, 'user', 'Retry replaced the failed answer, and asked the same question');
      assert.notEqual(glimpse.engine().enginePid, killedPid, 'a new engine process answered');
    } finally {
      await config().update('maxTokens', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
