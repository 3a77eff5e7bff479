// Supervises one llama-server child process for one model pair: checks the pair, spawns the server
// on 127.0.0.1 with a free port and a random API key, waits until it is healthy, streams chat
// completions through the OpenAI-compatible client, reports a crash with its exit code and the
// last lines it printed, starts again on the next request, and kills the whole process on dispose.
// Supervision beyond that: a server that stops answering /health is killed and reported
// (healthMonitor.ts); a watchdog ends the server if this process dies (parentWatchdog.ts); and
// with a record folder, each process is recorded so that the next start ends one an editor left
// behind (engineProcessRecord.ts, orphanReaper.ts).

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { PrefillFigures } from './chatEngine';
import type { ChatTurn } from '../openai/turn';
import { delay, throwIfAborted } from '../abort';
import { Emitter, type Disposable } from '../disposable';
import { GlimpseError } from '../errors';
import { checkModelPair, type ModelPairInfo } from '../models/pairCheck';
import { imageMicroBatch } from '../models/imageMicroBatch';
import { freePort } from './freePort';
import { describeEngineBuild, locateServer, serverEnvironment, type LocatedServer, type ServerSearch } from './locateServer';
import { streamChatCompletion, type ChatCompletionOptions, type ChatStreamEvent, type OpenAiEndpoint } from '../openai/openAiClient';
import { LineRingBuffer } from './ringBuffer';
import { sendHttpRequest } from '../http/httpRequest';
import { recordEngineProcess, type RecordedEngine } from './engineProcessRecord';
import { HealthMonitor, type HealthCheckOptions } from './healthMonitor';
import { reapOrphanedEngines } from './orphanReaper';
import { watchForParentDeath, type ParentWatchdog } from './parentWatchdog';

export interface LlamaServerConfig {
  /** Explicit llama-server path (setting or flag); otherwise the bundled engine, the engine cache, then PATH. */
  readonly serverPath?: string;
  /** Where else to look for llama-server: the engine a VSIX carries, the downloaded ones, the cache. */
  readonly serverSearch?: ServerSearch;
  readonly modelPath: string;
  /** The projector (mmproj) that gives the model vision; omitted for a text-only model. */
  readonly mmprojPath?: string;
  readonly threads?: number;
  /** Layers offloaded to the GPU (`-ngl`); undefined leaves it to llama-server (its default, or --fit). */
  readonly gpuLayers?: number;
  readonly contextSize?: number;
  /** Server slots; one conversation at a time by default so the image prefix stays cached. */
  readonly parallel?: number;
  readonly startTimeoutMs?: number;
  /** Further llama-server arguments, after Glimpse's own (one given twice: llama-server takes the last). */
  readonly extraArgs?: readonly string[];
  /**
   * A folder to record the running process in (the extension's global storage, the CLI's cache), so
   * that the next start ends one left behind by an editor that died. None: no record, no reaping.
   */
  readonly processRecordDir?: string;
  /** How /health is polled while the server runs, and how much silence counts as stuck (defaults: healthMonitor.ts). */
  readonly healthCheck?: HealthCheckOptions;
  /**
   * Unload the model after this many seconds without a request (llama-server's
   * `--sleep-idle-seconds`: it frees the model, the projector and the KV cache, keeps the process
   * and its port, and loads them again on the next request). 0 or undefined: never.
   */
  readonly sleepAfterIdleSeconds?: number;
  /**
   * Seconds the first token of an answer about an image should take on this machine (LocalEngine's
   * first-token budget, firstTokenBudget.ts); 0 or undefined: the model's own image size.
   */
  readonly firstTokenBudgetSeconds?: number;
  /** Where LocalEngine keeps the measured encode speed of each pair (encodeSpeed.ts); none: this process only. */
  readonly encodeSpeedFile?: string;
}

/** Picks llama-server's --image-max-tokens before each spawn, from the checked pair and the binary found. */
export type ImageTokenCapChooser = (pair: ModelPairInfo, binary: LocatedServer) => Promise<number | undefined>;

/** `sleeping`: the process runs with its model unloaded (sleepAfterIdleSeconds); the next request loads it again. */
export type EngineState = 'stopped' | 'starting' | 'ready' | 'sleeping' | 'generating' | 'error';

export interface EngineLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** One line the server printed (stdout or stderr). */
  server(line: string): void;
}

/** Steps of a start, for progress reporting. */
export type StartPhase =
  | { readonly phase: 'checking' }
  | { readonly phase: 'loading'; readonly modelName: string; readonly bytes: number };

