// Text block boxes (src/core/score/textBlocks.ts): fractions of the image, clipped to it; the
// union, area and centre; and the boxes and sizes refused.

import assert from 'node:assert/strict';
import { boxArea, boxCentre, clipBox, normaliseBox, unionBox } from '../../../src/core/score/textBlocks';

describe('text block boxes', () => {
  it('normalises a box by its image: x and width by the width, y and height by the height', () => {
    assert.deepEqual(normaliseBox({ x: 100, y: 50, width: 200, height: 25 }, { width: 1000, height: 500 }), { x: 0.1, y: 0.1, width: 0.2, height: 0.05 });
  });

  it('clips a box to the image before normalising it', () => {
    assert.deepEqual(clipBox({ x: -20, y: 480, width: 100, height: 40 }, { width: 1000, height: 500 }), { x: 0, y: 480, width: 80, height: 20 });
    assert.deepEqual(normaliseBox({ x: 1100, y: 0, width: 10, height: 10 }, { width: 1000, height: 500 }), { x: 1, y: 0, width: 0, height: 0.02 });
  });

  it('gives the union, the area and the centre', () => {
    assert.deepEqual(unionBox({ x: 0, y: 10, width: 10, height: 10 }, { x: 5, y: 0, width: 20, height: 5 }), { x: 0, y: 0, width: 25, height: 20 });
    assert.equal(boxArea({ x: 3, y: 4, width: 5, height: 6 }), 30);
    assert.deepEqual(boxCentre({ x: 10, y: 20, width: 4, height: 6 }), { x: 12, y: 23 });
  });

  it('refuses a negative or non-finite box and an image with no area', () => {
    assert.throws(() => normaliseBox({ x: 0, y: 0, width: -1, height: 5 }, { width: 10, height: 10 }), /width and height of 0 or more/);
    assert.throws(() => normaliseBox({ x: NaN, y: 0, width: 1, height: 5 }, { width: 10, height: 10 }), /finite/);
    assert.throws(() => normaliseBox({ x: 0, y: 0, width: 1, height: 1 }, { width: 10, height: 0 }), /no area/);
  });
});
