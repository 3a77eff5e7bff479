// The CLI and the extension send the same request for the same mockup: both are pointed at one
// recording OpenAI-compatible server (the extension as its remote backend, `glimpse mockup
// --remote` from dist/cli.js), make code from the same image with their defaults, and the chat
// request bodies they sent are compared.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { MockupOutcome } from '../../src/vscode/mockupController';
import { extensionId } from './glimpseApi';


/** Answers like a small OpenAI-compatible server that does not say whether its model sees, and records every chat body. */
async function startRecorder(): Promise<{ url: string; bodies: unknown[]; close(): Promise<void> }> {
  const bodies: unknown[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/v1/models') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [{ id: 'recorder-vlm', object: 'model' }] }));
      } else if (req.method === 'POST' && req.url === '/v1/chat/completions') {
        bodies.push(JSON.parse(body));
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const chunk = (delta: object, finish: string | null) => `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
        res.end(chunk({ content: '```html\n<!DOCTYPE html>\n<p>Hi</p>\n```\n' }, null) + chunk({}, 'stop') + 'data: [DONE]\n\n');
      } else {
        res.writeHead(404).end('not found');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, bodies, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('One mockup request from the CLI and the extension', function () {
  this.timeout(120_000);
  const config = () => vscode.workspace.getConfiguration('glimpse');
  const keys = ['backend', 'remote.url', 'remote.model', 'remote.allowInsecureHttp', 'mockup.score'];
  let recorder: Awaited<ReturnType<typeof startRecorder>>;

  before(async () => {
    recorder = await startRecorder();
  });
  after(async () => {
    for (const key of keys) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    await recorder.close();
  });

  it('sends byte-for-byte the same chat requests for the same mockup with the defaults', async () => {
    const mockup = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'screenshot.png').fsPath;
    await config().update('mockup.score', false, vscode.ConfigurationTarget.Global);
    const setup = await vscode.commands.executeCommand<{ ok: boolean; error?: string }>('glimpse.setUpRemote', { url: recorder.url });
    assert.equal(setup?.ok, true, setup?.error);
    const outcome = await vscode.commands.executeCommand<MockupOutcome>('glimpse.generateFromMockup', { file: mockup, target: 'html', instructions: '' });
    assert.equal(outcome?.status, 'done', outcome?.error);
    const fromExtension = recorder.bodies.splice(0);
    assert.equal(fromExtension.length, 2, 'the inventory, then the code');

    const extensionPath = vscode.extensions.getExtension(extensionId)!.extensionPath;
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'glimpse-cli-mockup-')), 'page.html');
    await promisify(execFile)(process.execPath, [path.join(extensionPath, 'dist', 'cli.js'), 'mockup', mockup, '--target', 'html', '--remote', recorder.url, '--out', out], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      timeout: 60_000,
    });
    const fromCli = recorder.bodies.splice(0);
    assert.equal(fromCli.length, 2);
    assert.deepEqual(fromCli, fromExtension);
    assert.equal(fs.readFileSync(out, 'utf8'), '<!DOCTYPE html>\n<p>Hi</p>\n');
  });
});
