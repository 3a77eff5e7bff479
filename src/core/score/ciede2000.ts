// The CIEDE2000 colour difference ΔE00 (CIE 142-2001), as written out by Sharma, Wu and Dalal,
// "The CIEDE2000 color-difference formula: implementation notes, supplementary test data, and
// mathematical observations", Color Research & Application 30(1), 2005; their 34 test pairs are in
// the unit tests. And the text colour similarity Design2Code derives from it.
//
// Design2Code computes ΔE00 with python-colormath, which departs from the formula in two places:
// it always adds 360° to the mean hue when the hues are more than 180° apart (the formula
// subtracts 360° when their sum is 360° or more) and it does not take the sum of the hues as the
// mean when one colour has no chroma. T is periodic and a colour with no chroma has no hue
// difference to weigh, so only the rotation term feels it: over all pairs of the 17³ sRGB colours
// with channels 0, 16, …, 240, 255 the two differ by at most 2·10⁻⁴ ΔE00 (2·10⁻⁶ in the
// similarity), and both give all 34 published test pairs to 4 decimals. This file follows the
// formula.

import { srgbToLab, type LabColour } from './cieLab';
import type { RgbColour } from './textBlocks';

export interface Ciede2000Weights {
  /** The parametric factors kL, kC, kH; 1 each for reference conditions. */
  readonly lightness?: number;
  readonly chroma?: number;
  readonly hue?: number;
}

const TWENTY_FIVE_TO_THE_SEVENTH = 25 ** 7;

export function ciede2000(first: LabColour, second: LabColour, weights: Ciede2000Weights = {}): number {
  const kL = weights.lightness ?? 1;
  const kC = weights.chroma ?? 1;
  const kH = weights.hue ?? 1;

  const meanChroma = (Math.hypot(first.a, first.b) + Math.hypot(second.a, second.b)) / 2;
  const g = 0.5 * (1 - Math.sqrt(meanChroma ** 7 / (meanChroma ** 7 + TWENTY_FIVE_TO_THE_SEVENTH)));
  const a1 = (1 + g) * first.a;
  const a2 = (1 + g) * second.a;
  const c1 = Math.hypot(a1, first.b);
  const c2 = Math.hypot(a2, second.b);
  const h1 = hueDegrees(first.b, a1);
  const h2 = hueDegrees(second.b, a2);
  const chromaProduct = c1 * c2;

  const deltaL = second.l - first.l;
  const deltaC = c2 - c1;
  let deltaHue = 0;
  if (chromaProduct !== 0) {
    deltaHue = h2 - h1;
    if (deltaHue > 180) deltaHue -= 360;
    else if (deltaHue < -180) deltaHue += 360;
  }
  const deltaH = 2 * Math.sqrt(chromaProduct) * Math.sin(radians(deltaHue / 2));

  const meanL = (first.l + second.l) / 2;
  const meanC = (c1 + c2) / 2;
  let meanHue = h1 + h2;
  if (chromaProduct !== 0) {
    if (Math.abs(h1 - h2) <= 180) meanHue = (h1 + h2) / 2;
    else if (h1 + h2 < 360) meanHue = (h1 + h2 + 360) / 2;
    else meanHue = (h1 + h2 - 360) / 2;
  }

  const t = 1
    - 0.17 * Math.cos(radians(meanHue - 30))
    + 0.24 * Math.cos(radians(2 * meanHue))
    + 0.32 * Math.cos(radians(3 * meanHue + 6))
    - 0.2 * Math.cos(radians(4 * meanHue - 63));
  const rotation = 30 * Math.exp(-(((meanHue - 275) / 25) ** 2));
  const rc = 2 * Math.sqrt(meanC ** 7 / (meanC ** 7 + TWENTY_FIVE_TO_THE_SEVENTH));
  const lightnessOffset = (meanL - 50) ** 2;
  const sl = 1 + (0.015 * lightnessOffset) / Math.sqrt(20 + lightnessOffset);
  const sc = 1 + 0.045 * meanC;
  const sh = 1 + 0.015 * meanC * t;
  const rt = -Math.sin(radians(2 * rotation)) * rc;

  const lightnessTerm = deltaL / (kL * sl);
  const chromaTerm = deltaC / (kC * sc);
  const hueTerm = deltaH / (kH * sh);
  return Math.sqrt(lightnessTerm ** 2 + chromaTerm ** 2 + hueTerm ** 2 + rt * chromaTerm * hueTerm);
}

/** Design2Code's text colour similarity: max(0, 1 − ΔE00 / 100) of the two sRGB colours, from 0 to 1. */
export function textColourSimilarity(first: RgbColour, second: RgbColour): number {
  return Math.max(0, 1 - ciede2000(srgbToLab(first), srgbToLab(second)) / 100);
}

/** atan2 in degrees, from 0 to 360 (0 for a colour with no chroma). */
function hueDegrees(b: number, a: number): number {
  if (a === 0 && b === 0) return 0;
  const degrees = (Math.atan2(b, a) * 180) / Math.PI;
  return degrees < 0 ? degrees + 360 : degrees;
}

function radians(degrees: number): number {
  return (degrees * Math.PI) / 180;
}
