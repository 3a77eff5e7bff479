// The visual score of generated code, for the extension's preview and the CLI's --score: builds
// the page the preview shows (with the bundled Tailwind runtime for Tailwind), renders it at the
// mockup's own size and compares it with the mockup. The browser code loads only when asked.

import type { PreparedImage } from '../images/prepare';
import type { MockupScore } from '../score/scoreMockup';
import type { UserOption } from '../userOptions';
import { buildPreviewDocument } from './previewDocument';
import { loadTailwindRuntime } from './tailwindRuntime';
import type { MockupTarget } from './targets';

export interface ScoreCodeRequest {
  /** The mockup as prepared for the model; the page is rendered at its original size. */
  readonly image: PreparedImage;
  readonly code: string;
  readonly target: MockupTarget;
  /** Where the bundled media are (media/vendor/tailwind-browser.js). */
  readonly mediaDirectory: string;
  /** A Chromium-family browser; absent: $GLIMPSE_BROWSER, then the usual places. */
  readonly browserPath?: string;
  readonly signal?: AbortSignal;
}

export type CodeScore =
  | { readonly state: 'skipped'; readonly reason: string; readonly optionsToChange?: readonly UserOption[] }
  | { readonly state: 'done'; readonly result: MockupScore; readonly unstyled: boolean };

export async function scoreGeneratedCode(request: ScoreCodeRequest): Promise<CodeScore> {
  const { target } = request;
  if (target.preview === 'none') return { state: 'skipped', reason: `${target.label} has no page to render.` };
  const runtime = target.preview === 'tailwind' ? await loadTailwindRuntime(request.mediaDirectory) : undefined;
  const { scoreMockup } = require('../score/scoreMockup') as typeof import('../score/scoreMockup');
  const result = await scoreMockup({
    // What was prepared (any format Glimpse reads; sharp alone cannot read BMP), at the mockup's own size.
    mockup: request.image.data,
    designSize: { width: request.image.originalWidth, height: request.image.originalHeight },
    html: buildPreviewDocument(request.code, target.preview, runtime),
    browserPath: request.browserPath,
    signal: request.signal,
  });
  if (result.skipped) return { state: 'skipped', reason: result.reason, optionsToChange: result.optionsToChange };
  return { state: 'done', result, unstyled: target.preview === 'tailwind' && runtime === undefined };
}
