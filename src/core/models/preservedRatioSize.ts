// mtmd-image.cpp `img_tool::calc_size_preserved_ratio`, shared by the dynamic-resolution projectors
// (imageTokens.ts) and idefics3 under token limits (imageTokensIdefics3.ts). The C++ computes in
// 32-bit floats; Math.fround repeats that so sides on a rounding edge come out the same.

import type { ImageSize } from '../images/budget';

export interface PreservedRatioOptions {
  readonly align: number;
  /** 0: no minimum. */
  readonly minPixels: number;
  /** 0: no maximum. */
  readonly maxPixels: number;
  /** Scale the longest edge to this first, each side rounded up (0 or absent: round each side to the nearest multiple). */
  readonly longestEdge?: number;
}

/**
 * Each side to a multiple of `align` (at least `align`): the longest edge scaled to `longestEdge`
 * and rounded up, or each side rounded to the nearest; then, if that is over `maxPixels`, scaled
 * down and floored, if under `minPixels`, scaled up and ceiled.
 */
export function sizePreservingRatio(image: ImageSize, options: PreservedRatioOptions): ImageSize | undefined {
  const { width, height } = image;
  const { align, minPixels, maxPixels } = options;
  const longestEdge = options.longestEdge ?? 0;
  if (width <= 0 || height <= 0) return undefined;
  const f = Math.fround;
  const roundBy = (x: number): number => Math.round(f(x / align)) * align;
  const ceilBy = (x: number): number => Math.ceil(f(x / align)) * align;
  const floorBy = (x: number): number => Math.floor(f(x / align)) * align;

  let scaledWidth: number;
  let scaledHeight: number;
  if (longestEdge > 0) {
    const scale = Math.min(f(longestEdge / width), f(longestEdge / height));
    scaledWidth = ceilBy(f(width * scale));
    scaledHeight = ceilBy(f(height * scale));
  } else {
    scaledWidth = Math.max(align, roundBy(width));
    scaledHeight = Math.max(align, roundBy(height));
  }
  const area = f(height * width);
  if (maxPixels > 0 && scaledWidth * scaledHeight > maxPixels) {
    const beta = f(Math.sqrt(f(area / maxPixels)));
    scaledHeight = Math.max(align, floorBy(f(height / beta)));
    scaledWidth = Math.max(align, floorBy(f(width / beta)));
  } else if (minPixels > 0 && scaledWidth * scaledHeight < minPixels) {
    const beta = f(Math.sqrt(f(f(minPixels) / area)));
    scaledHeight = ceilBy(f(height * beta));
    scaledWidth = ceilBy(f(width * beta));
  }
  return { width: scaledWidth, height: scaledHeight };
}