export interface ServerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly expected: boolean;
  readonly lastLines: readonly string[];
  /** Set when Glimpse killed it because it stopped answering: how long it had been silent. */
  readonly unresponsiveMs?: number;
}

/** What is known once the server is up. */
export interface RunningServer {
  readonly endpoint: OpenAiEndpoint;
  readonly pid: number;
  readonly binary: LocatedServer;
  readonly pair: ModelPairInfo;
  readonly startMs: number;
  /** The --image-max-tokens it runs with (the last one given), if any. */
  readonly imageMaxTokens?: number;
  /** The process that kills the server if this one dies (none on Windows). */
  readonly watchdogPid?: number;
}

/** What watches one engine process. */
interface Supervision {
  /** Set by the process's exit event. */
  ended: boolean;
  health?: HealthMonitor;
  watchdog?: ParentWatchdog;
  record?: Promise<RecordedEngine | undefined>;
}

const sleepEnteredLine = /server is entering sleeping state/;
const sleepExitedLine = /server is exiting sleeping state/;
const silentLogger: EngineLogger = { info() {}, warn() {}, error() {}, server() {} };
const defaultStartTimeoutMs = 180_000;
/** The context llama-server is given when the settings and the catalog say nothing. */
export const defaultContextSize = 4096;
const stopGraceMs = 3_000;
/** Loopback polls are cheap; a short interval keeps the wait after the model is loaded short. */
const healthPollMs = 20;
/** Limit for connecting to /health and for its answer: a server that is up answers on loopback at once. */
const healthTimeoutMs = 2_000;

export class LlamaServer implements Disposable {
  private child: ChildProcess | undefined;
  private running: RunningServer | undefined;
  private starting: Promise<RunningServer> | undefined;
  private output = new LineRingBuffer(40);
  private exitWaiters: Array<(exit: ServerExit) => void> = [];
  private activeRequests = 0;
  /** The prefill running now, which an answer stops (the server has one slot). */
  private prefillRequest: AbortController | undefined;
  /** Processes stopped on purpose (dispose, restart): their exit is not a crash. */
  private readonly expectedExits = new WeakSet<ChildProcess>();
  /** Processes killed because they stopped answering, with how long they had been silent. */
  private readonly unresponsive = new WeakMap<ChildProcess, number>();
  /** What watches the current process. */
  private supervision: Supervision | undefined;
  /** The removal of the last process's record, which stop() waits for. */
  private recordRemoved: Promise<void> = Promise.resolve();
  private disposed = false;
  private stateValue: EngineState = 'stopped';
  private pairCheck: Promise<ModelPairInfo> | undefined;
  private readonly stateEmitter = new Emitter<EngineState>();
  private readonly exitEmitter = new Emitter<ServerExit>();
  private readonly startPhaseEmitter = new Emitter<StartPhase>();

  /** Fires on every state change. */
  readonly onDidChangeState = this.stateEmitter.event;
  /** Fires when the process ends, expected (dispose, restart) or not (crash). */
  readonly onDidExit = this.exitEmitter.event;
  /** Fires as a start moves from checking the files to loading the model. */
  readonly onDidStartPhase = this.startPhaseEmitter.event;
  lastExit: ServerExit | undefined;

  constructor(
    readonly config: LlamaServerConfig,
    private readonly logger: EngineLogger = silentLogger,
  ) {}

  /** Consulted before each spawn (LocalEngine sets it); none: no --image-max-tokens of Glimpse's own. */
  chooseImageTokenCap: ImageTokenCapChooser | undefined;

  get state(): EngineState {
    return this.stateValue;
  }

  /** The running server's details, if it is up. */
  get current(): RunningServer | undefined {
    return this.running;
  }

  /**
   * The model pair's checked facts (read from the GGUF headers, no weights loaded). Cached: callers
   * use it to size images while the server starts. A failed check is not cached (files change).
   */
  pairInfo(): Promise<ModelPairInfo> {
    if (!this.pairCheck) {
      this.pairCheck = checkModelPair({ modelPath: this.config.modelPath, mmprojPath: this.config.mmprojPath }, { bundledEngine: !this.config.serverPath });
      this.pairCheck.catch(() => (this.pairCheck = undefined));
    }
    return this.pairCheck;
  }

