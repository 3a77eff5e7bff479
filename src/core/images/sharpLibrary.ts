// Loads sharp, the one native image library, on first use instead of at import time. A VSIX built
// for another platform (or a damaged install) then fails where an image is opened, with a message
// that names this platform and what to install, and the rest of Glimpse still runs: the chat, its
// history, the remote server's text answers.

import type SharpModule from 'sharp';
import { GlimpseError } from '../errors';
import { runtimeTarget } from '../runtimeTarget';

export type Sharp = typeof SharpModule;

/**
 * A loader that imports sharp once and keeps it; a failed import becomes
 * GlimpseError('image-library-unavailable') and is tried again on the next call.
 */
export function createSharpLoader(importer: () => Promise<{ default: Sharp }>): () => Promise<Sharp> {
  let loaded: Promise<Sharp> | undefined;
  return () => {
    loaded ??= importer().then(
      (module) => module.default,
      (error: unknown) => {
        loaded = undefined;
        throw sharpUnavailable(error);
      },
    );
    return loaded;
  };
}

/** sharp, loaded on first use. */
export const loadSharp = createSharpLoader(() => import('sharp'));

export function sharpUnavailable(error: unknown, target = runtimeTarget()): GlimpseError {
  const reason = error instanceof Error ? error.message : String(error);
  return new GlimpseError(
    'image-library-unavailable',
    `Glimpse cannot open images: its image library (sharp) does not load on ${target}. ` +
      `Install the Glimpse build for ${target} (the Marketplace picks it; for a VSIX, take glimpse-${target}-<version>.vsix), then reload the window.`,
    reason,
  );
}
