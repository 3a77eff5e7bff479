// How far apart the colours of two images are as distributions, ignoring where the colours sit
// (layout is SSIM's job). Two parts, each from 0 (same) to 1 (as far apart as black and white):
//
// - channels: for each of R, G and B, the earth mover's distance between the two images' value
//   histograms (256 levels), divided by 255; the mean of the three. It is gentle with near colours:
//   a background of #fafafa instead of #ffffff costs 5/255 ≈ 0.02.
// - palette: the total variation distance (half the summed absolute difference) between coarse
//   joint RGB histograms, 4 levels per channel (64 bins, centres 0, 85, 170, 255), each pixel
//   shared between its 8 nearest bin centres (trilinear weights) so that a colour next to a bin
//   border does not jump. It sees combinations the channels miss: red + green pixels and yellow +
//   black pixels have the same per-channel histograms but different palettes.
//
// distance = (channels + palette) / 2. Alpha is ignored: flatten images onto a background first.

export interface ColourDistance {
  /** (channels + palette) / 2, from 0 (same colours in the same amounts) to 1 (black against white). */
  readonly distance: number;
  readonly channels: number;
  readonly palette: number;
}

const LEVELS = 4;
const STEP = 255 / (LEVELS - 1);
/** For each 0–255 value: the lower bin and the weight of the upper one. */
const LOWER_BIN = new Uint8Array(256);
const UPPER_WEIGHT = new Float64Array(256);
for (let value = 0; value < 256; value++) {
  const position = value / STEP;
  const lower = Math.min(LEVELS - 2, Math.floor(position));
  LOWER_BIN[value] = lower;
  UPPER_WEIGHT[value] = position - lower;
}

/** `a` and `b` are RGBA pixels (4 bytes each); they may hold different numbers of pixels. */
export function colourDistance(a: Uint8Array, b: Uint8Array): ColourDistance {
  const histogramsA = histograms(a);
  const histogramsB = histograms(b);
  let channels = 0;
  for (let channel = 0; channel < 3; channel++) channels += earthMovers(histogramsA.channels[channel], histogramsB.channels[channel], histogramsA.pixels, histogramsB.pixels);
  channels /= 3;
  let difference = 0;
  for (let bin = 0; bin < histogramsA.palette.length; bin++) difference += Math.abs(histogramsA.palette[bin] / histogramsA.pixels - histogramsB.palette[bin] / histogramsB.pixels);
  const palette = clamp01(difference / 2);
  return { distance: (channels + palette) / 2, channels, palette };
}

interface Histograms {
  readonly pixels: number;
  /** 256-level counts for R, G, B. */
  readonly channels: readonly [Float64Array, Float64Array, Float64Array];
  /** Soft counts in LEVELS³ joint bins. */
  readonly palette: Float64Array;
}

function histograms(rgba: Uint8Array): Histograms {
  const pixels = Math.floor(rgba.length / 4);
  if (pixels === 0) throw new RangeError('an image with no pixels has no colours to compare');
  const red = new Float64Array(256);
  const green = new Float64Array(256);
  const blue = new Float64Array(256);
  const palette = new Float64Array(LEVELS ** 3);
  for (let p = 0; p < pixels * 4; p += 4) {
    const r = rgba[p];
    const g = rgba[p + 1];
    const b = rgba[p + 2];
    red[r]++;
    green[g]++;
    blue[b]++;
    const r0 = LOWER_BIN[r];
    const g0 = LOWER_BIN[g];
    const b0 = LOWER_BIN[b];
    const rw = UPPER_WEIGHT[r];
    const gw = UPPER_WEIGHT[g];
    const bw = UPPER_WEIGHT[b];
    for (let dr = 0; dr < 2; dr++) {
      const wr = dr ? rw : 1 - rw;
      if (wr === 0) continue;
      for (let dg = 0; dg < 2; dg++) {
        const wg = dg ? gw : 1 - gw;
        if (wg === 0) continue;
        const base = ((r0 + dr) * LEVELS + (g0 + dg)) * LEVELS + b0;
        palette[base] += wr * wg * (1 - bw);
        palette[base + 1] += wr * wg * bw;
      }
    }
  }
  return { pixels, channels: [red, green, blue], palette };
}

/** Earth mover's distance between two 1-D histograms over 0–255, as a fraction of 255. */
function earthMovers(a: Float64Array, b: Float64Array, totalA: number, totalB: number): number {
  let cumulativeA = 0;
  let cumulativeB = 0;
  let moved = 0;
  for (let value = 0; value < 255; value++) {
    cumulativeA += a[value] / totalA;
    cumulativeB += b[value] / totalB;
    moved += Math.abs(cumulativeA - cumulativeB);
  }
  return clamp01(moved / 255);
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}