  /** Starts the server if it is not running; concurrent callers share one start. */
  start(signal?: AbortSignal): Promise<RunningServer> {
    if (this.disposed) return Promise.reject(new GlimpseError('cancelled', 'The engine was shut down.'));
    if (this.running) return Promise.resolve(this.running);
    if (!this.starting) {
      this.starting = this.spawnAndWait(signal).finally(() => {
        this.starting = undefined;
      });
    }
    return abortable(this.starting, signal);
  }

  /** Streams an answer; starts the server first when needed. */
  async *chat(turns: readonly ChatTurn[], options: ChatCompletionOptions, signal?: AbortSignal): AsyncGenerator<ChatStreamEvent> {
    const server = await this.start(signal);
    const child = this.child;
    this.prefillRequest?.abort();
    this.activeRequests++;
    this.setState('generating');
    try {
      for await (const event of streamChatCompletion(server.endpoint, turns, options, signal)) yield event;
    } catch (error) {
      if (error instanceof GlimpseError && (error.code === 'engine-request-failed' || error.code === 'remote-timeout') && child) {
        // A reset connection is often the first sign of a crash: give the exit event a moment.
        const exit = await this.waitForExitOf(child, 1_000);
        if (exit && !exit.expected) throw crashError(exit, 'while answering');
      }
      throw error;
    } finally {
      this.activeRequests--;
      if (this.running && this.activeRequests === 0) this.setState('ready');
    }
  }

  /**
   * Prefill while typing: evaluates the turns into the running server's prompt cache (the one
   * token the request must generate is dropped). Typing never starts the server, and a draft
   * never competes with an answer: undefined when the server is not up or is answering, and an
   * answer asked meanwhile stops the prefill (undefined too).
   */
  async prefill(turns: readonly ChatTurn[], signal: AbortSignal): Promise<PrefillFigures | undefined> {
    const server = this.running;
    if (!server || this.activeRequests > 0) return undefined;
    const stoppedByAnswer = new AbortController();
    this.prefillRequest = stoppedByAnswer;
    const started = performance.now();
    let done: (ChatStreamEvent & { type: 'done' }) | undefined;
    try {
      const options = { maxTokens: 1, temperature: 0, cachePrompt: true };
      for await (const event of streamChatCompletion(server.endpoint, turns, options, AbortSignal.any([signal, stoppedByAnswer.signal]))) {
        if (event.type === 'done') done = event;
      }
    } catch (error) {
      if (stoppedByAnswer.signal.aborted && !signal.aborted) return undefined;
      throw error;
    } finally {
      if (this.prefillRequest === stoppedByAnswer) this.prefillRequest = undefined;
    }
    return { evaluatedTokens: done?.timings?.promptTokens, cachedTokens: done?.timings?.cachedTokens, ms: performance.now() - started };
  }

