// The last few images prepared from pasted bytes, kept so a chat UI that re-sends the whole
// conversation every turn (VS Code's language-model API does, images included) gets each image
// decoded once: a follow-up takes the PreparedImage of the first turn, whose bytes are the very
// same Buffer, so the request llama-server sees starts with the same bytes and its prompt cache
// (which holds the image's embeddings) is reused instead of encoding the image again.

import { createHash } from 'node:crypto';
import type { ImageBudget } from './budget';
import { prepareImage, type ImageLimits, type PreparedImage } from './prepare';

/** How many prepared images are kept: a conversation rarely holds more, and each is at most a few MB. */
export const defaultPreparedImageCapacity = 16;

/** What prepares an image on a miss (prepareImage; a test passes one that counts its calls). */
export type PrepareBytes = (
  input: { readonly bytes: Uint8Array; readonly label: string },
  budget: ImageBudget,
  limits?: Partial<ImageLimits>,
  signal?: AbortSignal,
) => Promise<PreparedImage>;

/**
 * Prepared images by the SHA-256 of their input bytes, the budget and the limits they were
 * prepared under (a smaller budget or a lower limit prepares again), least recently used dropped
 * first. Two requests for the same image at once share one preparation. A failed or cancelled
 * preparation is not kept, so the next request tries again.
 */
export class PreparedImageCache {
  private readonly entries = new Map<string, Promise<PreparedImage>>();

  constructor(
    readonly capacity = defaultPreparedImageCapacity,
    private readonly prepareBytes: PrepareBytes = prepareImage,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`PreparedImageCache capacity must be a positive integer, got ${capacity}`);
  }

  /** How many images are kept now. */
  get size(): number {
    return this.entries.size;
  }

  /** The image prepared from these bytes at this budget, prepared now if it is not kept; it carries `input.label`. */
  async prepare(
    input: { readonly bytes: Uint8Array; readonly label: string },
    budget: ImageBudget,
    limits?: Partial<ImageLimits>,
    signal?: AbortSignal,
  ): Promise<PreparedImage> {
    const key = cacheKey(input.bytes, budget, limits);
    let entry = this.entries.get(key);
    if (entry) {
      // Most recently used goes last.
      this.entries.delete(key);
    } else {
      entry = this.prepareBytes(input, budget, limits, signal);
      entry.catch(() => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      });
    }
    this.entries.set(key, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    const prepared = await entry;
    // The label is the caller's (numbered per request); the bytes stay the ones first prepared.
    return prepared.label === input.label ? prepared : { ...prepared, label: input.label };
  }

  clear(): void {
    this.entries.clear();
  }
}

function cacheKey(bytes: Uint8Array, budget: ImageBudget, limits: Partial<ImageLimits> | undefined): string {
  const digest = createHash('sha256').update(bytes).digest('hex');
  const budgetKey = JSON.stringify({ maxLongSide: budget.maxLongSide, maxPixels: budget.maxPixels });
  const limitsKey = JSON.stringify({ maxFileBytes: limits?.maxFileBytes, maxInputPixels: limits?.maxInputPixels });
  return `${digest} ${budgetKey} ${limitsKey}`;
}
