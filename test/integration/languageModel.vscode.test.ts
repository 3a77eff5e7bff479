// Glimpse in VS Code's own chat APIs, inside a real extension host with the real llama-server and
// the tiny synthetic pair: the model VS Code's chat can pick (vscode.lm, vendor "glimpse") and the
// glimpse_lookAtImage tool an agent calls. The model's text is gibberish: these tests assert on
// what VS Code receives, on what llama-server evaluated (its /slots), on cancellation and refusals.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as vscode from 'vscode';
import { authHeaders, type OpenAiEndpoint } from '../../src/core/openai/openAiClient';
import type { GlimpseApi } from '../../src/extension';
import { LookAtImageTool } from '../../src/vscode/lookAtImageTool';
import { glimpseApi } from './glimpseApi';

interface Slot {
  readonly id_task?: number;
  readonly is_processing: boolean;
  readonly n_prompt_tokens?: number;
  readonly next_token?: ReadonlyArray<{ readonly n_decoded?: number }>;
}

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, name);
}

async function glimpseModel(): Promise<vscode.LanguageModelChat> {
  const started = Date.now();
  for (;;) {
    const [model] = await vscode.lm.selectChatModels({ vendor: 'glimpse' });
    if (model) return model;
    if (Date.now() - started > 10_000) throw new Error('VS Code lists no model of vendor "glimpse"');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function endpointOf(glimpse: GlimpseApi): OpenAiEndpoint {
  const endpoint = glimpse.engine().engineEndpoint;
  assert.ok(endpoint, 'the local engine runs');
  return endpoint;
}

/** The slot that served the latest request (the highest task id). */
async function latestSlot(endpoint: OpenAiEndpoint): Promise<Slot> {
  const response = await fetch(`${endpoint.baseUrl}/slots`, { headers: authHeaders(endpoint) });
  const slots = (await response.json()) as Slot[];
  const latest = [...slots].sort((a, b) => (b.id_task ?? -1) - (a.id_task ?? -1))[0];
  assert.ok(latest, 'llama-server reports its slots');
  return latest;
}

async function answerText(response: vscode.LanguageModelChatResponse): Promise<string[]> {
  const chunks: string[] = [];
  for await (const chunk of response.text) chunks.push(chunk);
  return chunks;
}

function textOf(result: vscode.LanguageModelToolResult): string {
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

describe("VS Code's chat: Glimpse as a language model and a tool (real extension host, real engine)", function () {
  this.timeout(180_000);
  const png = () => fs.readFileSync(workspaceFile('quadrants.png').fsPath);

  it('offers the local pair to the model picker, seeing images, with the context split between input and output', async () => {
    const glimpse = await glimpseApi();
    const model = await glimpseModel();
    assert.equal(model.vendor, 'glimpse');
    assert.match(model.name, /\(Glimpse, local\)$/);
    const [information] = await glimpse.languageModelInformation();
    assert.equal(information?.capabilities.imageInput, true, 'a pair with a projector takes images');
    const context = await glimpse.engine().contextWindow();
    assert.ok(context && context > 0);
    assert.equal(information.maxInputTokens + information.maxOutputTokens, context);
    assert.equal(model.maxInputTokens, information.maxInputTokens);
  });

  it('streams an answer to a text + image request from llama-server, which evaluated the image tokens', async () => {
    const glimpse = await glimpseApi();
    const model = await glimpseModel();
    const question = 'What does this show?';
    const textOnly = await answerText(await model.sendRequest([vscode.LanguageModelChatMessage.User(question)], { modelOptions: { maxTokens: 4 } }));
    assert.ok(textOnly.length > 0, 'a text-only answer streamed');
    const endpoint = endpointOf(glimpse);
    const withoutImage = (await latestSlot(endpoint)).n_prompt_tokens ?? 0;

    const message = vscode.LanguageModelChatMessage.User([new vscode.LanguageModelTextPart(question), vscode.LanguageModelDataPart.image(png(), 'image/png')]);
    const chunks = await answerText(await model.sendRequest([message], { modelOptions: { maxTokens: 8 } }));
    assert.ok(chunks.length > 0, 'the answer streamed in chunks');
    const withImage = (await latestSlot(endpoint)).n_prompt_tokens ?? 0;
    const description = await glimpse.engine().describe();
    const imageTokens = description.imageTokens?.(64, 64);
    assert.ok(imageTokens && imageTokens > 0, 'the pair predicts its image tokens');
    const added = withImage - withoutImage;
    assert.ok(added >= imageTokens && added <= imageTokens + 8, `the image added ${added} prompt tokens; the model takes ${imageTokens} per image`);
  });

  it('stops generation in llama-server when VS Code cancels the request', async () => {
    const glimpse = await glimpseApi();
    const model = await glimpseModel();
    const source = new vscode.CancellationTokenSource();
    const maxTokens = 3000;
    const response = await model.sendRequest([vscode.LanguageModelChatMessage.User('Write a long story.')], { modelOptions: { maxTokens } }, source.token);
    const iterator = response.text[Symbol.asyncIterator]();
    await iterator.next();
    source.cancel();
    await Promise.race([(async () => { while (!(await iterator.next()).done); })().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5_000))]);
    const endpoint = endpointOf(glimpse);
    const started = Date.now();
    let slot = await latestSlot(endpoint);
    while (slot.is_processing && Date.now() - started < 3_000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      slot = await latestSlot(endpoint);
    }
    assert.equal(slot.is_processing, false, 'the slot is idle soon after the cancel');
    const decoded = slot.next_token?.[0]?.n_decoded ?? 0;
    assert.ok(decoded < maxTokens, `generation stopped early (${decoded} of ${maxTokens} tokens)`);
  });

  it("counts tokens with llama-server's tokenizer while it runs", async () => {
    const glimpse = await glimpseApi();
    const model = await glimpseModel();
    const text = 'Count these words, please: one two three four five.';
    const counted = await model.countTokens(text);
    const endpoint = endpointOf(glimpse);
    const response = await fetch(`${endpoint.baseUrl}/tokenize`, {
      method: 'POST',
      headers: { ...authHeaders(endpoint), 'content-type': 'application/json' },
      body: JSON.stringify({ content: text, add_special: false, parse_special: false }),
    });
    const { tokens } = (await response.json()) as { tokens: unknown[] };
    assert.equal(counted, tokens.length);
  });

  it('the tool reads a workspace image through the local model and answers in text, with the image when asked', async () => {
    const result = await vscode.lm.invokeTool('glimpse_lookAtImage', { input: { path: 'quadrants.png', question: 'What colours are there?' }, toolInvocationToken: undefined });
    assert.match(textOf(result), /^Glimpse looked at quadrants\.png/);
    assert.equal(result.content.some((part) => part instanceof vscode.LanguageModelDataPart), false, 'no image unless asked');
    const withImage = await vscode.lm.invokeTool('glimpse_lookAtImage', { input: { path: 'quadrants.png', includeImage: true }, toolInvocationToken: undefined });
    const image = withImage.content.find((part): part is vscode.LanguageModelDataPart => part instanceof vscode.LanguageModelDataPart);
    assert.equal(image?.mimeType, 'image/png');
  });

  it('the tool refuses a path outside the workspace, a ".." path and a file that is no image', async () => {
    const invoke = async (path: string) => vscode.lm.invokeTool('glimpse_lookAtImage', { input: { path }, toolInvocationToken: undefined });
    await assert.rejects(invoke('/etc/hostname'), /outside the workspace|inside the workspace/i);
    await assert.rejects(invoke('../quadrants.png'), /"\.\."|outside the workspace|inside the workspace/i);
    await assert.rejects(invoke('corrupt.png'), /corrupt|damaged|cannot be read|not a valid/i);
  });

  it('the tool asks before it runs in an untrusted workspace, and not in a trusted one', async () => {
    const glimpse = await glimpseApi();
    const log = vscode.window.createOutputChannel('Glimpse tool test', { log: true });
    try {
      const options = { input: { path: 'quadrants.png' } } as vscode.LanguageModelToolInvocationPrepareOptions<{ path: string }>;
      const untrusted = new LookAtImageTool(() => glimpse.engine(), log, () => false).prepareInvocation(options);
      assert.match(String(untrusted.invocationMessage), /quadrants\.png/);
      assert.match((untrusted.confirmationMessages?.message as vscode.MarkdownString | undefined)?.value ?? '', /not trusted.*quadrants\.png/s);
      const trusted = new LookAtImageTool(() => glimpse.engine(), log, () => true).prepareInvocation(options);
      assert.equal(trusted.confirmationMessages, undefined);
    } finally {
      log.dispose();
    }
  });

  it('a pair without a projector is offered as blind, and an image request is refused with what to do', async () => {
    const glimpse = await glimpseApi();
    const config = vscode.workspace.getConfiguration('glimpse');
    const mmprojPath = config.inspect<string>('mmprojPath')?.globalValue;
    await config.update('mmprojPath', '', vscode.ConfigurationTarget.Global);
    try {
      const [information] = await glimpse.languageModelInformation();
      assert.equal(information?.capabilities.imageInput, false);
      const model = await glimpseModel();
      const message = vscode.LanguageModelChatMessage.User([new vscode.LanguageModelTextPart('What is this?'), vscode.LanguageModelDataPart.image(png(), 'image/png')]);
      await assert.rejects(
        (async () => answerText(await model.sendRequest([message])))(),
        (error: Error) => /cannot see images/.test(error.message) && /mmproj|projector/.test(error.message),
      );
    } finally {
      await config.update('mmprojPath', mmprojPath, vscode.ConfigurationTarget.Global);
    }
  });

  it('offers nothing when glimpse.languageModel.enabled is off', async () => {
    const glimpse = await glimpseApi();
    const config = vscode.workspace.getConfiguration('glimpse');
    await config.update('languageModel.enabled', false, vscode.ConfigurationTarget.Global);
    try {
      assert.deepEqual(await glimpse.languageModelInformation(), []);
    } finally {
      await config.update('languageModel.enabled', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
