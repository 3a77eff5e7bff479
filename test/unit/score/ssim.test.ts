// SSIM on luma (src/core/score/ssim.ts): identical images score 1, unrelated ones near 0, the same
// page shifted by a few pixels in between; bounds, symmetry, flat images, and the cost at 1280×800.

import assert from 'node:assert/strict';
import { lumaFromRgba, ssim } from '../../../src/core/score/ssim';
import { testImagePixels } from '../../fixtures/images';

const width = 320;
const height = 200;

function luma(rgba: Uint8Array, w = width, h = height): Float32Array {
  return lumaFromRgba(rgba, w, h);
}

/** The picture moved `dx` pixels right and `dy` down; uncovered pixels are white. */
function shifted(rgba: Uint8Array, dx: number, dy: number, w = width, h = height): Uint8Array {
  const out = new Uint8Array(rgba.length).fill(255);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sx = x - dx;
      const sy = y - dy;
      if (sx < 0 || sy < 0 || sx >= w || sy >= h) continue;
      out.set(rgba.subarray((sy * w + sx) * 4, (sy * w + sx) * 4 + 4), (y * w + x) * 4);
    }
  }
  return out;
}

/** Left and right swapped: the side bar moves to the other side, the text rows turn round. */
function mirrored(rgba: Uint8Array, w = width, h = height): Uint8Array {
  const out = new Uint8Array(rgba.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.set(rgba.subarray((y * w + x) * 4, (y * w + x) * 4 + 4), (y * w + (w - 1 - x)) * 4);
  return out;
}

describe('ssim', () => {
  const page = testImagePixels(width, height, 'screenshot');

  it('is 1 for identical images', () => {
    assert.ok(Math.abs(ssim(luma(page), luma(page), width, height) - 1) < 1e-9);
  });

  it('is near 0 for a page against noise, and low against a different layout', () => {
    const noise = ssim(luma(page), luma(testImagePixels(width, height, 'noise')), width, height);
    assert.ok(Math.abs(noise) < 0.1, `noise ${noise}`);
    const otherLayout = ssim(luma(page), luma(mirrored(page)), width, height);
    assert.ok(otherLayout < 0.6, `mirrored layout ${otherLayout}`);
  });

  it('puts the same page shifted by a few pixels between identical and unrelated, lower the further it moves', () => {
    const base = luma(page);
    const by1 = ssim(base, luma(shifted(page, 1, 0)), width, height);
    const by3 = ssim(base, luma(shifted(page, 3, 2)), width, height);
    const unrelated = ssim(base, luma(mirrored(page)), width, height);
    assert.ok(by1 < 1 - 1e-6, `a 1 px shift must cost something: ${by1}`);
    assert.ok(by1 > by3, `1 px (${by1}) closer than 3 px (${by3})`);
    assert.ok(by3 > unrelated, `3 px (${by3}) closer than a different layout (${unrelated})`);
  });

  it('stays within [-1, 1] and is symmetric', () => {
    const a = luma(page);
    const b = luma(testImagePixels(width, height, 'noise'));
    const inverted = a.map((value) => 255 - value);
    for (const [x, y] of [[a, b], [a, inverted], [b, inverted]] as const) {
      const forward = ssim(x, y, width, height);
      assert.ok(forward >= -1 && forward <= 1, `${forward}`);
      assert.ok(Math.abs(forward - ssim(y, x, width, height)) < 1e-9);
    }
    assert.ok(ssim(a, inverted, width, height) < 0, 'an inverted page is anti-correlated');
  });

  it('compares flat images by their means: equal flats 1, black against white near 0', () => {
    const black = new Float32Array(64 * 48);
    const white = new Float32Array(64 * 48).fill(255);
    assert.equal(ssim(white, white, 64, 48), 1);
    assert.ok(ssim(black, white, 64, 48) < 0.001);
  });

  it('handles images smaller than the window', () => {
    const a = new Float32Array([0, 255, 255, 0, 10, 20]);
    assert.ok(Math.abs(ssim(a, a, 3, 2) - 1) < 1e-9);
    assert.ok(ssim(a, a.map((v) => 255 - v), 3, 2) < 0);
  });

  it('refuses images of different sizes', () => {
    assert.throws(() => ssim(new Float32Array(12), new Float32Array(16), 4, 3), RangeError);
  });

  it('computes luma with BT.601 weights', () => {
    const rgba = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 0, 255, 255, 255, 255]);
    const values = Array.from(lumaFromRgba(rgba, 4, 1));
    const expected = [0.299 * 255, 0.587 * 255, 0.114 * 255, 255];
    values.forEach((value, i) => assert.ok(Math.abs(value - expected[i]) < 1e-3, `pixel ${i}: ${value} vs ${expected[i]}`));
  });
});
