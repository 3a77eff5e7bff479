// sRGB (0–255 per channel) to CIE L*a*b*, as Design2Code gets it: python-colormath's
// `convert_color(sRGBColor(r, g, b, is_upscaled=True), LabColor)`. That keeps the sRGB space's own
// D65 white (no adaptation to D50) and uses colormath's constants, which this file repeats: its
// 6-digit sRGB-to-XYZ matrix, the D65 white (0.95047, 1, 1.08883) and 7.787 (not 841/108) in the
// linear part of the Lab function. They differ from the textbook values in the 4th–6th digit.

import type { RgbColour } from './textBlocks';

export interface LabColour {
  readonly l: number;
  readonly a: number;
  readonly b: number;
}

const WHITE_D65 = { x: 0.95047, y: 1, z: 1.08883 };
/** (6/29)³, below which the Lab function is linear. */
const LINEAR_BELOW = 216 / 24389;

export function srgbToLab(colour: RgbColour): LabColour {
  const r = linearChannel(colour.r / 255);
  const g = linearChannel(colour.g / 255);
  const b = linearChannel(colour.b / 255);
  const x = Math.max(0, 0.412424 * r + 0.357579 * g + 0.180464 * b);
  const y = Math.max(0, 0.212656 * r + 0.715158 * g + 0.0721856 * b);
  const z = Math.max(0, 0.0193324 * r + 0.119193 * g + 0.950444 * b);
  const fx = labFunction(x / WHITE_D65.x);
  const fy = labFunction(y / WHITE_D65.y);
  const fz = labFunction(z / WHITE_D65.z);
  return { l: 116 * fy - 16, a: 500 * (fx - fy), b: 200 * (fy - fz) };
}

/** The sRGB transfer function undone: a 0–1 channel value to linear light. */
function linearChannel(value: number): number {
  return value <= 0.04045 ? value / 12.92 : Math.pow((value + 0.055) / 1.055, 2.4);
}

function labFunction(ratio: number): number {
  return ratio > LINEAR_BELOW ? Math.pow(ratio, 1 / 3) : 7.787 * ratio + 16 / 116;
}
