// Structural similarity (SSIM, Wang, Bovik, Sheikh & Simoncelli 2004) of two greyscale images of
// the same size, on luma from 0 to 255. Local statistics use square box windows (8×8 by default,
// as in the fast variant of the paper) at every position where the window fits; the result is the
// mean over those windows. Sums are kept per column and slid along each row, so the cost is a few
// operations per pixel and memory is a few rows, whatever the image size.

export interface SsimOptions {
  /** Side of the square window in pixels. Default 8; images smaller than that use their smaller side. */
  readonly windowSize?: number;
}

export const DEFAULT_SSIM_WINDOW = 8;
/** The paper's stabilizing constants for 8-bit data: (0.01·255)² and (0.03·255)². */
const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

/** Luma (ITU-R BT.601 weights, as in the reference SSIM code) of RGBA pixels; alpha is ignored. */
export function lumaFromRgba(rgba: Uint8Array, width: number, height: number): Float32Array {
  const count = width * height;
  if (rgba.length < count * 4) throw new RangeError(`${width}×${height} RGBA needs ${count * 4} bytes, got ${rgba.length}`);
  const luma = new Float32Array(count);
  for (let i = 0, p = 0; i < count; i++, p += 4) luma[i] = 0.299 * rgba[p] + 0.587 * rgba[p + 1] + 0.114 * rgba[p + 2];
  return luma;
}

/**
 * Mean SSIM of `a` and `b` (row-major grey values 0–255, `width × height` each), from −1 to 1:
 * 1 for identical images, near 0 for unrelated ones.
 */
export function ssim(a: ArrayLike<number>, b: ArrayLike<number>, width: number, height: number, options: SsimOptions = {}): number {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError(`bad image size ${width}×${height}`);
  const count = width * height;
  if (a.length !== count || b.length !== count) throw new RangeError(`both images must have ${width}×${height} = ${count} values (got ${a.length} and ${b.length})`);
  const k = Math.max(1, Math.min(options.windowSize ?? DEFAULT_SSIM_WINDOW, width, height));
  const n = k * k;

  // Per column: sums over the last k rows of a, b, a², b², a·b.
  const sumA = new Float64Array(width);
  const sumB = new Float64Array(width);
  const sumAA = new Float64Array(width);
  const sumBB = new Float64Array(width);
  const sumAB = new Float64Array(width);
  let total = 0;

  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const va = a[row + x];
      const vb = b[row + x];
      sumA[x] += va;
      sumB[x] += vb;
      sumAA[x] += va * va;
      sumBB[x] += vb * vb;
      sumAB[x] += va * vb;
    }
    if (y >= k) {
      const old = (y - k) * width;
      for (let x = 0; x < width; x++) {
        const va = a[old + x];
        const vb = b[old + x];
        sumA[x] -= va;
        sumB[x] -= vb;
        sumAA[x] -= va * va;
        sumBB[x] -= vb * vb;
        sumAB[x] -= va * vb;
      }
    }
    if (y < k - 1) continue;

    // Slide a k-wide window along the column sums of this band of k rows.
    let wA = 0;
    let wB = 0;
    let wAA = 0;
    let wBB = 0;
    let wAB = 0;
    for (let x = 0; x < width; x++) {
      wA += sumA[x];
      wB += sumB[x];
      wAA += sumAA[x];
      wBB += sumBB[x];
      wAB += sumAB[x];
      if (x >= k) {
        const out = x - k;
        wA -= sumA[out];
        wB -= sumB[out];
        wAA -= sumAA[out];
        wBB -= sumBB[out];
        wAB -= sumAB[out];
      }
      if (x < k - 1) continue;
      const meanA = wA / n;
      const meanB = wB / n;
      // Rounding can leave a tiny negative variance on a flat window.
      const varA = Math.max(0, wAA / n - meanA * meanA);
      const varB = Math.max(0, wBB / n - meanB * meanB);
      const covariance = wAB / n - meanA * meanB;
      total += ((2 * meanA * meanB + C1) * (2 * covariance + C2)) / ((meanA * meanA + meanB * meanB + C1) * (varA + varB + C2));
    }
  }
  return total / ((width - k + 1) * (height - k + 1));
}
