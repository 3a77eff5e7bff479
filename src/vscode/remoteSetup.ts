// "Glimpse: Set Up Remote Server…": asks for the server's address, its API key (kept in VS Code's
// secret storage, never in settings) and the model, tests the connection with the capability
// probe, and switches Glimpse to the remote backend. Scripts and tests can pass the answers as an
// argument instead of being asked.

import * as vscode from 'vscode';
import { asGlimpseError } from '../core/errors';
import { probeVision, type VisionProbe } from '../core/remote/capabilityProbe';
import { validateRemoteBaseUrl } from '../core/remote/remoteEndpoint';
import { readConfig } from './config';
import { remoteApiKeySecret, type EngineHost } from './engineHost';
import type { Log } from './log';
import { updateEngineSettings } from './engineSettingsBatch';

export interface RemoteSetupAnswers {
  readonly url: string;
  /** Empty string: no key (the stored one is removed). Undefined: keep the stored one. */
  readonly apiKey?: string;
  readonly model?: string;
  readonly allowInsecureHttp?: boolean;
}

export interface RemoteSetupResult {
  readonly ok: boolean;
  readonly probe?: VisionProbe;
  readonly error?: string;
}

export async function setUpRemote(secrets: vscode.SecretStorage, engine: EngineHost, log: Log, given?: RemoteSetupAnswers): Promise<RemoteSetupResult | undefined> {
  const current = readConfig().remote;
  const interactive = !given;
  let allowInsecure = given?.allowInsecureHttp ?? current.allowInsecureHttp;

  const url = given?.url ?? (await vscode.window.showInputBox({
    title: 'Glimpse: remote server (1/3)',
    prompt: 'Address of an OpenAI-compatible server (llama-server, vLLM, Ollama), without /v1',
    placeHolder: 'https://gpu-box.example.com:8080',
    value: current.url,
    ignoreFocusOut: true,
    validateInput: (value) => {
      try {
        validateRemoteBaseUrl(value, { allowInsecure: true });
        return undefined;
      } catch (error) {
        return asGlimpseError(error).message;
      }
    },
  }));
  if (url === undefined) return undefined;
  let baseUrl: string;
  try {
    baseUrl = validateRemoteBaseUrl(url, { allowInsecure });
  } catch (error) {
    const failure = asGlimpseError(error);
    if (failure.code !== 'remote-insecure-url' || !interactive) return { ok: false, error: failure.message };
    const allow = 'Use http anyway';
    const answer = await vscode.window.showWarningMessage(
      `${new URL(url).host} is reached over plain http: your screenshots and questions would cross the network unencrypted.`,
      { modal: true, detail: 'Prefer https (a reverse proxy in front of the server). Continue only on a network you trust.' },
      allow,
    );
    if (answer !== allow) return undefined;
    allowInsecure = true;
    baseUrl = validateRemoteBaseUrl(url, { allowInsecure });
  }

  let apiKey = given ? given.apiKey : await vscode.window.showInputBox({
    title: 'Glimpse: remote server (2/3)',
    prompt: 'API key (stored in VS Code\'s secret storage). Leave empty if the server needs none; Escape keeps the stored key.',
    password: true,
    ignoreFocusOut: true,
  });
  if (apiKey === undefined) apiKey = (await secrets.get(remoteApiKeySecret)) ?? '';

  const probe = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Glimpse: testing ${baseUrl}…`, cancellable: true }, async (_progress, token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    try {
      return await probeVision({ baseUrl, apiKey: apiKey || undefined, model: given?.model ?? current.model, headers: current.headers }, given?.model ?? current.model, controller.signal);
    } catch (error) {
      return asGlimpseError(error);
    }
  });
  if (!('vision' in probe)) {
    log.error(`[remote] ${probe.message}`);
    if (interactive) void vscode.window.showErrorMessage(probe.message);
    return { ok: false, error: probe.message };
  }

  let model = given?.model ?? probe.model;
  if (interactive && probe.models.length > 1) {
    const picked = await vscode.window.showQuickPick(probe.models.map((name) => ({ label: name, picked: name === model })), {
      title: 'Glimpse: remote server (3/3) — model',
      placeHolder: 'The model to ask about images',
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    model = picked.label;
  }

  // One change: the key and the settings together, so the engine switches once, to the new server.
  await updateEngineSettings(
    [['remote.url', baseUrl], ['remote.model', model ?? ''], ['remote.allowInsecureHttp', allowInsecure || undefined], ['backend', 'remote']],
    () => (apiKey ? secrets.store(remoteApiKeySecret, apiKey) : secrets.delete(remoteApiKeySecret)),
  );
  // The key lives in secret storage: a new key alone changes no setting.
  await engine.applySettings('remote server set up');

  const sees = probe.vision === true ? 'reads images' : probe.vision === false ? 'does NOT read images' : 'may read images (the server does not say)';
  const summary = `Glimpse now uses ${probe.server} at ${baseUrl}: ${model ?? 'its model'} ${sees}.`;
  log.info(`[remote] ${summary} ${probe.detail}`);
  if (interactive) {
    if (probe.vision === false) void vscode.window.showWarningMessage(`${summary} Pick a vision model, or set "glimpse.remote.vision" to "yes" if the check is wrong.`);
    else void vscode.window.showInformationMessage(summary);
  }
  return { ok: true, probe };
}