  /** Stops the process (it starts again on the next request). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.expectedExits.add(child);
    // A process that is being stopped may be slow to answer: that is no reason to kill it.
    this.supervision?.health?.dispose();
    const exited = this.waitForExitOf(child, stopGraceMs);
    killProcess(child, 'SIGTERM');
    if (!(await exited)) {
      killProcess(child, 'SIGKILL');
      await this.waitForExitOf(child, stopGraceMs);
    }
    await this.recordRemoved;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.stop();
    this.stateEmitter.dispose();
    this.exitEmitter.dispose();
    this.startPhaseEmitter.dispose();
  }

  private async spawnAndWait(signal?: AbortSignal): Promise<RunningServer> {
    const started = Date.now();
    this.setState('starting');
    this.startPhaseEmitter.fire({ phase: 'checking' });
    try {
      // These only read files; the pair check refuses a bad pair before anything is spawned. An
      // engine an earlier editor left running is ended first: it holds memory the new one needs.
      const [binary, pair] = await Promise.all([locateServer(this.config.serverPath, this.config.serverSearch), this.pairInfo(), this.reapOrphans()]);
      throwIfAborted(signal, 'Stopped.');
      this.startPhaseEmitter.fire({ phase: 'loading', modelName: pair.modelName, bytes: pair.modelFileSize + (pair.vision ? pair.vision.fileSize : 0) });
      // A port can be taken between probing and binding: try a second one before giving up.
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.launch(binary, pair, started, signal);
        } catch (error) {
          const bindFailed = error instanceof GlimpseError && error.code === 'engine-exited' && /bind|address already in use/i.test(error.detail ?? '');
          if (!bindFailed || attempt >= 2) throw error;
          this.logger.warn('The port was taken; starting llama-server again on another port.');
        }
      }
    } catch (error) {
      this.setState(error instanceof GlimpseError && error.code === 'cancelled' ? 'stopped' : 'error');
      throw error;
    }
  }

  private async launch(binary: LocatedServer, pair: ModelPairInfo, started: number, signal?: AbortSignal): Promise<RunningServer> {
    const port = await freePort();
    const apiKey = randomBytes(24).toString('hex');
    const imageTokenCap = await this.chooseImageTokenCap?.(pair, binary);
    const args = this.serverArguments(port, apiKey, binary, pair, imageTokenCap);
    this.logger.info(`Starting ${binary.path} (${binary.version}; ${describeEngineBuild(binary)}) ${args.map((a) => (a === apiKey ? '<api-key>' : a)).join(' ')}`);
    this.output = new LineRingBuffer(40);
    const child = spawn(binary.path, args, {
      env: serverEnvironment(binary.path),
      stdio: ['ignore', 'pipe', 'pipe'],
      // In the caller's process group (not detached): when the editor's extension host is killed
      // with its group, the engine goes with it instead of living on with the model in memory.
      // Killed alone, the watchdog (parentWatchdog.ts) ends the engine.
      windowsHide: true,
    });
    this.child = child;
    const supervision = this.supervise(child, binary, port);
    const onOutput = (data: Buffer) => {
      for (const line of this.output.push(data.toString('utf8'))) {
        this.logger.server(line);
        if (child === this.child) this.followSleep(line);
      }
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    child.on('error', (error) => this.logger.error(`llama-server could not be started: ${error.message}`));
    child.on('close', (code, exitSignal) => this.handleExit(child, code, exitSignal));

    const endpoint: OpenAiEndpoint = { baseUrl: `http://127.0.0.1:${port}`, apiKey };
    try {
      await this.waitUntilHealthy(child, endpoint, signal);
    } catch (error) {
      await this.stop();
      throw error;
    }
    if (!child.pid) throw new GlimpseError('engine-exited', 'llama-server did not start (no process id).');
    const imageMaxTokens = lastValueOf(args, '--image-max-tokens');
    const running: RunningServer = { endpoint, pid: child.pid, binary, pair, startMs: Date.now() - started, watchdogPid: supervision.watchdog?.pid, ...(imageMaxTokens !== undefined ? { imageMaxTokens } : {}) };
    this.running = running;
    if (!supervision.ended) {
      supervision.health = new HealthMonitor((timeoutMs, pollSignal) => answersAtAll(endpoint, timeoutMs, pollSignal), this.config.healthCheck, (silentMs) => this.endUnresponsive(child, silentMs));
    }
    this.setState('ready');
    this.logger.info(`llama-server is ready on port ${port} after ${running.startMs} ms (pid ${child.pid}).`);
    return running;
  }

  /**
   * The server's own log says when it unloads the model and when it loads it again
   * (tools/server/server-context.cpp `handle_sleeping_state`); a request in flight keeps `generating`.
   */
  private followSleep(line: string): void {
    if (sleepEnteredLine.test(line) && this.running && this.activeRequests === 0) {
      this.setState('sleeping');
      this.logger.info(`llama-server unloaded the model after ${this.config.sleepAfterIdleSeconds} s without a request; the next request loads it again.`);
    } else if (sleepExitedLine.test(line) && this.stateValue === 'sleeping') {
      this.setState('ready');
    }
  }

  /** Ends an engine left by an editor that died (when this server has a record folder). */
  private async reapOrphans(): Promise<void> {
    const folder = this.config.processRecordDir;
    if (folder) await reapOrphanedEngines(folder, this.logger);
  }

