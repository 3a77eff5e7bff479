// Block merging (src/core/score/blockMerging.ts): the reference's test of whether a merge improves
// the matching, how merged blocks are built, and the merge search on both sides.

import assert from 'node:assert/strict';
import { TextSimilarity } from '../../../src/core/score/blockMatching';
import { improvementOfMeans, mergeForMatching, mergeNeighbours, mergeSameBoxes, type WorkingBlock } from '../../../src/core/score/blockMerging';

function block(text: string, box = { x: 0, y: 0, width: 10, height: 10 }, color?: { r: number; g: number; b: number }): WorkingBlock {
  const merged = { text, box, ...(color ? { color } : {}), parts: [{ text, box }] };
  return { key: text.toLowerCase(), block: merged, normalised: { x: box.x / 100, y: box.y / 100, width: box.width / 100, height: box.height / 100 } };
}

describe('block merging', () => {
  describe('improvementOfMeans', () => {
    it('compares the means of the costs the two matchings do not share', () => {
      // Shared: −1, −1. Left: −0.6 against −0.9: better by 0.3.
      assert.ok(Math.abs(improvementOfMeans([-1, -0.6, -1], [-1, -1, -0.9]) - 0.3) < 1e-12);
    });

    it('is 0 when the mean fell but the best cost left did not', () => {
      // Mean −0.5 → −0.55, but the lowest left (−0.9) is not above the new lowest (−0.6).
      assert.equal(improvementOfMeans([-0.9, -0.1], [-0.6, -0.5]), 0);
    });

    it('is the (negative) change when the mean rose, and 0 for the same costs', () => {
      assert.ok(Math.abs(improvementOfMeans([-1, -0.8], [-1, -0.5]) - -0.3) < 1e-12);
      assert.equal(improvementOfMeans([-1, -0.5], [-0.5, -1]), 0);
    });
  });

  it('merges neighbours into one text, the union box and colours averaged down', () => {
    const merged = mergeNeighbours(
      block('Deploy from git', { x: 10, y: 10, width: 50, height: 10 }, { r: 10, g: 21, b: 255 }),
      block('in one click', { x: 5, y: 20, width: 30, height: 12 }, { r: 11, g: 20, b: 0 }),
    );
    assert.equal(merged.block.text, 'Deploy from git in one click');
    assert.equal(merged.key, 'deploy from git in one click');
    assert.deepEqual(merged.block.box, { x: 5, y: 10, width: 55, height: 22 });
    assert.deepEqual(merged.block.color, { r: 10, g: 20, b: 127 });
    assert.deepEqual(merged.block.parts.map((part) => part.text), ['Deploy from git', 'in one click']);
  });

  it('merges blocks with the same box wherever they are, colours averaged exactly', () => {
    const box = { x: 10, y: 10, width: 50, height: 10 };
    const merged = mergeSameBoxes([block('Start', box, { r: 0, g: 0, b: 1 }), block('Pricing', { ...box, y: 40 }), block('now', box, { r: 255, g: 0, b: 0 })]);
    assert.deepEqual(merged.map((b) => b.block.text), ['Start now', 'Pricing']);
    assert.deepEqual(merged[0].block.color, { r: 127.5, g: 0, b: 0.5 });
  });

  it('merges on the page side and on the mockup side where that matches better, and nowhere else', () => {
    const similarity = new TextSimilarity();
    const page = [block('Acme'), block('Ship faster'), block('with fewer servers'), block('Start free trial')];
    const mockup = [block('Acme'), block('Ship faster with fewer servers'), block('Start free'), block('trial')];
    const result = mergeForMatching(page, mockup, similarity);
    assert.deepEqual(result.page.map((b) => b.block.text), ['Acme', 'Ship faster with fewer servers', 'Start free trial']);
    assert.deepEqual(result.mockup.map((b) => b.block.text), ['Acme', 'Ship faster with fewer servers', 'Start free trial']);
  });
});
