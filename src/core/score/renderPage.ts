// Renders one HTML document in a headless Chromium-family browser at a given viewport and returns
// a PNG of exactly that viewport. The page gets no network: the browser asks for the document at a
// made-up https address and is answered from memory; every other request the page makes is
// answered locally too (a navigation with "204 No Content", which keeps the page; anything else
// fails), and beneath that the browser itself is started with no name resolution and a proxy that
// cannot exist (browserProcess.ts). The browser is always stopped, also on abort and timeout.

import { GlimpseError } from '../errors';
import { BrowserProcess } from './browserProcess';
import type { DevToolsEvent } from './devtoolsPipe';

export const DEFAULT_RENDER_TIMEOUT_MS = 20_000;
/** Largest viewport side renderPage accepts, in CSS pixels. */
export const MAX_RENDER_SIDE = 4096;
/** The address the page is served at: .invalid never resolves, https makes it a secure context. */
export const RENDER_DOCUMENT_URL = 'https://glimpse-render.invalid/';

/** Once loaded: wait for web fonts and two frames, then a moment for runtimes that style late (Tailwind's). */
const SETTLE_SCRIPT = `document.fonts.ready.then(() => new Promise((resolve) => {
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => requestAnimationFrame(() => resolve(true)), 100)));
}))`;
const LOAD_WAIT_MS = 10_000;
const SETTLE_WAIT_MS = 3_000;

export interface RenderPageRequest {
  /** A whole document (its CSP and any runtime already inlined). */
  readonly html: string;
  /** Viewport in CSS pixels; the PNG has exactly this size (device scale factor 1). */
  readonly width: number;
  readonly height: number;
  readonly browserPath: string;
  readonly signal?: AbortSignal;
  /** For the whole render, browser start included. Default 20 s. */
  readonly timeoutMs?: number;
  /** Called when a browser process has been started (tests check that it is gone afterwards). */
  readonly onBrowserStarted?: (browser: { readonly pid: number | undefined; readonly userDataDir: string }) => void;
}

export interface RenderedPage {
  readonly png: Buffer;
  readonly width: number;
  readonly height: number;
  /** What the browser calls itself, e.g. "HeadlessChrome/156.0.8078.108". */
  readonly browserVersion: string;
  /** URLs the page asked for and did not get. */
  readonly blockedRequests: readonly string[];
  readonly ms: number;
}

export async function renderPage(request: RenderPageRequest): Promise<RenderedPage> {
  const { width, height } = request;
  for (const [name, value] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(value) || value < 1 || value > MAX_RENDER_SIDE) {
      throw new GlimpseError('invalid-argument', `The render ${name} must be a whole number of pixels from 1 to ${MAX_RENDER_SIDE}, not ${value}.`);
    }
  }
  const started = Date.now();
  const timeoutMs = request.timeoutMs ?? DEFAULT_RENDER_TIMEOUT_MS;
  if (request.signal?.aborted) throw cancelled();

  const browsers: BrowserProcess[] = [];
  let finished = false;
  const track = (browser: BrowserProcess): void => {
    browsers.push(browser);
    request.onBrowserStarted?.({ pid: browser.pid, userDataDir: browser.userDataDir });
    // The render already ended (aborted while this browser was starting): stop it straight away.
    if (finished) void browser.stop(false);
  };

  const stop = stopPromise(request.signal, timeoutMs);
  const work = render(request, track, started);
  work.catch(() => undefined); // when `stop` wins, the work's own failure (a closed pipe) is not news
  let succeeded = false;
  try {
    const result = await Promise.race([work, stop.promise]);
    succeeded = true;
    return result;
  } catch (error) {
    if (error instanceof GlimpseError) throw error;
    const browser = browsers[browsers.length - 1];
    throw new GlimpseError(
      'browser-failed',
      `Rendering the page in ${request.browserPath} failed: ${error instanceof Error ? error.message : String(error)}`,
      browser?.stderrTail || undefined,
    );
  } finally {
    finished = true;
    stop.dispose();
    await Promise.all(browsers.map((browser) => browser.stop(succeeded)));
  }
}

