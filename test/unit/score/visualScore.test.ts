// The combined visual score (src/core/score/visualScore.ts): the formula and its clamps, ordering
// on whole images, the rendering/working sizes it plans, and the sharp loader (orientation-free
// resize to an exact size, transparent pixels onto white, cropping the top of a tall mockup).

import assert from 'node:assert/strict';
import sharp from 'sharp';
import {
  COLOUR_WEIGHT,
  MAX_VIEWPORT_SIDE,
  MAX_WORKING_WIDTH,
  SSIM_WEIGHT,
  combineScore,
  compareImages,
  loadRgba,
  planScoring,
  type RgbaImage,
} from '../../../src/core/score/visualScore';
import { createTestImage, testImagePixels } from '../../fixtures/images';

function image(width: number, height: number, pattern: 'screenshot' | 'noise' | 'quadrants' | 'halves'): RgbaImage {
  return { data: testImagePixels(width, height, pattern), width, height };
}

describe('visual score', () => {
  describe('combineScore', () => {
    it('weighs SSIM 0.8 and colour similarity 0.2', () => {
      assert.equal(SSIM_WEIGHT + COLOUR_WEIGHT, 1);
      assert.ok(Math.abs(combineScore(0.5, 0.25) - (0.8 * 0.5 + 0.2 * 0.25)) < 1e-12);
      assert.equal(combineScore(1, 1), 1);
    });

    it('clamps a negative SSIM to 0', () => {
      assert.ok(Math.abs(combineScore(-0.4, 0.5) - 0.1) < 1e-12);
    });
  });

  describe('compareImages', () => {
    it('scores identical images 1, a page against noise low, and the same layout in dark mode below the original, colours far off', () => {
      const page = image(200, 150, 'screenshot');
      const same = compareImages(page, page);
      assert.ok(Math.abs(same.score - 1) < 1e-9);
      assert.equal(same.colour, 1);
      const noise = compareImages(page, image(200, 150, 'noise'));
      assert.ok(noise.score < 0.3, `noise ${noise.score}`);
      // The same layout, dark mode: structure partly kept, colours far off.
      const inverted: RgbaImage = { ...page, data: page.data.map((value, i) => (i % 4 === 3 ? value : 255 - value)) };
      const dark = compareImages(page, inverted);
      assert.ok(dark.colour < same.colour && dark.score < same.score && dark.score >= 0);
    });

    it('refuses images of different sizes', () => {
      assert.throws(() => compareImages(image(20, 10, 'halves'), image(10, 20, 'halves')), /one size/);
    });
  });

  describe('planScoring', () => {
    it('renders a small mockup at its own size and compares at that size', () => {
      assert.deepEqual(planScoring({ width: 800, height: 600 }), { viewport: { width: 800, height: 600 }, mockupHeightShare: 1, working: { width: 800, height: 600 } });
    });

    it(`compares at most ${MAX_WORKING_WIDTH} px wide`, () => {
      const plan = planScoring({ width: 1280, height: 800 });
      assert.deepEqual(plan.viewport, { width: 1280, height: 800 });
      assert.deepEqual(plan.working, { width: MAX_WORKING_WIDTH, height: 640 });
    });

    it('never compares above the resolution of the mockup at hand (a copy downscaled for the model)', () => {
      const plan = planScoring({ width: 1440, height: 900 }, { width: 768, height: 480 });
      assert.deepEqual(plan.viewport, { width: 1440, height: 900 });
      assert.deepEqual(plan.working, { width: 768, height: 480 });
    });

    it(`takes a mockup wider than ${MAX_VIEWPORT_SIDE} px as a high-density capture and scales it down`, () => {
      const plan = planScoring({ width: 2880, height: 1800 });
      assert.deepEqual(plan.viewport, { width: 1920, height: 1200 });
      assert.equal(plan.mockupHeightShare, 1);
    });

    it(`compares the top ${MAX_VIEWPORT_SIDE} px of a taller mockup`, () => {
      const plan = planScoring({ width: 1000, height: 4000 });
      assert.deepEqual(plan.viewport, { width: 1000, height: 1920 });
      assert.equal(plan.mockupHeightShare, 1920 / 4000);
      assert.deepEqual(plan.working, { width: 1000, height: 1920 });
    });
  });

  describe('loadRgba', () => {
    it('resizes any format to exactly the working size, as RGBA', async () => {
      const jpeg = await createTestImage({ width: 300, height: 200, format: 'jpeg', pattern: 'halves' });
      const loaded = await loadRgba(jpeg, { width: 150, height: 100 });
      assert.equal(loaded.data.length, 150 * 100 * 4);
      const left = Array.from(loaded.data.subarray((50 * 150 + 10) * 4, (50 * 150 + 10) * 4 + 4));
      const right = Array.from(loaded.data.subarray((50 * 150 + 140) * 4, (50 * 150 + 140) * 4 + 4));
      assert.ok(left[0] > 230 && left[2] < 25 && left[3] === 255, `left is red: ${left}`);
      assert.ok(right[2] > 230 && right[0] < 25, `right is blue: ${right}`);
    });

    it('puts transparent pixels on white, like a page background', async () => {
      const png = await createTestImage({ width: 40, height: 40, format: 'png', pattern: 'quadrants', alpha: true });
      const loaded = await loadRgba(png, { width: 40, height: 40 });
      const bottomRight = Array.from(loaded.data.subarray((35 * 40 + 35) * 4, (35 * 40 + 35) * 4 + 4));
      assert.deepEqual(bottomRight, [255, 255, 255, 255]);
    });

    it('keeps only the top share of the image when asked', async () => {
      // Top half red, bottom half blue (quadrants' top row is red and green, bottom blue and yellow).
      const png = await sharp({ create: { width: 20, height: 40, channels: 3, background: { r: 0, g: 0, b: 255 } } })
        .composite([{ input: { create: { width: 20, height: 20, channels: 3, background: { r: 255, g: 0, b: 0 } } }, top: 0, left: 0 }])
        .png()
        .toBuffer();
      const loaded = await loadRgba(png, { width: 10, height: 10 }, { heightShare: 0.5 });
      for (let p = 0; p < loaded.data.length; p += 4) assert.deepEqual(Array.from(loaded.data.subarray(p, p + 3)), [255, 0, 0], `pixel ${p / 4}`);
    });
  });
});