  /** Watches the process just spawned: a watchdog for this process's death, and its record; its health polls come once it is up. */
  private supervise(child: ChildProcess, binary: LocatedServer, port: number): Supervision {
    const { pid } = child;
    const supervision: Supervision = { ended: false };
    this.supervision = supervision;
    if (!pid) return supervision;
    supervision.watchdog = watchForParentDeath(pid, (message) => this.logger.warn(message));
    const folder = this.config.processRecordDir;
    if (folder) {
      supervision.record = recordEngineProcess(folder, { pid, binary: binary.path, port }).catch((error: unknown) => {
        this.logger.warn(`Could not record the engine process in ${folder} (an engine left running by a crash is then not ended on the next start): ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      });
    }
    // 'exit' comes as soon as the process is reaped, before its pid can be reused.
    child.once('exit', () => {
      supervision.ended = true;
      supervision.health?.dispose();
      supervision.watchdog?.dispose();
      this.recordRemoved = (supervision.record ?? Promise.resolve(undefined)).then((record) => record?.remove());
    });
    return supervision;
  }

  /** The health check found the process silent: kill it; requests in flight fail with the reason. */
  private endUnresponsive(child: ChildProcess, silentMs: number): void {
    if (child !== this.child || child.exitCode !== null || child.signalCode !== null) return;
    this.unresponsive.set(child, silentMs);
    this.logger.error(`llama-server (pid ${child.pid}) has not answered /health for ${formatSeconds(silentMs)} s; killing it (SIGKILL). It starts again on the next request.`);
    killProcess(child, 'SIGKILL');
  }

  private serverArguments(port: number, apiKey: string, binary: LocatedServer, pair: ModelPairInfo, imageTokenCap: number | undefined): string[] {
    const { modelPath, mmprojPath, threads, gpuLayers, contextSize, parallel, extraArgs, sleepAfterIdleSeconds } = this.config;
    const args = ['-m', modelPath];
    if (mmprojPath) args.push('--mmproj', mmprojPath);
    args.push('--host', '127.0.0.1', '--port', String(port), '--api-key', apiKey, '--no-webui');
    args.push('-t', String(threads ?? defaultThreads()));
    args.push('-c', String(contextSize ?? defaultContextSize));
    args.push('--parallel', String(parallel ?? 1));
    if (gpuLayers !== undefined) args.push('-ngl', String(gpuLayers));
    // Families whose images are decoded non-causally need a whole image in one micro-batch.
    const microBatch = imageMicroBatch(pair);
    if (microBatch !== undefined) args.push('-ub', String(microBatch), '-b', String(Math.max(microBatch, 2048)));
    if (sleepAfterIdleSeconds !== undefined && sleepAfterIdleSeconds > 0) args.push('--sleep-idle-seconds', String(Math.round(sleepAfterIdleSeconds)));
    if (imageTokenCap !== undefined && imageTokenCap > 0) args.push('--image-max-tokens', String(Math.round(imageTokenCap)));
    // Fitting layers to device memory only matters with an accelerator; on a CPU-only build it is
    // a dry-run load that costs 0.6–0.8 s of every start (measured with the bench pair).
    if (binary.accelerators.length === 0 && !(extraArgs ?? []).some((a) => a === '-fit' || a === '--fit')) args.push('--fit', 'off');
    args.push(...(extraArgs ?? []));
    return args;
  }

  private async waitUntilHealthy(child: ChildProcess, endpoint: OpenAiEndpoint, signal?: AbortSignal): Promise<void> {
    const timeoutMs = this.config.startTimeoutMs ?? defaultStartTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    let exit: ServerExit | undefined;
    const exited = this.waitForExitOf(child, timeoutMs).then((value) => (exit = value));
    while (Date.now() < deadline) {
      throwIfAborted(signal, 'Stopped.');
      if (exit) throw exit.expected ? new GlimpseError('cancelled', 'The engine start was stopped.') : crashError(exit, 'while starting');
      if (await answersHealthy(endpoint, signal)) return;
      await Promise.race([delay(healthPollMs), exited]);
    }
    throw new GlimpseError(
      'engine-start-timeout',
      `llama-server did not become ready within ${Math.round(timeoutMs / 1000)} s. A large model on a slow disk can take longer: raise the start timeout, or check the log.`,
      this.output.tail(15).join('\n'),
    );
  }

  private handleExit(child: ChildProcess, code: number | null, exitSignal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    const expected = this.expectedExits.has(child);
    const exit: ServerExit = { code, signal: exitSignal, expected, lastLines: this.output.tail(15), unresponsiveMs: this.unresponsive.get(child) };
    this.lastExit = exit;
    this.child = undefined;
    this.running = undefined;
    const describe = exitSignal ? `signal ${exitSignal}` : `exit code ${code}`;
    if (expected) this.logger.info(`llama-server stopped (${describe}).`);
    else this.logger.error(`llama-server stopped unexpectedly (${describe}).`);
    this.setState(expected ? 'stopped' : 'error');
    const waiters = this.exitWaiters;
    this.exitWaiters = [];
    for (const waiter of waiters) waiter(exit);
    this.exitEmitter.fire(exit);
  }

  /** Resolves with the exit of `child` (at once if it already exited), or undefined after the timeout. */
  private waitForExitOf(child: ChildProcess, timeoutMs: number): Promise<ServerExit | undefined> {
    if (child !== this.child) return Promise.resolve(this.lastExit);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.exitWaiters = this.exitWaiters.filter((w) => w !== waiter);
        resolve(undefined);
      }, timeoutMs);
      const waiter = (exit: ServerExit) => {
        clearTimeout(timer);
        resolve(exit);
      };
      this.exitWaiters.push(waiter);
    });
  }

  private setState(state: EngineState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.stateEmitter.fire(state);
  }
}

const signalHints: Partial<Record<NodeJS.Signals, string>> = {
  SIGKILL: ' (often the system ran out of memory)',
  SIGILL: ' (it ran a CPU instruction this processor or its virtual machine does not allow: set the llama-server path to a llama-server built for this CPU, and tell us the CPU model)',
};

/** The error of a request that the engine's death cut short, or of a start it ended. */
function crashError(exit: ServerExit, when: string): GlimpseError {
  if (exit.unresponsiveMs !== undefined) {
    return new GlimpseError(
      'engine-exited',
      `The engine stopped responding for ${formatSeconds(exit.unresponsiveMs)} s (it may be stuck); Glimpse ended it, and it starts again on the next request. Try again.`,
      { detail: exit.lastLines.join('\n') },
    );
  }
  const how = exit.signal
    ? `was killed by ${exit.signal}${signalHints[exit.signal] ?? ''}`
    : `exited with code ${exit.code}`;
  const reason = likelyReason(exit.lastLines);
  return new GlimpseError(
    'engine-exited',
    `llama-server ${how} ${when}.${reason ? ` ${reason}` : ''} It will be started again on the next request; the log has its last lines.`,
    { detail: exit.lastLines.join('\n'), optionsToChange: exit.signal === 'SIGILL' ? ['serverPath'] : [] },
  );
}

/** Picks the most telling line of the server's last output (llama.cpp prefixes errors with "error"). */
function likelyReason(lines: readonly string[]): string | undefined {
  const line = [...lines].reverse().find((l) => /error|failed|unable|exception|abort/i.test(l));
  return line ? `It said: "${line.trim().slice(0, 240)}".` : undefined;
}

function killProcess(child: ChildProcess, signal: NodeJS.Signals): void {
  // llama-server starts no processes of its own: signalling it is enough.
  try {
    child.kill(signal);
  } catch {
    // already gone
  }
}

export function defaultThreads(): number {
  // llama.cpp decodes fastest on physical cores; leave one for the editor on larger machines.
  const cores = os.availableParallelism();
  return cores <= 4 ? cores : cores - 1;
}

function formatSeconds(ms: number): number {
  return Math.max(1, Math.round(ms / 1000));
}

/** Whether llama-server answers GET /health with 2xx (it says 503 while the model loads); false while it is not listening yet. */
async function answersHealthy(endpoint: OpenAiEndpoint, signal?: AbortSignal): Promise<boolean> {
  const status = await healthStatus(endpoint, healthTimeoutMs, signal);
  return status !== undefined && status >= 200 && status < 300;
}

/** Whether llama-server answers GET /health at all within `timeoutMs` (a stuck one does not). */
async function answersAtAll(endpoint: OpenAiEndpoint, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
  return (await healthStatus(endpoint, timeoutMs, AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]))) !== undefined;
}

/** The HTTP status of GET /health; undefined when no answer came (not listening, silent, cancelled). */
async function healthStatus(endpoint: OpenAiEndpoint, timeoutMs: number, signal?: AbortSignal): Promise<number | undefined> {
  try {
    const response = await sendHttpRequest(new URL('/health', endpoint.baseUrl), {
      method: 'GET',
      connectTimeoutMs: timeoutMs,
      idleTimeoutMs: timeoutMs,
      signal,
      serverLabel: endpoint.baseUrl,
    });
    response.close();
    return response.status;
  } catch {
    return undefined;
  }
}

/** Lets one caller stop waiting for a shared promise without cancelling it for the others. */
function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new GlimpseError('cancelled', 'Stopped.'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new GlimpseError('cancelled', 'Stopped.'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** The number after the last `flag` in an argument list (llama-server takes the last one given). */
function lastValueOf(args: readonly string[], flag: string): number | undefined {
  const index = args.lastIndexOf(flag);
  const value = index >= 0 ? Number(args[index + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
