// The engine as the extension sees it: one llama-server for the configured model pair, started on
// first use behind a cancellable progress notification, reflected in the status bar, restarted
// when a setting it depends on changes, and stopped when the extension deactivates.

import path from 'node:path';
import * as vscode from 'vscode';
import type { PrefillFigures } from '../core/engine/chatEngine';
import type { ChatTurn } from '../core/openai/turn';
import type { ChatEngine, EngineDescription } from '../core/engine/chatEngine';
import { EnginePool } from '../core/engine/enginePool';
import type { EngineState, LlamaServer, RunningServer } from '../core/engine/llamaServer';
import type { ChatCompletionOptions, ChatStreamEvent } from '../core/openai/openAiClient';
import { imageBudgetFor } from '../core/models/imageBudget';
import { estimateImageTokens } from '../core/models/imageTokens';
import { noProjectorMessage, type VisionProjectorInfo } from '../core/models/pairCheck';
import { RemoteEngine } from '../core/remote/remoteEngine';
import { validateRemoteBaseUrl } from '../core/remote/remoteEndpoint';
import { GlimpseError } from '../core/errors';
import { remoteWindowHint } from '../core/remoteWindowHint';
import type { EngineStatus } from '../core/protocol';
import { affectsEngine, engineConfig, readConfig } from './config';
import { engineLogger, type Log } from './log';
import type { StatusBar } from './statusBar';

const statusOf: Record<EngineState, EngineStatus> = {
  stopped: 'idle',
  starting: 'loading',
  ready: 'idle',
  generating: 'generating',
  error: 'error',
};

/** The SecretStorage key of the remote server's API key (never kept in settings). */
export const remoteApiKeySecret = 'glimpse.remote.apiKey';

export interface EngineStatusEvent {
  readonly status: EngineStatus;
  readonly modelLabel: string;
  readonly detail?: string;
}

export class EngineHost implements vscode.Disposable, ChatEngine {
  private readonly pool: EnginePool;
  private server: LlamaServer | undefined;
  private serverSubscriptions: Array<{ dispose(): void }> = [];
  private modelLabelValue: string | undefined;
  private remoteEngine: RemoteEngine | undefined;
  private readonly statusEmitter = new vscode.EventEmitter<EngineStatusEvent>();
  private readonly disposables: vscode.Disposable[] = [];

  readonly onDidChangeStatus = this.statusEmitter.event;

