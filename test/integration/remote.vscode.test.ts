// The remote backend inside a real extension host: the project's own llama-server started
// standalone with --api-key (the tiny pair), set up through "Glimpse: Set Up Remote Server…" with
// its answers passed as an argument, then used by Explain Image. A second server without a
// projector is probed as blind and images are refused with the reason.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as vscode from 'vscode';
import { freePort } from '../../src/core/engine/freePort';
import { locateServer, serverEnvironment } from '../../src/core/engine/locateServer';
import type { AnswerOutcome } from '../../src/vscode/chatController';
import type { RemoteSetupResult } from '../../src/vscode/remoteSetup';
import { glimpseApi } from './glimpseApi';

const apiKey = 'integration-test-key';

async function startStandalone(withProjector: boolean): Promise<{ url: string; child: ChildProcess }> {
  const config = vscode.workspace.getConfiguration('glimpse');
  const modelPath = config.inspect<string>('modelPath')?.globalValue;
  const mmprojPath = config.inspect<string>('mmprojPath')?.globalValue;
  assert.ok(modelPath && mmprojPath, 'the runner configured the tiny pair');
  const server = await locateServer();
  const port = await freePort();
  const args = ['-m', modelPath, ...(withProjector ? ['--mmproj', mmprojPath] : []), '--host', '127.0.0.1', '--port', String(port), '--api-key', apiKey, '-t', '2', '-c', '2048', '--no-webui', '--fit', 'off'];
  const child = spawn(server.path, args, { env: serverEnvironment(server.path), stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not yet listening
    }
    if (Date.now() > deadline) throw new Error('the standalone llama-server did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, child };
}

function workspaceFile(name: string): vscode.Uri {
  return vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, name);
}

describe('Remote backend (standalone llama-server with an API key)', function () {
  this.timeout(120_000);
  const servers: ChildProcess[] = [];

  after(async () => {
    const config = vscode.workspace.getConfiguration('glimpse');
    for (const key of ['backend', 'remote.url', 'remote.model', 'remote.allowInsecureHttp']) await config.update(key, undefined, vscode.ConfigurationTarget.Global);
    for (const child of servers) child.kill('SIGKILL');
  });

  it('is set up with its key, probed as a vision llama-server, and answers Explain Image', async () => {
    const vision = await startStandalone(true);
    servers.push(vision.child);
    const setup = await vscode.commands.executeCommand<RemoteSetupResult>('glimpse.setUpRemote', { url: `${vision.url}/v1`, apiKey });
    assert.equal(setup?.ok, true, setup?.error);
    assert.equal(setup?.probe?.server, 'llama-server');
    assert.equal(setup?.probe?.vision, true);
    assert.equal(vscode.workspace.getConfiguration('glimpse').get('remote.url'), vision.url, 'the /v1 suffix was normalised away');
    assert.equal(vscode.workspace.getConfiguration('glimpse').get('backend'), 'remote');

    const outcome = await vscode.commands.executeCommand<AnswerOutcome>('glimpse.explainImage', workspaceFile('screenshot.png'));
    assert.equal(outcome?.status, 'done', outcome?.error);
    assert.ok((outcome?.stats?.promptTokens ?? 0) > 16, 'the image reached the remote model');
  });

  it("is what VS Code's chat is offered, seeing images, and answers a request with an image", async () => {
    const [information] = await (await glimpseApi()).languageModelInformation();
    assert.equal(information?.id, 'glimpse-remote');
    assert.match(information?.name ?? '', /\(Glimpse, team server\)$/);
    assert.equal(information?.capabilities.imageInput, true);
    const [model] = await vscode.lm.selectChatModels({ vendor: 'glimpse', id: 'glimpse-remote' });
    assert.ok(model, 'VS Code lists the team server model');
    const png = await vscode.workspace.fs.readFile(workspaceFile('quadrants.png'));
    const message = vscode.LanguageModelChatMessage.User([new vscode.LanguageModelTextPart('What is this?'), vscode.LanguageModelDataPart.image(png, 'image/png')]);
    const chunks: string[] = [];
    for await (const chunk of (await model.sendRequest([message], { modelOptions: { maxTokens: 4 } })).text) chunks.push(chunk);
    assert.ok(chunks.length > 0, 'the answer streamed');
  });

  it('refuses a wrong API key with a message about the key, and keeps the working setup', async () => {
    const url = vscode.workspace.getConfiguration('glimpse').get<string>('remote.url');
    const setup = await vscode.commands.executeCommand<RemoteSetupResult>('glimpse.setUpRemote', { url, apiKey: 'wrong-key' });
    assert.equal(setup?.ok, false);
    assert.match(setup?.error ?? '', /API key/i);
    const outcome = await vscode.commands.executeCommand<AnswerOutcome>('glimpse.explainImage', workspaceFile('photo.jpg'));
    assert.equal(outcome?.status, 'done', outcome?.error);
  });

  it('refuses images for a remote model without vision, naming the reason', async () => {
    const blind = await startStandalone(false);
    servers.push(blind.child);
    const setup = await vscode.commands.executeCommand<RemoteSetupResult>('glimpse.setUpRemote', { url: blind.url, apiKey });
    assert.equal(setup?.ok, true, setup?.error);
    assert.equal(setup?.probe?.vision, false);
    const outcome = await vscode.commands.executeCommand<AnswerOutcome>('glimpse.explainImage', workspaceFile('screenshot.png'));
    assert.equal(outcome?.status, 'error');
    assert.equal(outcome?.errorCode, 'model-no-vision');
    assert.match(outcome?.error ?? '', /cannot read images/);
  });
});
