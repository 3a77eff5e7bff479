// Scores generated HTML against its mockup: finds a Chromium-family browser (or says why there is
// none and skips), renders the page headless at the mockup's size with no network, and compares
// the screenshot with the mockup (visualScore.ts, docs/visual-score.md). Loaded lazily by the
// extension, only when a score is asked for.

import { throwIfAborted } from '../abort';
import { GlimpseError } from '../errors';
import type { UserOption } from '../userOptions';
import { loadSharp } from '../images/sharpLibrary';
import { locateBrowser, type BrowserSearchHost } from './locateBrowser';
import { renderPage, type RenderPageRequest } from './renderPage';
import { compareImages, loadRgba, planScoring, type Size } from './visualScore';

export interface ScoreMockupRequest {
  /** The mockup image, in any format sharp reads. */
  readonly mockup: Buffer;
  /** A whole document, its CSP and any runtime (Tailwind) already inlined. */
  readonly html: string;
  /** The browser path the user set; empty or absent: $GLIMPSE_BROWSER, then the usual places. */
  readonly browserPath?: string;
  /**
   * The size the mockup was made at, when `mockup` is a smaller copy of it (the image sent to the
   * model): the page is rendered at this size. Default: the mockup's own size.
   */
  readonly designSize?: Size;
  readonly signal?: AbortSignal;
  /** For the render, browser start included. Default 20 s. */
  readonly timeoutMs?: number;
  /** Tests: called when the browser process has been started. */
  readonly onBrowserStarted?: RenderPageRequest['onBrowserStarted'];
  /** Tests: what the browser search reads from the machine. */
  readonly browserSearchHost?: BrowserSearchHost;
}

export interface SkippedScore {
  readonly skipped: true;
  /** One sentence for the user. */
  readonly reason: string;
  /** The options `reason` tells the user to change (each front end names them its own way). */
  readonly optionsToChange: readonly UserOption[];
  /** Where a browser was looked for (for the log). */
  readonly looked: readonly string[];
}

export interface MockupScore {
  readonly skipped?: false;
  /** 0.8 · clamp(ssim, 0, 1) + 0.2 · colour, from 0 to 1. */
  readonly score: number;
  /** Mean SSIM of luma, from −1 to 1. */
  readonly ssim: number;
  /** Colour similarity, from 0 to 1. */
  readonly colour: number;
  /** The screenshot of the page, at the viewport's size. */
  readonly renderPng: Buffer;
  /** The viewport the page was rendered at. */
  readonly width: number;
  readonly height: number;
  /** The size both images were compared at. */
  readonly working: Size;
  /** The whole scoring, browser start included. */
  readonly ms: number;
  /** The browser's executable. */
  readonly browser: string;
  /** What the browser calls itself, e.g. "HeadlessChrome/156.0.8078.108". */
  readonly browserVersion: string;
  /** URLs the page asked for and did not get (its network is blocked). */
  readonly blockedRequests: readonly string[];
}

export type ScoreMockupResult = SkippedScore | MockupScore;

/** What an aborted `request.signal` makes scoreMockup throw. */
const cancelled = 'Scoring the render was cancelled.';

export async function scoreMockup(request: ScoreMockupRequest): Promise<ScoreMockupResult> {
  const started = Date.now();
  const search = locateBrowser(request.browserPath, request.browserSearchHost);
  if (!search.found) return { skipped: true, reason: search.reason, optionsToChange: search.optionsToChange ?? [], looked: search.looked };
  throwIfAborted(request.signal, cancelled);

  const mockupSize = await orientedSize(request.mockup);
  const plan = planScoring(request.designSize ?? mockupSize, mockupSize);
  const rendered = await renderPage({
    html: request.html,
    width: plan.viewport.width,
    height: plan.viewport.height,
    browserPath: search.found.path,
    signal: request.signal,
    timeoutMs: request.timeoutMs,
    onBrowserStarted: request.onBrowserStarted,
  });
  throwIfAborted(request.signal, cancelled);
  const [mockup, render] = await Promise.all([
    loadRgba(request.mockup, plan.working, { heightShare: plan.mockupHeightShare }),
    loadRgba(rendered.png, plan.working),
  ]);
  throwIfAborted(request.signal, cancelled);
  const result = compareImages(mockup, render);
  return {
    score: result.score,
    ssim: result.ssim,
    colour: result.colour,
    renderPng: rendered.png,
    width: rendered.width,
    height: rendered.height,
    working: plan.working,
    ms: Date.now() - started,
    browser: search.found.path,
    browserVersion: rendered.browserVersion,
    blockedRequests: rendered.blockedRequests,
  };
}

async function orientedSize(bytes: Buffer): Promise<Size> {
  const sharp = await loadSharp();
  try {
    const metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
    const size = metadata.autoOrient ?? { width: metadata.width ?? 0, height: metadata.height ?? 0 };
    if (size.width > 0 && size.height > 0) return size;
    throw new Error('it declares no size');
  } catch (error) {
    throw new GlimpseError('image-corrupt', `The mockup could not be read for the visual score: ${error instanceof Error ? error.message : String(error)}.`);
  }
}