  constructor(private readonly log: Log, private readonly statusBar: StatusBar, private readonly secrets: vscode.SecretStorage) {
    this.pool = new EnginePool(engineLogger(log));
    this.disposables.push(vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsEngine(event)) void this.restart('settings changed');
    }));
  }

  /** "model name" for the panel and the status bar; marks synthetic test models as such. */
  get modelLabel(): string {
    return this.modelLabelValue ?? labelFromPath(readConfig().modelPath);
  }

  /** What the configured model can do: from its GGUF headers, or by asking the remote server. */
  async describe(): Promise<EngineDescription> {
    if (readConfig().backend === 'remote') {
      try {
        const description = await (await this.remote()).describe();
        this.modelLabelValue = description.modelLabel;
        this.fire('idle');
        return description;
      } catch (error) {
        this.fire('error', error instanceof Error ? error.message : String(error));
        throw error;
      }
    }
    const server = await this.acquire();
    const pair = await server.pairInfo();
    if (this.modelLabelValue === undefined) {
      this.modelLabelValue = labelFor(pair.modelName);
      this.fire(statusOf[server.state]);
    }
    return {
      modelLabel: this.modelLabel,
      vision: Boolean(pair.vision),
      visionRefusal: pair.vision
        ? undefined
        : noProjectorMessage(pair.modelName),
      imageBudget: imageBudgetFor(pair),
      imageTokens: pair.vision ? (width, height) => estimateImageTokens(pair.vision as VisionProjectorInfo, { width, height }) : undefined,
    };
  }

  /**
   * Prefill while typing, on the embedded engine only: a remote server is shared (its compute is
   * the team's), and typing never starts a stopped engine.
   */
  async prefill(turns: readonly ChatTurn[], signal: AbortSignal): Promise<PrefillFigures | undefined> {
    const config = readConfig();
    if (config.backend === 'remote' || !config.prefillWhileTyping) return undefined;
    const server = this.server;
    if (!server?.current) return undefined;
    return server.prefill(turns, signal);
  }

  async ensureReady(signal?: AbortSignal): Promise<void> {
    if (readConfig().backend === 'remote') return;
    await this.ensureStarted(signal);
  }

  async *chat(turns: readonly ChatTurn[], options: ChatCompletionOptions, signal?: AbortSignal): AsyncGenerator<ChatStreamEvent> {
    if (readConfig().backend !== 'remote') {
      const server = await this.acquire();
      yield* server.chat(turns, options, signal);
      return;
    }
    const remote = await this.remote();
    this.fire('generating');
    let failed: string | undefined;
    const onRetry = (notice: { attempt: number; waitMs: number; status: number }) => {
      const detail = `the server is busy (HTTP ${notice.status}); trying again in ${Math.ceil(notice.waitMs / 1000)} s (attempt ${notice.attempt})`;
      this.log.warn(`[remote] ${detail}`);
      this.fire('generating', detail);
    };
    try {
      yield* remote.chat(turns, { ...options, onRetry }, signal);
    } catch (error) {
      failed = error instanceof Error ? error.message : String(error);
      throw error;
    } finally {
      this.fire(failed && !signal?.aborted ? 'error' : 'idle', failed);
    }
  }

  /** The remote server from the settings and the API key in secret storage (made once per settings). */
  private async remote(): Promise<RemoteEngine> {
    if (!this.remoteEngine) {
      const { remote } = readConfig();
      if (!remote.url) {
        throw new GlimpseError('remote-invalid-url', 'Glimpse is set to use a remote server ("glimpse.backend": "remote") but "glimpse.remote.url" is empty. Run "Glimpse: Set Up Remote Server…", or set "glimpse.backend" back to "embedded".');
      }
      const baseUrl = validateRemoteBaseUrl(remote.url, { allowInsecure: remote.allowInsecureHttp });
      const apiKey = (await this.secrets.get(remoteApiKeySecret)) || undefined;
      this.remoteEngine = new RemoteEngine({ baseUrl, apiKey, model: remote.model, headers: remote.headers }, remote.vision);
      this.log.info(`[remote] using ${baseUrl}${remote.model ? ` (model ${remote.model})` : ''}${apiKey ? ' with an API key' : ''}`);
    }
    return this.remoteEngine;
  }

  /** The server for the configured pair, started (with progress) if it is not running. */
  async ensureStarted(signal?: AbortSignal): Promise<{ server: LlamaServer; running: RunningServer }> {
    const server = await this.acquire();
    if (server.current) return { server, running: server.current };
    const running = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Glimpse', cancellable: true },
      async (progress, progressToken) => {
        const controller = new AbortController();
        const cancel = () => controller.abort();
        if (signal?.aborted) cancel();
        signal?.addEventListener('abort', cancel, { once: true });
        const subscriptions = [
          progressToken.onCancellationRequested(cancel),
          { dispose: () => signal?.removeEventListener('abort', cancel) },
          server.onDidStartPhase((phase) => {
            if (phase.phase === 'checking') progress.report({ message: 'Starting llama.cpp…' });
            else progress.report({ message: `Loading ${phase.modelName} (${formatBytes(phase.bytes)})…` });
          }),
        ];
        progress.report({ message: 'Starting llama.cpp…' });
        try {
          return await server.start(controller.signal);
        } finally {
          for (const s of subscriptions) s.dispose();
        }
      },
    );
    return { server, running };
  }

  /** The server object for the configured pair (not started). Throws when no model is set. */
  async acquire(): Promise<LlamaServer> {
    const config = engineConfig(readConfig());
    if (!config) {
      throw new GlimpseError(
        'model-not-configured',
        'Glimpse needs a vision model: run "Glimpse: Manage Models" to download one (SmolVLM 500M is small and fast), ' +
          'or "Glimpse: Use Local Model Files…" for GGUF files you already have (the mmproj projector next to the model is found).' +
          remoteWindowHint(vscode.env.remoteName),
      );
    }
    const server = await this.pool.acquire(config);
    if (server !== this.server) this.attach(server);
    return server;
  }

  /** Stops the running engine; it starts again on next use (or now, if it was running). */
  async restart(reason: string): Promise<void> {
    const wasRunning = Boolean(this.server?.current);
    this.log.info(`[engine] restarting: ${reason}`);
    this.detach();
    await this.pool.dispose();
    this.remoteEngine = undefined;
    this.modelLabelValue = undefined;
    this.fire('idle');
    if (wasRunning) {
      try {
        await this.ensureStarted();
      } catch (error) {
        this.log.error(`[engine] could not restart: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private attach(server: LlamaServer): void {
    this.detach();
    this.server = server;
    this.serverSubscriptions = [
      server.onDidChangeState((state) => {
        const detail = state === 'error' && server.lastExit ? `llama-server stopped (${server.lastExit.signal ?? `exit code ${server.lastExit.code}`})` : undefined;
        this.fire(statusOf[state], detail);
      }),
      server.onDidStartPhase((phase) => {
        if (phase.phase === 'loading') {
          this.modelLabelValue = labelFor(phase.modelName);
          this.fire('loading');
        }
      }),
      server.onDidExit((exit) => {
        if (!exit.expected) {
          this.log.error(`[engine] llama-server stopped unexpectedly (${exit.signal ?? `exit code ${exit.code}`}). Its last lines:\n${exit.lastLines.join('\n')}`);
        }
      }),
    ];
  }

  private detach(): void {
    for (const s of this.serverSubscriptions) s.dispose();
    this.serverSubscriptions = [];
    this.server = undefined;
  }

  private fire(status: EngineStatus, detail?: string): void {
    this.statusBar.update(status, this.modelLabel, detail);
    this.statusEmitter.fire({ status, modelLabel: this.modelLabel, detail });
  }

  dispose(): void {
    this.detach();
    void this.pool.dispose();
    for (const d of this.disposables) d.dispose();
    this.statusEmitter.dispose();
  }

  /** Awaitable shutdown for deactivate(): the child process is gone when it resolves. */
  async shutdown(): Promise<void> {
    this.detach();
    await this.pool.dispose();
  }
}

/** The model's name for the UI; the project's synthetic test models say what they are. */
function labelFor(modelName: string): string {
  return /synthetic/i.test(modelName) ? `${modelName} (synthetic demo model: random weights, gibberish answers)` : modelName;
}

function labelFromPath(modelPath: string | undefined): string {
  return modelPath ? path.basename(modelPath).replace(/\.gguf$/i, '') : 'no model';
}

function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GB`;
  if (bytes >= 2 ** 20) return `${Math.round(bytes / 2 ** 20)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
