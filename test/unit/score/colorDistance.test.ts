// Colour distance (src/core/score/colorDistance.ts): 0 for the same colours in the same amounts,
// 1 for black against white and never more, small for near colours, layout ignored, and colour
// combinations that the per-channel part alone cannot tell apart.

import assert from 'node:assert/strict';
import { colourDistance } from '../../../src/core/score/colorDistance';
import { testImagePixels } from '../../fixtures/images';

function solid(pixels: number, [r, g, b]: readonly [number, number, number]): Uint8Array {
  const out = new Uint8Array(pixels * 4);
  for (let p = 0; p < out.length; p += 4) out.set([r, g, b, 255], p);
  return out;
}

/** Pixels of several solid colours, one after the other (their order does not matter). */
function mixture(...parts: Array<[number, readonly [number, number, number]]>): Uint8Array {
  const arrays = parts.map(([count, colour]) => solid(count, colour));
  const out = new Uint8Array(arrays.reduce((sum, a) => sum + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}

describe('colourDistance', () => {
  it('is 0 for identical images', () => {
    const page = testImagePixels(200, 120, 'screenshot');
    const result = colourDistance(page, page);
    assert.equal(result.distance, 0);
    assert.equal(result.channels, 0);
    assert.ok(result.palette < 1e-12);
  });

  it('is 1, its maximum, for black against white', () => {
    const result = colourDistance(solid(100, [0, 0, 0]), solid(100, [255, 255, 255]));
    assert.equal(result.channels, 1);
    assert.ok(Math.abs(result.palette - 1) < 1e-12);
    assert.ok(Math.abs(result.distance - 1) < 1e-12);
  });

  it('stays within [0, 1] for other pairs', () => {
    const images = [
      solid(50, [255, 0, 0]),
      solid(50, [0, 255, 255]),
      testImagePixels(40, 30, 'noise'),
      testImagePixels(40, 30, 'quadrants'),
      testImagePixels(40, 30, 'screenshot'),
    ];
    for (const a of images) for (const b of images) {
      const { distance } = colourDistance(a, b);
      assert.ok(distance >= 0 && distance <= 1 + 1e-12, `${distance}`);
    }
  });

  it('ignores where the colours are and how many pixels there are', () => {
    const quadrants = testImagePixels(64, 64, 'quadrants');
    const reordered = mixture([32 * 32, [0, 0, 255]], [32 * 32, [255, 255, 0]], [32 * 32, [255, 0, 0]], [32 * 32, [0, 255, 0]]);
    assert.ok(colourDistance(quadrants, reordered).distance < 1e-12);
    assert.ok(colourDistance(solid(4, [10, 200, 30]), solid(400, [10, 200, 30])).distance < 1e-12);
  });

  it('grows with how far a colour moves, and is small for a near-white background', () => {
    const white = solid(100, [255, 255, 255]);
    const nearWhite = colourDistance(white, solid(100, [250, 250, 250])).distance;
    const lightGrey = colourDistance(white, solid(100, [200, 200, 200])).distance;
    const darkGrey = colourDistance(white, solid(100, [60, 60, 60])).distance;
    assert.ok(nearWhite < 0.1, `near white ${nearWhite}`);
    assert.ok(nearWhite < lightGrey && lightGrey < darkGrey, `${nearWhite} < ${lightGrey} < ${darkGrey}`);
  });

  it('grows with the share of pixels that differ', () => {
    const page = mixture([90, [255, 255, 255]], [10, [30, 60, 200]]);
    const wrongAccent = mixture([90, [255, 255, 255]], [10, [200, 40, 40]]);
    const wrongBackground = mixture([90, [20, 20, 20]], [10, [30, 60, 200]]);
    const accent = colourDistance(page, wrongAccent).distance;
    const background = colourDistance(page, wrongBackground).distance;
    assert.ok(accent > 0 && accent < background, `accent ${accent} < background ${background}`);
  });

  it('tells apart palettes with the same per-channel histograms', () => {
    const redGreen = mixture([50, [255, 0, 0]], [50, [0, 255, 0]]);
    const yellowBlack = mixture([50, [255, 255, 0]], [50, [0, 0, 0]]);
    const result = colourDistance(redGreen, yellowBlack);
    assert.equal(result.channels, 0);
    assert.ok(result.palette > 0.9, `palette ${result.palette}`);
    assert.ok(result.distance > 0.4);
  });

  it('does not jump at a bin border', () => {
    // 127.5 is the border between the bins centred on 85 and 170: hard bins would put these far apart (~0.5).
    const across = colourDistance(solid(10, [127, 127, 127]), solid(10, [128, 128, 128])).distance;
    assert.ok(across < 0.05, `${across}`);
  });
});
