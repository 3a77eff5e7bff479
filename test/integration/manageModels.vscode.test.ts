// "Glimpse: Manage Models" inside the extension host, driven with requests instead of the quick
// pick: the tiny synthetic pair is served by an HTTP server on 127.0.0.1 under Hugging Face's
// layout and reached through glimpse.modelDownloadBaseUrl; it lands in the extension's global
// storage, becomes the active pair (both settings point at it), and delete removes it and clears
// the settings. Also: the first-run walkthrough's commands and files, and its sample image
// explained by the real engine.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { CatalogEntry } from '../../src/core/models/catalog';
import type { AnswerOutcome } from '../../src/vscode/chatController';
import type { ManageModelsRequest, ManageModelsResult } from '../../src/vscode/manageModels';
import { ensureSyntheticPair, testModelsDirectory } from '../fixtures/gguf/presets';
import { sha256Of, startDownloadServer, type DownloadTestServer } from '../unit/models/downloadTestServer';
import { extensionId } from './glimpseApi';


async function manage(request: ManageModelsRequest): Promise<ManageModelsResult> {
  const result = await vscode.commands.executeCommand<ManageModelsResult>('glimpse.manageModels', request);
  assert.ok(result, 'the command answers a request with a result');
  return result;
}

describe('Manage Models (real extension host)', function () {
  this.timeout(120_000);
  const config = () => vscode.workspace.getConfiguration('glimpse');
  const repo = 'glimpse-test/Tiny-LLaVA-GGUF';
  let saved: { modelPath?: string; mmprojPath?: string; baseUrl?: string };
  let server: DownloadTestServer;
  let model: Buffer;
  let projector: Buffer;
  let entry: CatalogEntry;

  before(async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, 'the extension is installed');
    if (!extension.isActive) await extension.activate();
    saved = {
      modelPath: config().inspect<string>('modelPath')?.globalValue,
      mmprojPath: config().inspect<string>('mmprojPath')?.globalValue,
      baseUrl: config().inspect<string>('modelDownloadBaseUrl')?.globalValue,
    };
    const pair = await ensureSyntheticPair('tiny-llava', testModelsDirectory('tiny-llava'));
    model = fs.readFileSync(pair.modelPath);
    projector = fs.readFileSync(pair.mmprojPath);
    server = await startDownloadServer();
    server.serve(`/${repo}/resolve/main/tiny-llava-F32.gguf`, model);
    server.serve(`/${repo}/resolve/main/mmproj-tiny-llava-f16.gguf`, projector);
    entry = {
      id: 'glimpse-test-tiny-llava',
      displayName: 'Tiny LLaVA (test)',
      default: false,
      architecture: 'llama',
      projectorType: 'mlp',
      quantization: 'F32',
      repo,
      model: { file: 'tiny-llava-F32.gguf', sizeBytes: model.length, sha256: sha256Of(model) },
      projector: { file: 'mmproj-tiny-llava-f16.gguf', sizeBytes: projector.length, sha256: sha256Of(projector) },
      contextSize: 2048,
      ramEstimateMb: 256,
      licence: 'MIT',
      goodAt: 'Integration tests.',
    };
    await config().update('modelDownloadBaseUrl', server.baseUrl, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    // Whatever a failed test left behind goes, then the runner's settings come back.
    await manage({ action: 'delete', id: 'glimpse-test-tiny-llava' }).catch(() => undefined);
    await manage({ action: 'delete', id: 'glimpse-test-missing' }).catch(() => undefined);
    await config().update('modelPath', saved.modelPath, vscode.ConfigurationTarget.Global);
    await config().update('mmprojPath', saved.mmprojPath, vscode.ConfigurationTarget.Global);
    await config().update('modelDownloadBaseUrl', saved.baseUrl, vscode.ConfigurationTarget.Global);
    await server?.close();
  });

  it('declares glimpse.modelDownloadBaseUrl and glimpse.gpuLayers with machine scope and their defaults', () => {
    const properties = vscode.extensions.getExtension(extensionId)?.packageJSON.contributes?.configuration?.properties ?? {};
    assert.equal(properties['glimpse.modelDownloadBaseUrl']?.scope, 'machine');
    assert.equal(properties['glimpse.modelDownloadBaseUrl']?.default, 'https://huggingface.co');
    assert.equal(properties['glimpse.gpuLayers']?.scope, 'machine');
    assert.equal(properties['glimpse.gpuLayers']?.default, 'auto');
  });

  it('downloads the pair from the configured base URL into the global storage', async () => {
    const result = await manage({ action: 'download', id: entry.id, entry });
    assert.equal(result.ok, true, result.error);
    assert.equal(result.download, 'done');
    assert.equal(path.basename(result.modelsDir), 'models');
    assert.equal(path.basename(path.dirname(result.modelsDir)), extensionId, `the models folder is in the extension's global storage: ${result.modelsDir}`);

    const installed = result.installed.find((pair) => pair.id === entry.id);
    assert.ok(installed, `the pair is listed as installed: ${JSON.stringify(result.installed)}`);
    assert.equal(installed.folder, path.join(result.modelsDir, entry.id));
    assert.equal(installed.modelPath, path.join(installed.folder, entry.model.file));
    assert.equal(installed.projectorPath, path.join(installed.folder, entry.projector.file));
    assert.equal(sha256Of(fs.readFileSync(installed.modelPath)), sha256Of(model));
    assert.equal(sha256Of(fs.readFileSync(installed.projectorPath)), sha256Of(projector));
    assert.equal(installed.active, false, 'downloading does not change the active model');
    assert.equal(config().get('modelPath'), saved.modelPath);

    const fetched = server.requests.map((request) => request.path);
    assert.ok(fetched.includes(`/${repo}/resolve/main/${entry.model.file}`) && fetched.includes(`/${repo}/resolve/main/${entry.projector.file}`), `both files came from the mirror: ${fetched.join(', ')}`);
  });

  it('a second download of an installed pair makes no request', async () => {
    const before = server.requests.length;
    const result = await manage({ action: 'download', id: entry.id, entry });
    assert.equal(result.ok, true, result.error);
    assert.equal(server.requests.length, before);
  });

  it('set active writes both files to the user settings and lists the pair as active', async () => {
    const result = await manage({ action: 'setActive', id: entry.id });
    assert.equal(result.ok, true, result.error);
    const installed = result.installed.find((pair) => pair.id === entry.id);
    assert.ok(installed);
    assert.equal(installed.active, true);
    assert.equal(config().inspect<string>('modelPath')?.globalValue, installed.modelPath);
    assert.equal(config().inspect<string>('mmprojPath')?.globalValue, installed.projectorPath);
  });

  it('reports a file the mirror does not have with its error, and installs nothing', async () => {
    const missing: CatalogEntry = { ...entry, id: 'glimpse-test-missing', model: { ...entry.model, file: 'not-there.gguf' } };
    const result = await manage({ action: 'download', id: missing.id, entry: missing });
    assert.equal(result.ok, false);
    assert.equal(result.download, 'error');
    assert.equal(result.errorCode, 'download-not-found');
    assert.match(result.error ?? '', /404/);
    assert.ok(!result.installed.some((pair) => pair.id === missing.id));
  });

  it('refuses to set active a pair that is not installed, leaving the settings alone', async () => {
    const before = config().inspect<string>('modelPath')?.globalValue;
    const result = await manage({ action: 'setActive', id: 'glimpse-test-missing' });
    assert.equal(result.ok, false);
    assert.match(result.error ?? '', /not installed/);
    assert.equal(config().inspect<string>('modelPath')?.globalValue, before);
  });

  it('delete removes the pair and, as it was active, clears the settings', async () => {
    const listed = await manage({ action: 'list' });
    const installed = listed.installed.find((pair) => pair.id === entry.id);
    assert.ok(installed?.active, 'the pair is installed and active before the delete');

    const result = await manage({ action: 'delete', id: entry.id });
    assert.equal(result.ok, true, result.error);
    assert.ok(!fs.existsSync(installed.folder), 'the folder is gone');
    assert.ok(!result.installed.some((pair) => pair.id === entry.id));
    assert.equal(config().inspect<string>('modelPath')?.globalValue, undefined);
    assert.equal(config().inspect<string>('mmprojPath')?.globalValue, undefined);
  });
});

