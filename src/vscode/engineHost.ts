// The engine as the extension sees it: one ChatEngine at a time, picked from the settings, the
// embedded llama-server (LocalEngine) or a team's server (RemoteEngine). The local one starts on
// first use behind a cancellable progress notification; both are reflected in the status bar.
//
// Settings changes are applied in batches: a burst of writes (a model and its projector, typed in
// the Settings editor, or a batch from engineSettingsBatch.ts) is applied once, when it is over,
// and only when the engine in use does not already match it. An answer in progress is never cut
// off by a settings change: it finishes on the engine it began on, and the log and the status bar
// say that the new settings follow.

import { createHash } from 'node:crypto';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ChatEngine, EngineDescription, PrefillEngine, PrefillFigures } from '../core/engine/chatEngine';
import { defaultContextSize, type EngineState, type LlamaServerConfig, type RunningServer, type ServerExit } from '../core/engine/llamaServer';
import { LocalEngine, localEngineKey, localModelLabel } from '../core/engine/localEngine';
import { GlimpseError } from '../core/errors';
import { formatBytes } from '../core/formatBytes';
import type { ModelCatalog } from '../core/models/catalog';
import { catalogEntryForModel, engineContextSize } from '../core/models/contextSize';
import type { ChatCompletionOptions, ChatStreamEvent, OpenAiEndpoint } from '../core/openai/openAiClient';
import type { ChatTurn } from '../core/openai/turn';
import type { EngineStatus } from '../core/protocol';
import { RemoteEngine } from '../core/remote/remoteEngine';
import { validateRemoteBaseUrl } from '../core/remote/remoteEndpoint';
import { remoteWindowHint } from './remoteWindowHint';
import { affectsEngine, engineConfig, readConfig, type GlimpseConfig } from './config';
import { isEngineSettingsBatchOpen, onDidCloseEngineSettingsBatch } from './engineSettingsBatch';
import { engineLogger, type Log } from './log';
import type { StatusBar } from './statusBar';

const statusOf: Record<EngineState, EngineStatus> = {
  stopped: 'idle',
  starting: 'loading',
  ready: 'idle',
  sleeping: 'sleeping',
  generating: 'generating',
  error: 'error',
};

/** The SecretStorage key of the remote server's API key (never kept in settings). */
export const remoteApiKeySecret = 'glimpse.remote.apiKey';

/** Settings writes closer together than this are one change (the Settings editor writes per keystroke). */
export const settingsQuietMs = 400;

export interface EngineStatusEvent {
  readonly status: EngineStatus;
  readonly modelLabel: string;
  readonly detail?: string;
}

/** What the settings ask for; `key` tells two choices apart (equal keys: nothing to change). */
type EngineChoice =
  | { readonly kind: 'local'; readonly key: string; readonly config: LlamaServerConfig }
  | { readonly kind: 'remote'; readonly key: string; readonly engine: () => RemoteEngine; readonly label: string };

/** The engine in use as the editor drives it (progress, status bar), and the answers streaming from it. */
interface ActiveEngine extends ChatEngine, PrefillEngine {
  readonly key: string;
  /** The local engine (its process: running or not, to dispose); undefined for a remote one. */
  readonly local?: LocalEngine;
  readonly subscriptions: Array<{ dispose(): void }>;
  answering: number;
  /** Set when newer settings replaced it mid-answer: runs when its last answer ends. */
  retire?: () => void;
}

export class EngineHost implements vscode.Disposable, ChatEngine, PrefillEngine {
  private active: ActiveEngine | undefined;
  private modelLabelValue: string | undefined;
  /** A settings change not applied yet (the burst is not over, or a batch is open). */
  private pendingChange: { timer?: NodeJS.Timeout; applied: Promise<void>; resolve: () => void } | undefined;
  private applying: Promise<void> = Promise.resolve();
  private startCount = 0;
  private readonly statusEmitter = new vscode.EventEmitter<EngineStatusEvent>();
  private readonly disposables: vscode.Disposable[] = [];

  readonly onDidChangeStatus = this.statusEmitter.event;

