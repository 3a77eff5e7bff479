// CIEDE2000 (src/core/score/ciede2000.ts) against the 34 test pairs published with the formula's
// implementation notes (Sharma, Wu, Dalal 2005, table 1), both ways round; the sRGB to Lab
// conversion Design2Code uses (python-colormath's constants, cieLab.ts); and the text colour
// similarity derived from them.

import assert from 'node:assert/strict';
import { srgbToLab, type LabColour } from '../../../src/core/score/cieLab';
import { ciede2000, textColourSimilarity } from '../../../src/core/score/ciede2000';

/** [L1, a1, b1, L2, a2, b2, ΔE00], pairs 1–34 of the published table. */
const SHARMA_2005: ReadonlyArray<readonly [number, number, number, number, number, number, number]> = [
  [50.0, 2.6772, -79.7751, 50.0, 0.0, -82.7485, 2.0425],
  [50.0, 3.1571, -77.2803, 50.0, 0.0, -82.7485, 2.8615],
  [50.0, 2.8361, -74.02, 50.0, 0.0, -82.7485, 3.4412],
  [50.0, -1.3802, -84.2814, 50.0, 0.0, -82.7485, 1.0],
  [50.0, -1.1848, -84.8006, 50.0, 0.0, -82.7485, 1.0],
  [50.0, -0.9009, -85.5211, 50.0, 0.0, -82.7485, 1.0],
  [50.0, 0.0, 0.0, 50.0, -1.0, 2.0, 2.3669],
  [50.0, -1.0, 2.0, 50.0, 0.0, 0.0, 2.3669],
  [50.0, 2.49, -0.001, 50.0, -2.49, 0.0009, 7.1792],
  [50.0, 2.49, -0.001, 50.0, -2.49, 0.001, 7.1792],
  [50.0, 2.49, -0.001, 50.0, -2.49, 0.0011, 7.2195],
  [50.0, 2.49, -0.001, 50.0, -2.49, 0.0012, 7.2195],
  [50.0, -0.001, 2.49, 50.0, 0.0009, -2.49, 4.8045],
  [50.0, -0.001, 2.49, 50.0, 0.001, -2.49, 4.8045],
  [50.0, -0.001, 2.49, 50.0, 0.0011, -2.49, 4.7461],
  [50.0, 2.5, 0.0, 50.0, 0.0, -2.5, 4.3065],
  [50.0, 2.5, 0.0, 73.0, 25.0, -18.0, 27.1492],
  [50.0, 2.5, 0.0, 61.0, -5.0, 29.0, 22.8977],
  [50.0, 2.5, 0.0, 56.0, -27.0, -3.0, 31.903],
  [50.0, 2.5, 0.0, 58.0, 24.0, 15.0, 19.4535],
  [50.0, 2.5, 0.0, 50.0, 3.1736, 0.5854, 1.0],
  [50.0, 2.5, 0.0, 50.0, 3.2972, 0.0, 1.0],
  [50.0, 2.5, 0.0, 50.0, 1.8634, 0.5757, 1.0],
  [50.0, 2.5, 0.0, 50.0, 3.2592, 0.335, 1.0],
  [60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644],
  [63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.263],
  [61.2901, 3.7196, -5.3901, 61.4292, 2.248, -4.962, 1.8731],
  [35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645],
  [22.7233, 20.0904, -46.694, 23.0331, 14.973, -42.5619, 2.0373],
  [36.4612, 47.858, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146],
  [90.8027, -2.0831, 1.441, 91.1528, -1.6435, 0.0447, 1.4441],
  [90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381],
  [6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377],
  [2.0776, 0.0795, -1.135, 0.9033, -0.0636, -0.5514, 0.9082],
];

describe('CIEDE2000', () => {
  it('gives the published ΔE00 of all 34 test pairs to 4 decimals, either way round', () => {
    assert.equal(SHARMA_2005.length, 34);
    SHARMA_2005.forEach(([l1, a1, b1, l2, a2, b2, expected], index) => {
      const first: LabColour = { l: l1, a: a1, b: b1 };
      const second: LabColour = { l: l2, a: a2, b: b2 };
      for (const value of [ciede2000(first, second), ciede2000(second, first)]) {
        assert.equal(Math.round(value * 1e4) / 1e4, expected, `pair ${index + 1}: ${value}`);
      }
    });
  });

  it('is 0 for a colour and itself, and weighs lightness by 1/kL', () => {
    const colour: LabColour = { l: 52, a: 10, b: -30 };
    assert.equal(ciede2000(colour, colour), 0);
    const light: LabColour = { l: 80, a: 5, b: 5 };
    const dark: LabColour = { l: 50, a: 5, b: 5 };
    assert.ok(Math.abs(ciede2000(light, dark, { lightness: 2 }) - ciede2000(light, dark) / 2) < 1e-12);
  });

  it("converts sRGB to Lab as python-colormath does (D65, its matrix)", () => {
    const close = (lab: LabColour, [l, a, b]: [number, number, number]): void => {
      assert.ok(Math.abs(lab.l - l) < 1e-4 && Math.abs(lab.a - a) < 1e-4 && Math.abs(lab.b - b) < 1e-4, JSON.stringify(lab));
    };
    // colormath: convert_color(sRGBColor(10, 20, 200, is_upscaled=True), LabColor).
    close(srgbToLab({ r: 10, g: 20, b: 200 }), [25.9635, 61.2887, -86.9158]);
    close(srgbToLab({ r: 0, g: 0, b: 0 }), [0, 0, 0]);
    assert.ok(Math.abs(srgbToLab({ r: 255, g: 255, b: 255 }).l - 100) < 1e-3);
  });

  it('scores text colours 1 when equal, lower as they part, 0 no lower than black on white', () => {
    const black = { r: 0, g: 0, b: 0 };
    assert.equal(textColourSimilarity(black, black), 1);
    const nearBlack = textColourSimilarity(black, { r: 40, g: 40, b: 40 });
    const grey = textColourSimilarity(black, { r: 128, g: 128, b: 128 });
    const white = textColourSimilarity(black, { r: 255, g: 255, b: 255 });
    assert.ok(1 > nearBlack && nearBlack > grey && grey > white && white >= 0, `${nearBlack} ${grey} ${white}`);
    // ΔE00 of black against white is 100 here: similarity 0.
    assert.ok(white < 1e-3);
  });
});
