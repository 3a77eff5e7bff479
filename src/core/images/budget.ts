// The per-model size budget for images and the arithmetic that fits an image inside it: scale
// down (never up) keeping the aspect ratio, so the longest side and the pixel count both fit.

export interface ImageBudget {
  /** Longest side, in pixels, of the image the model is sent. */
  readonly maxLongSide: number;
  /** Optional cap on width × height of the image the model is sent. */
  readonly maxPixels?: number;
}

export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

/** Throws a RangeError (a caller's bug, not a user's mistake) for a budget that cannot be met. */
export function assertValidBudget(budget: ImageBudget): void {
  if (!Number.isInteger(budget.maxLongSide) || budget.maxLongSide < 1) {
    throw new RangeError(`Image budget maxLongSide must be a positive integer, got ${budget.maxLongSide}`);
  }
  if (budget.maxPixels !== undefined && (!Number.isInteger(budget.maxPixels) || budget.maxPixels < 1)) {
    throw new RangeError(`Image budget maxPixels must be a positive integer, got ${budget.maxPixels}`);
  }
}

/**
 * The size to send: `size` itself when it fits, else the largest size with the same aspect ratio
 * that does. Sides are rounded to the nearest pixel (as sharp's `fit: 'inside'` does, so
 * 3000×1000 into 1000 gives 1000×333) and never drop below 1. If rounding pushes the pixel count
 * over `maxPixels`, the long side gives up pixels one at a time until it fits.
 */
export function fitWithinBudget(size: ImageSize, budget: ImageBudget): ImageSize {
  const { width, height } = size;
  const longSide = Math.max(width, height);
  const pixels = width * height;
  const scale = Math.min(
    1,
    budget.maxLongSide / longSide,
    budget.maxPixels === undefined ? 1 : Math.sqrt(budget.maxPixels / pixels),
  );
  if (scale >= 1) return { width, height };

  const landscape = width >= height;
  const shortSide = Math.min(width, height);
  // Multiply before dividing so exact halves stay exact (2000×1001 into 1000 gives 1000×501).
  const shortFor = (long: number) => Math.max(1, Math.round((shortSide * long) / longSide));
  let targetLong = Math.min(budget.maxLongSide, Math.max(1, Math.round(longSide * scale)));
  let targetShort = shortFor(targetLong);
  while (budget.maxPixels !== undefined && targetLong * targetShort > budget.maxPixels && targetLong > 1) {
    targetLong -= 1;
    targetShort = shortFor(targetLong);
  }
  return landscape ? { width: targetLong, height: targetShort } : { width: targetShort, height: targetLong };
}

/** Vector images are drawn at most this many times their declared size to fill the budget. */
export const MAX_VECTOR_ENLARGEMENT = 4;

/** The default density (dots per inch) at which an SVG renders at its declared size. */
export const VECTOR_BASE_DENSITY = 72;

/**
 * Where a vector image (SVG) is drawn: it has no pixels of its own, so it is rendered straight at
 * the size it is sent at. A small drawing (an icon) is enlarged up to MAX_VECTOR_ENLARGEMENT times
 * towards the budget's long side so the model sees detail; a large one is drawn smaller. The
 * density is what sharp needs to draw it at that size (sharp accepts 1 to 100000).
 */
export function fitVectorWithinBudget(declared: ImageSize, budget: ImageBudget): { size: ImageSize; density: number } {
  const longSide = Math.max(declared.width, declared.height);
  const enlargement = Math.max(1, Math.min(MAX_VECTOR_ENLARGEMENT, budget.maxLongSide / longSide));
  const enlarged = {
    width: Math.max(1, Math.round(declared.width * enlargement)),
    height: Math.max(1, Math.round(declared.height * enlargement)),
  };
  const size = fitWithinBudget(enlarged, budget);
  const scale = Math.max(size.width, size.height) / longSide;
  const density = Math.min(100_000, Math.max(1, VECTOR_BASE_DENSITY * scale));
  return { size, density };
}
