// Errors a user may see. Each carries a stable code (for tests and for choosing UI actions), a
// message that says what happened and what to do, and the options that would fix it (by their
// logical names: each front end adds its own name for them, see userOptions.ts). Anything thrown
// across the core boundary that is not a GlimpseError is a bug and is wrapped by `asGlimpseError`.

import type { UserOption } from './userOptions';

export type GlimpseErrorCode =
  // model files and pairs
  | 'file-missing'
  | 'file-empty'
  | 'file-not-gguf'
  | 'file-truncated'
  | 'file-unreadable'
  | 'model-not-text'
  | 'model-unsupported'
  | 'mmproj-not-clip'
  | 'mmproj-no-vision'
  | 'pair-mismatch'
  | 'model-no-vision'
  | 'model-not-configured'
  // the model catalog and downloads
  | 'catalog-invalid'
  | 'download-no-space'
  | 'download-not-found'
  | 'download-http-error'
  | 'download-bad-response'
  | 'download-checksum-mismatch'
  | 'download-failed'
  | 'download-busy'
  // images
  | 'image-missing'
  | 'image-unreadable'
  | 'image-too-large-file'
  | 'image-too-many-pixels'
  | 'image-unsupported'
  | 'image-corrupt'
  | 'image-library-unavailable'
  | 'image-outside-workspace'
  // engine
  | 'engine-not-found'
  | 'engine-unusable'
  | 'engine-start-timeout'
  | 'engine-exited'
  | 'engine-request-failed'
  | 'engine-unverified'
  | 'engine-archive-corrupt'
  // remote servers (and the HTTP answers of any OpenAI-compatible server)
  | 'remote-invalid-url'
  | 'remote-insecure-url'
  | 'remote-unauthorized'
  | 'remote-not-found'
  | 'remote-rate-limited'
  | 'remote-server-error'
  | 'remote-bad-response'
  | 'remote-timeout'
  | 'remote-no-vision'
  // conversation history
  | 'history-not-found'
  | 'history-corrupt'
  | 'history-image-missing'
  | 'history-write-failed'
  | 'context-full'
  // the mockup's visual score (a headless Chromium-family browser)
  | 'browser-failed'
  | 'browser-timeout'
  | 'invalid-argument'
  | 'cancelled'
  | 'internal';

export interface GlimpseErrorOptions {
  /** Extra lines for the log (stderr tail, stack), not for the headline. */
  readonly detail?: string;
  /** The options the message tells the user to change, in the order it mentions them. */
  readonly optionsToChange?: readonly UserOption[];
}

export class GlimpseError extends Error {
  /** Extra lines for the log (stderr tail, stack), not for the headline. */
  readonly detail?: string;
  /**
   * The options the message tells the user to change. The message describes them in words and
   * names no setting or flag: a front end appends its own names (and may offer to open them).
   */
  readonly optionsToChange: readonly UserOption[];

  /** `details`: the log's extra lines, or those and the options to change. */
  constructor(readonly code: GlimpseErrorCode, message: string, details?: string | GlimpseErrorOptions) {
    super(message);
    this.name = 'GlimpseError';
    const options = typeof details === 'string' ? { detail: details } : details ?? {};
    this.detail = options.detail;
    this.optionsToChange = options.optionsToChange ?? [];
  }
}

export function isCancelled(error: unknown): boolean {
  return error instanceof GlimpseError && error.code === 'cancelled';
}

export function asGlimpseError(error: unknown): GlimpseError {
  if (error instanceof GlimpseError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new GlimpseError('internal', `Unexpected error: ${message}`, error instanceof Error ? error.stack : undefined);
}