describe('First-run walkthrough (real extension host)', function () {
  this.timeout(120_000);

  it('points its steps at registered commands and at markdown files that exist', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension);
    const walkthroughs: Array<{ steps: Array<{ id: string; description: string; media: { markdown?: string }; completionEvents?: string[] }> }> =
      extension.packageJSON.contributes?.walkthroughs ?? [];
    assert.equal(walkthroughs.length, 1);
    const steps = walkthroughs[0].steps;
    assert.deepEqual(steps.map((step) => step.id), ['chooseModel', 'checkEngine', 'explainSample', 'pasteScreenshot']);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const step of steps) {
      const linked = [...step.description.matchAll(/\(command:([\w.]+)\)/g)].map((match) => match[1]);
      assert.equal(linked.length, 1, `step ${step.id} has one command button`);
      assert.ok(registered.has(linked[0]), `${linked[0]} is registered`);
      assert.ok(step.media.markdown && fs.existsSync(path.join(extension.extensionPath, step.media.markdown)), `${step.media.markdown} exists`);
    }
    // Ticked by context keys the extension keeps current, however the model or engine was set up.
    assert.deepEqual(steps[0].completionEvents, ['onContext:glimpse.modelChosen']);
    assert.deepEqual(steps[1].completionEvents, ['onContext:glimpse.engineReady']);
  });

  it('"Check the Engine" finds and runs the engine, naming where it came from', async () => {
    const server = await vscode.commands.executeCommand<{ path: string; source: string; version: string } | undefined>('glimpse.checkEngine');
    assert.ok(server, 'a working engine was found');
    assert.match(server.version, /version/);
    assert.ok(['cache', 'path', 'bundled'].includes(server.source), server.source);
  });

  it('"Explain the Sample" explains the bundled login mockup with the configured model', async () => {
    const outcome = await vscode.commands.executeCommand<AnswerOutcome>('glimpse.explainSample');
    assert.ok(outcome, 'the command returns the outcome');
    assert.equal(outcome.status, 'done', outcome.error);
    assert.ok((outcome.stats?.promptTokens ?? 0) > 16, 'the prompt included the image tokens');
  });
});
