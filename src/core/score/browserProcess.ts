// One headless Chromium-family browser for one render: started with a fresh profile in a temp
// folder and no network (every host name resolves to nothing and all traffic goes to a proxy that
// does not exist), spoken to over --remote-debugging-pipe, and always stopped with its whole
// process tree and its profile deleted, however the render ends.

import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { delay } from '../abort';
import { DevToolsPipe } from './devtoolsPipe';

/**
 * Flags for every launch. The network flags are the browser-level block beneath the request
 * interception in renderPage.ts: no name resolves, and everything else (IP literals, loopback,
 * WebSockets) must go through a proxy on a host that cannot exist; WebRTC may not use UDP outside
 * that proxy.
 */
export const BROWSER_FLAGS: readonly string[] = [
  '--headless',
  '--remote-debugging-pipe',
  '--disable-gpu',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--disable-default-apps',
  '--disable-client-side-phishing-detection',
  '--disable-quic',
  '--metrics-recording-only',
  '--password-store=basic',
  '--use-mock-keychain',
  '--mute-audio',
  '--hide-scrollbars',
  '--force-color-profile=srgb',
  '--host-resolver-rules=MAP * ~NOTFOUND',
  '--proxy-server=http://glimpse-no-network.invalid:9',
  '--proxy-bypass-list=<-loopback>',
  '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
];

export interface BrowserExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class BrowserProcess {
  readonly pipe: DevToolsPipe;
  /** Settles when the browser's main process has exited. */
  readonly exited: Promise<BrowserExit>;
  private stderr = '';
  private exit: BrowserExit | undefined;
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly userDataDir: string,
    readonly noSandbox: boolean,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
      // A binary that cannot be started at all (ENOENT, EACCES) emits 'error' and never 'exit'.
      child.once('error', (error) => {
        this.stderr += `\n${error.message}`;
        if (child.pid !== undefined) return;
        this.exit = { code: null, signal: null };
        resolve(this.exit);
      });
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4000);
    });
    this.pipe = new DevToolsPipe(child.stdio[3] as Writable, child.stdio[4] as Readable);
    void this.exited.then(() => this.pipe.close(new Error(`The browser exited${this.describeExit()}.`)));
  }

  /** Starts the browser (it is not ready until `connect()` resolves). */
  static async start(executablePath: string, options: { noSandbox: boolean }): Promise<BrowserProcess> {
    const userDataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'glimpse-browser-'));
    const args = [...BROWSER_FLAGS, `--user-data-dir=${userDataDir}`];
    if (options.noSandbox) args.push('--no-sandbox');
    args.push('about:blank');
    let child: ChildProcess;
    try {
      child = spawn(executablePath, args, {
        stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
        // Its own process group on POSIX, so stopping it stops its renderer and utility processes too.
        detached: process.platform !== 'win32',
        windowsHide: true,
      });
    } catch (error) {
      await removeFolder(userDataDir);
      throw error;
    }
    return new BrowserProcess(child, userDataDir, options.noSandbox);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The last lines the browser wrote to stderr (for error details). */
  get stderrTail(): string {
    return this.stderr.trim().split('\n').slice(-12).join('\n');
  }

  /** Waits until the browser answers on the pipe; resolves with its product, e.g. "HeadlessChrome/156.0.8078.108". */
  async connect(): Promise<string> {
    const version = await this.pipe.send<{ product?: string }>('Browser.getVersion');
    return version.product ?? 'unknown browser';
  }

  /**
   * Stops the browser and deletes its profile. `graceful`: ask it to close first (it then cleans
   * up its own child processes), and kill it only if it has not exited within 2 s.
   */
  stop(graceful: boolean): Promise<void> {
    this.stopping ??= this.stopOnce(graceful);
    return this.stopping;
  }

  private async stopOnce(graceful: boolean): Promise<void> {
    if (!this.exit && graceful && !this.pipe.closed) {
      this.pipe.send('Browser.close').catch(() => undefined);
      await Promise.race([this.exited, delay(2000, { unref: true })]);
    }
    // Kill the whole group even after a clean exit: a straggling helper process must not outlive the render.
    this.killTree();
    await Promise.race([this.exited, delay(5000, { unref: true })]);
    this.pipe.close(new Error('The browser was stopped.'));
    await removeFolder(this.userDataDir);
  }

  private killTree(): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      if (process.platform === 'win32') this.child.kill('SIGKILL');
      else process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  private describeExit(): string {
    if (!this.exit) return '';
    if (this.exit.signal) return ` (signal ${this.exit.signal})`;
    return this.exit.code === null ? '' : ` (exit code ${this.exit.code})`;
  }
}

async function removeFolder(folder: string): Promise<void> {
  // A helper process may still be writing its last files for a moment after the browser exits.
  await fs.rm(folder, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => undefined);
}