  constructor(
    private readonly log: Log,
    private readonly statusBar: StatusBar,
    private readonly secrets: vscode.SecretStorage,
    private readonly catalog: () => Promise<ModelCatalog | undefined> = async () => undefined,
    /** Where local engine processes are recorded, so that one a crashed window left running is ended on the next start. */
    private readonly processRecordDir?: string,
    /** Where the measured encode speed of each pair is kept (the first-token budget); none: this window only. */
    private readonly encodeSpeedFile?: string,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affectsEngine(event)) this.settingsChanged();
      }),
      onDidCloseEngineSettingsBatch(() => {
        if (this.pendingChange) this.flushSettings();
      }),
    );
  }

  /** "model name" for the panel and the status bar; marks synthetic test models as such. */
  get modelLabel(): string {
    return this.modelLabelValue ?? labelFromPath(readConfig().modelPath);
  }

  /** How many times a local engine process was started in this session (tests count restarts). */
  get engineStarts(): number {
    return this.startCount;
  }

  /** The running local engine's process id, if one runs (tests kill it to see what a crash does). */
  get enginePid(): number | undefined {
    return this.active?.local?.server.current?.pid;
  }

  /** The running local engine's address and key, if one runs (tests ask its /slots what it evaluated). */
  get engineEndpoint(): OpenAiEndpoint | undefined {
    return this.active?.local?.server.current?.endpoint;
  }

  /** What the configured model can do: from its GGUF headers, or by asking the remote server. */
  async describe(signal?: AbortSignal): Promise<EngineDescription> {
    const active = await this.current();
    try {
      const description = await active.describe(signal);
      this.modelLabelValue = description.modelLabel;
      this.fire(active.local ? statusOf[active.local.server.state] : 'idle');
      return description;
    } catch (error) {
      this.fire('error', error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  /**
   * describe() for a caller that must not hurry a settings change along (VS Code's chat asks again
   * on every settings write): waits for the burst of writes to be applied, then describes.
   */
  async describeSettled(signal?: AbortSignal): Promise<EngineDescription> {
    while (this.pendingChange) await this.pendingChange.applied;
    return this.describe(signal);
  }

  /**
   * Prefill while typing, on the embedded engine only: a remote server is shared (its compute is
   * the team's), and typing never starts a stopped engine.
   */
  async prefill(turns: readonly ChatTurn[], signal: AbortSignal): Promise<PrefillFigures | undefined> {
    if (!readConfig().prefillWhileTyping || this.pendingChange || !this.active) return undefined;
    return this.active.prefill(turns, signal);
  }

  /** The context window the model runs with: the local engine's; undefined for a remote server (it does not say). */
  async contextWindow(): Promise<number | undefined> {
    const { local } = await this.current();
    return local ? (local.config.contextSize ?? defaultContextSize) : undefined;
  }

  /** Tokens in `text` by the running local engine's tokenizer; undefined when none runs (a count never starts one). */
  async countTokens(text: string, signal?: AbortSignal): Promise<number | undefined> {
    if (this.pendingChange) return undefined;
    return this.active?.local?.countTokens(text, signal);
  }

  async ensureReady(signal?: AbortSignal): Promise<void> {
    await (await this.current()).ensureReady(signal);
  }

  async *chat(turns: readonly ChatTurn[], options: ChatCompletionOptions, signal?: AbortSignal): AsyncGenerator<ChatStreamEvent> {
    const active = await this.current();
    active.answering++;
    try {
      // The user's limit on one answer holds for every flow that asks (chat, mockup).
      yield* active.chat(turns, { requestTimeoutMs: readConfig().requestTimeoutSeconds * 1000, ...options }, signal);
    } finally {
      active.answering--;
      if (active.answering === 0) active.retire?.();
    }
  }

  private async *remoteChat(remote: RemoteEngine, turns: readonly ChatTurn[], options: ChatCompletionOptions, signal?: AbortSignal): AsyncGenerator<ChatStreamEvent> {
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

  /** Stops the engine in use (even one that matches the settings); it starts again on next use, or now if it was running. */
  async restart(reason: string): Promise<void> {
    await this.applySettings(reason, true);
  }

  /**
   * Applies the settings now (after any open batch). `force`: replace the engine even when it
   * matches them (a new engine was downloaded, the user asked for a restart).
   */
  applySettings(reason: string, force = false): Promise<void> {
    const pending = this.pendingChange;
    if (pending?.timer) clearTimeout(pending.timer);
    this.pendingChange = undefined;
    this.applying = this.applying.then(() => this.apply(reason, force)).catch((error: unknown) => {
      this.log.error(`[engine] could not apply the settings: ${error instanceof Error ? error.message : String(error)}`);
    }).finally(() => pending?.resolve());
    return this.applying;
  }

  /** A settings write: the engine follows once the burst (or the batch) is over. */
  private settingsChanged(): void {
    if (!this.pendingChange) {
      let resolve!: () => void;
      const applied = new Promise<void>((r) => (resolve = r));
      this.pendingChange = { applied, resolve };
    }
    if (this.pendingChange.timer) clearTimeout(this.pendingChange.timer);
    if (isEngineSettingsBatchOpen()) return;
    this.pendingChange.timer = setTimeout(() => this.flushSettings(), settingsQuietMs);
  }

  private flushSettings(): void {
    void this.applySettings('settings changed');
  }

  /** The engine for the settings, once any change in flight has been applied. */
  private async current(): Promise<ActiveEngine> {
    // A request right after a settings write does not wait out the quiet time; an open batch it does.
    if (this.pendingChange && !isEngineSettingsBatchOpen()) this.flushSettings();
    if (this.pendingChange) await this.pendingChange.applied;
    await this.applying;
    if (!this.active) this.active = this.activate(await this.choose());
    return this.active;
  }

  private async apply(reason: string, force: boolean): Promise<void> {
    const old = this.active;
    if (!old) {
      // Nothing in use yet: the next request makes the engine from the settings then.
      this.modelLabelValue = undefined;
      this.fire('idle');
      return;
    }
    let choice: EngineChoice;
    try {
      choice = await this.choose();
    } catch (error) {
      // Settings that cannot make an engine (no model): stop the old one, the next request says why.
      this.log.info(`[engine] ${reason}: ${error instanceof Error ? error.message : String(error)}`);
      this.active = undefined;
      await this.retire(old, false);
      return;
    }
    if (!force && choice.key === old.key) {
      this.log.info(`[engine] ${reason}; the engine in use already matches the settings`);
      return;
    }
    const wasRunning = Boolean(old.local?.server.current);
    this.log.info(`[engine] ${force ? 'restarting' : 'switching'}: ${reason}`);
    this.active = this.activate(choice);
    this.modelLabelValue = undefined;
    await this.retire(old, wasRunning);
  }

  /** Stops an engine that was replaced; mid-answer, once that answer ends. Starts the new local engine if the old one was running. */
  private async retire(old: ActiveEngine, startNext: boolean): Promise<void> {
    const finish = async () => {
      for (const s of old.subscriptions) s.dispose();
      await old.local?.dispose();
      this.fire('idle');
      const next = this.active;
      if (startNext && next?.local) {
        await this.startWithProgress(next.local).catch((error: unknown) => {
          this.log.error(`[engine] could not start with the new settings: ${error instanceof Error ? error.message : String(error)}`);
        });
      }
    };
    if (old.answering === 0) return finish();
    const detail = 'new engine settings apply when this answer ends';
    this.log.info(`[engine] an answer is in progress: it finishes on the current engine; ${detail}`);
    this.fire('generating', detail);
    old.retire = () => void finish();
  }

  /** The engine the settings ask for. Throws when they cannot make one (no model, a bad remote URL). */
  private async choose(): Promise<EngineChoice> {
    const settings = readConfig();
    if (settings.backend === 'remote') return this.chooseRemote(settings);
    const config = engineConfig(settings);
    if (!config) {
      throw new GlimpseError(
        'model-not-configured',
        'Glimpse needs a vision model: run "Glimpse: Manage Models" to download one (SmolVLM 500M is small and fast), ' +
          'or "Glimpse: Use Local Model Files…" for GGUF files you already have (the mmproj projector next to the model is found).' +
          remoteWindowHint(vscode.env.remoteName),
      );
    }
    const entry = catalogEntryForModel(await this.catalog(), config.modelPath);
    const local: LlamaServerConfig = { ...config, contextSize: engineContextSize(config.contextSize, entry), processRecordDir: this.processRecordDir, encodeSpeedFile: this.encodeSpeedFile };
    return { kind: 'local', key: `local\n${localEngineKey(local)}`, config: local };
  }

  private async chooseRemote(settings: GlimpseConfig): Promise<EngineChoice> {
    const { remote } = settings;
    if (!remote.url) {
      throw new GlimpseError('remote-invalid-url', 'Glimpse is set to use a remote server ("glimpse.backend": "remote") but "glimpse.remote.url" is empty. Run "Glimpse: Set Up Remote Server…", or set "glimpse.backend" back to "embedded".');
    }
    const baseUrl = validateRemoteBaseUrl(remote.url, { allowInsecure: remote.allowInsecureHttp });
    const apiKey = (await this.secrets.get(remoteApiKeySecret)) || undefined;
    const keyHash = apiKey ? createHash('sha256').update(apiKey).digest('hex') : '';
    return {
      kind: 'remote',
      key: `remote\n${JSON.stringify({ baseUrl, model: remote.model, headers: remote.headers, vision: remote.vision, keyHash })}`,
      label: `${baseUrl}${remote.model ? ` (model ${remote.model})` : ''}${apiKey ? ' with an API key' : ''}`,
      engine: () => new RemoteEngine({ baseUrl, apiKey, model: remote.model, headers: remote.headers }, remote.vision),
    };
  }

  private activate(choice: EngineChoice): ActiveEngine {
    if (choice.kind === 'remote') {
      this.log.info(`[remote] using ${choice.label}`);
      const remote = choice.engine();
      return {
        key: choice.key,
        subscriptions: [],
        answering: 0,
        describe: (signal) => remote.describe(signal),
        // Nothing to start: the server is someone else's.
        ensureReady: async () => undefined,
        chat: (turns, options, signal) => this.remoteChat(remote, turns, options, signal),
        // Never on a remote server: its compute is the team's.
        prefill: async () => undefined,
      };
    }
    const engine = LocalEngine.create(choice.config, engineLogger(this.log));
    const { server } = engine;
    const subscriptions = [
      server.onDidChangeState((state) => {
        if (this.active?.local !== engine) return;
        const detail = state === 'error' && server.lastExit ? exitDetail(server.lastExit) : undefined;
        this.fire(statusOf[state], detail);
      }),
      server.onDidStartPhase((phase) => {
        if (phase.phase === 'checking') this.startCount++;
        if (phase.phase === 'loading' && this.active?.local === engine) {
          this.modelLabelValue = localModelLabel(phase.modelName);
          this.fire('loading');
        }
      }),
      server.onDidExit((exit) => {
        if (!exit.expected) {
          this.log.error(`[engine] ${exitDetail(exit)}. Its last lines:\n${exit.lastLines.join('\n')}`);
        }
      }),
    ];
    return {
      key: choice.key,
      local: engine,
      subscriptions,
      answering: 0,
      describe: () => engine.describe(),
      ensureReady: async (signal) => void (await this.startWithProgress(engine, signal)),
      chat: (turns, options, signal) => engine.chat(turns, options, signal),
      prefill: (turns, signal) => engine.prefill(turns, signal),
    };
  }

  /** Starts the local engine if it is not running, with a cancellable progress notification. */
  private async startWithProgress(engine: LocalEngine, signal?: AbortSignal): Promise<RunningServer> {
    const { server } = engine;
    if (server.current) return server.current;
    return vscode.window.withProgress(
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
  }

  private fire(status: EngineStatus, detail?: string): void {
    this.statusBar.update(status, this.modelLabel, detail);
    this.statusEmitter.fire({ status, modelLabel: this.modelLabel, detail });
  }

  dispose(): void {
    void this.shutdown();
    for (const d of this.disposables) d.dispose();
    this.statusEmitter.dispose();
  }

  /** Awaitable shutdown for deactivate(): the child process is gone when it resolves. */
  async shutdown(): Promise<void> {
    if (this.pendingChange?.timer) clearTimeout(this.pendingChange.timer);
    const active = this.active;
    this.active = undefined;
    if (!active) return;
    for (const s of active.subscriptions) s.dispose();
    await active.local?.dispose();
  }
}

/** The status bar's and the log's words for an engine that stopped on its own, or was ended because it was stuck. */
function exitDetail(exit: ServerExit): string {
  if (exit.unresponsiveMs !== undefined) return `llama-server stopped responding for ${Math.round(exit.unresponsiveMs / 1000)} s and was ended; it starts again on the next request`;
  return `llama-server stopped unexpectedly (${exit.signal ?? `exit code ${exit.code}`})`;
}

function labelFromPath(modelPath: string | undefined): string {
  return modelPath ? path.basename(modelPath).replace(/\.gguf$/i, '') : 'no model';
}
