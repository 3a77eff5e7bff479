// Fitting images inside a model's budget: exact sizes, rounding, and the vector (SVG) plan.

import assert from 'node:assert/strict';
import { assertValidBudget, fitVectorWithinBudget, fitWithinBudget } from '../../../src/core/images/budget';

describe('fitWithinBudget', () => {
  it('scales 3000×1000 to 1000×333 for a 1000 long side (1000 × 1000/3000 = 333.3, rounded)', () => {
    assert.deepEqual(fitWithinBudget({ width: 3000, height: 1000 }, { maxLongSide: 1000 }), { width: 1000, height: 333 });
  });

  it('keeps portrait images portrait: 1000×3000 becomes 333×1000', () => {
    assert.deepEqual(fitWithinBudget({ width: 1000, height: 3000 }, { maxLongSide: 1000 }), { width: 333, height: 1000 });
  });

  it('rounds an exact half up, as sharp does: 2000×1001 becomes 1000×501', () => {
    assert.deepEqual(fitWithinBudget({ width: 2000, height: 1001 }, { maxLongSide: 1000 }), { width: 1000, height: 501 });
  });

  it('never enlarges an image already inside the budget', () => {
    assert.deepEqual(fitWithinBudget({ width: 200, height: 100 }, { maxLongSide: 1000, maxPixels: 1_000_000 }), { width: 200, height: 100 });
  });

  it('honours maxPixels when it is tighter than the long side: 2000×1000 at 500 000 pixels is 1000×500', () => {
    assert.deepEqual(fitWithinBudget({ width: 2000, height: 1000 }, { maxLongSide: 4000, maxPixels: 500_000 }), { width: 1000, height: 500 });
  });

  it('steps the long side down when rounding would exceed maxPixels', () => {
    // scale √(5/6) = 0.91 rounds 3×2 back to 3×2 = 6 pixels > 5; one step down gives 2×1.
    assert.deepEqual(fitWithinBudget({ width: 3, height: 2 }, { maxLongSide: 10, maxPixels: 5 }), { width: 2, height: 1 });
  });

  it('never produces a zero side for very thin images', () => {
    assert.deepEqual(fitWithinBudget({ width: 10_000, height: 2 }, { maxLongSide: 100 }), { width: 100, height: 1 });
  });
});

describe('assertValidBudget', () => {
  it('rejects a zero, fractional or negative budget as a caller bug', () => {
    assert.throws(() => assertValidBudget({ maxLongSide: 0 }), RangeError);
    assert.throws(() => assertValidBudget({ maxLongSide: 10.5 }), RangeError);
    assert.throws(() => assertValidBudget({ maxLongSide: 10, maxPixels: -1 }), RangeError);
    assert.doesNotThrow(() => assertValidBudget({ maxLongSide: 1344, maxPixels: 1_000_000 }));
  });
});

describe('fitVectorWithinBudget', () => {
  it('draws a 24×12 icon four times larger (at 288 dpi), not all the way to the budget', () => {
    assert.deepEqual(fitVectorWithinBudget({ width: 24, height: 12 }, { maxLongSide: 1344 }), { size: { width: 96, height: 48 }, density: 288 });
  });

  it('enlarges only up to the long side when that is nearer than four times', () => {
    assert.deepEqual(fitVectorWithinBudget({ width: 400, height: 200 }, { maxLongSide: 1000 }), { size: { width: 1000, height: 500 }, density: 180 });
  });

  it('draws a large drawing smaller, at a lower density', () => {
    assert.deepEqual(fitVectorWithinBudget({ width: 2000, height: 1000 }, { maxLongSide: 1000 }), { size: { width: 1000, height: 500 }, density: 36 });
  });

  it('never asks sharp for a density under 1 dpi', () => {
    const plan = fitVectorWithinBudget({ width: 1_000_000, height: 1_000_000 }, { maxLongSide: 1000 });
    assert.equal(plan.density, 1);
    assert.deepEqual(plan.size, { width: 1000, height: 1000 });
  });
});