async function render(request: RenderPageRequest, track: (browser: BrowserProcess) => void, started: number): Promise<RenderedPage> {
  const { browser, version } = await startBrowser(request.browserPath, track);
  const pipe = browser.pipe;
  const { targetId } = await pipe.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await pipe.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
  const page = <Result = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}): Promise<Result> => pipe.send<Result>(method, params, sessionId);

  const sessions = new Set([sessionId]);
  const blockedRequests: string[] = [];
  let documentServed = false;
  let markLoaded: () => void = () => undefined;
  const loaded = new Promise<void>((resolve) => (markLoaded = resolve));
  void browser.exited.then(() => markLoaded());

  const answerRequest = (event: DevToolsEvent): void => {
    const { requestId, request: asked, resourceType } = event.params as { requestId: string; request: { url: string }; resourceType?: string };
    let answer: Promise<unknown>;
    if (!documentServed && asked.url === RENDER_DOCUMENT_URL && resourceType === 'Document') {
      documentServed = true;
      answer = pipe.send('Fetch.fulfillRequest', {
        requestId,
        responseCode: 200,
        responseHeaders: [
          { name: 'Content-Type', value: 'text/html; charset=utf-8' },
          { name: 'Cache-Control', value: 'no-store' },
        ],
        body: Buffer.from(request.html, 'utf8').toString('base64'),
      }, event.sessionId);
    } else {
      blockedRequests.push(asked.url);
      // A refused navigation would replace the page with an error page; "no content" keeps it.
      answer = resourceType === 'Document'
        ? pipe.send('Fetch.fulfillRequest', { requestId, responseCode: 204, responseHeaders: [] }, event.sessionId)
        : pipe.send('Fetch.failRequest', { requestId, errorReason: 'BlockedByClient' }, event.sessionId);
    }
    answer.catch(() => undefined);
  };

  /**
   * Loaded: the load event, or the main frame stopping loading once the page is in (a page that
   * navigates away while loading never fires load: the refused navigation only stops it).
   */
  let mainFrame: string | undefined;
  const watchLoading = (event: DevToolsEvent): void => {
    if (event.method === 'Page.loadEventFired') markLoaded();
    else if (event.method === 'Page.frameNavigated') {
      const frame = (event.params as { frame: { id: string; parentId?: string; url: string } }).frame;
      if (!frame.parentId && frame.url === RENDER_DOCUMENT_URL) mainFrame = frame.id;
    } else if (event.method === 'Page.frameStoppedLoading' && mainFrame !== undefined && (event.params as { frameId: string }).frameId === mainFrame) {
      markLoaded();
    }
  };

  /** Frames in other processes and workers get their own sessions: the same interception applies there. */
  const attachChild = (event: DevToolsEvent): void => {
    const child = (event.params as { sessionId: string }).sessionId;
    sessions.add(child);
    void (async () => {
      await pipe.send('Fetch.enable', { patterns: [{ urlPattern: '*' }] }, child).catch(() => undefined);
      await pipe.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }, child).catch(() => undefined);
      await pipe.send('Runtime.runIfWaitingForDebugger', {}, child).catch(() => undefined);
    })();
  };

  pipe.on((event) => {
    if (!event.sessionId || !sessions.has(event.sessionId)) return;
    if (event.method === 'Fetch.requestPaused') answerRequest(event);
    else if (event.method === 'Target.attachedToTarget') attachChild(event);
    else if (event.method === 'Page.javascriptDialogOpening') pipe.send('Page.handleJavaScriptDialog', { accept: false }, event.sessionId).catch(() => undefined);
    else if (event.sessionId === sessionId) watchLoading(event);
  });

  await Promise.all([
    page('Page.enable'),
    page('Emulation.setDeviceMetricsOverride', { width: request.width, height: request.height, deviceScaleFactor: 1, mobile: false }),
    page('Fetch.enable', { patterns: [{ urlPattern: '*' }] }),
    page('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }),
  ]);
  const navigation = await page<{ errorText?: string }>('Page.navigate', { url: RENDER_DOCUMENT_URL });
  if (navigation.errorText) throw new Error(`the page did not open (${navigation.errorText})`);
  // A page that never finishes loading or settling is still photographed as it is.
  await within(loaded, LOAD_WAIT_MS);
  await within(page('Runtime.evaluate', { expression: SETTLE_SCRIPT, awaitPromise: true, returnByValue: true }), SETTLE_WAIT_MS);

  const shot = await page<{ data: string }>('Page.captureScreenshot', { format: 'png', fromSurface: true, captureBeyondViewport: false });
  const png = Buffer.from(shot.data, 'base64');
  return {
    png,
    width: png.readUInt32BE(16),
    height: png.readUInt32BE(20),
    browserVersion: version,
    blockedRequests,
    ms: Date.now() - started,
  };
}

/**
 * Starts the browser and waits until it answers. Not as root, the browser's own sandbox is kept;
 * where it cannot start (some containers and locked-down kernels) the browser is started again
 * without it: the page still has no network.
 */
async function startBrowser(executablePath: string, track: (browser: BrowserProcess) => void): Promise<{ browser: BrowserProcess; version: string }> {
  const runningAsRoot = process.getuid?.() === 0;
  let browser = await BrowserProcess.start(executablePath, { noSandbox: runningAsRoot });
  track(browser);
  try {
    return { browser, version: await browser.connect() };
  } catch (error) {
    if (browser.noSandbox || !/sandbox/i.test(browser.stderrTail)) throw launchFailed(executablePath, browser, error);
    await browser.stop(false);
  }
  browser = await BrowserProcess.start(executablePath, { noSandbox: true });
  track(browser);
  try {
    return { browser, version: await browser.connect() };
  } catch (error) {
    throw launchFailed(executablePath, browser, error);
  }
}

function launchFailed(executablePath: string, browser: BrowserProcess, error: unknown): GlimpseError {
  const reason = error instanceof Error ? error.message : String(error);
  const tail = browser.stderrTail;
  const firstLine = tail.split('\n').find((line) => line.trim()) ?? '';
  return new GlimpseError(
    'browser-failed',
    `The browser ${executablePath} did not start for the visual score: ${reason}${firstLine ? ` ${firstLine.trim()}` : ''}. ` +
      'Check that it runs, or set the browser path to another Chromium, Chrome, Edge or Brave.',
    { detail: tail || undefined, optionsToChange: ['browserPath'] },
  );
}

function cancelled(): GlimpseError {
  return new GlimpseError('cancelled', 'Rendering the page was cancelled.');
}

/** Rejects when the signal aborts or the time is up. */
function stopPromise(signal: AbortSignal | undefined, timeoutMs: number): { promise: Promise<never>; dispose: () => void } {
  let dispose = (): void => undefined;
  const promise = new Promise<never>((_, reject) => {
    const onAbort = (): void => reject(cancelled());
    const timer = setTimeout(() => {
      reject(new GlimpseError('browser-timeout', `Rendering the generated page took longer than ${Math.round(timeoutMs / 1000)} s (a script in it may never finish), so it was not scored.`));
    }, timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    dispose = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
  });
  promise.catch(() => undefined);
  return { promise, dispose: () => dispose() };
}

/** Waits for `promise` at most `ms`; a rejection counts as done too. */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
