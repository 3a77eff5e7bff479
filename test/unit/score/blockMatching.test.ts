// Block matching (src/core/score/blockMatching.ts): the context bonus as the reference computes it,
// and what it is for: of two equal texts, the one whose neighbours match too is chosen.

import assert from 'node:assert/strict';
import { CONTEXT_BONUS, CONTEXT_WINDOW, TextSimilarity, matchBlocks, withContextBonus } from '../../../src/core/score/blockMatching';

const blocks = (keys: readonly string[]): Array<{ key: string }> => keys.map((key) => ({ key }));

describe('block matching', () => {
  it('adds bonus × the two best neighbouring costs to pairs more than half alike, and leaves the others', () => {
    const adjusted = withContextBonus([[-1, -0.2], [-0.6, -1]], 0.1, 1);
    // (0,0): neighbours −0.2, −0.6, −1 → −1 − 0.1·(−1 − 0.6); (1,0): −0.6 − 0.1·(−1 − 1); (0,1) is −0.2, not under −0.5.
    const expected = [[-1 + 0.1 * (-1.6), -0.2], [-0.6 + 0.1 * -2, -1 + 0.1 * (-1.6)]];
    adjusted.forEach((row, i) => row.forEach((value, j) => assert.ok(Math.abs(value - expected[i][j]) < 1e-12, `${i},${j}: ${value}`)));
    // Exactly −0.5 gets no bonus.
    assert.deepEqual(withContextBonus([[-0.5, -1]], 0.1, 1)[0][0], -0.5);
  });

  it('with the context bonus, matches a repeated text with the copy that sits between the same neighbours', () => {
    const page = blocks(['pricing', 'home', 'about']);
    const mockup = blocks(['home', 'blog', 'pricing', 'home', 'about']);
    const similarity = new TextSimilarity();
    const plain = matchBlocks(page, mockup, similarity);
    const withContext = matchBlocks(page, mockup, similarity, { bonus: CONTEXT_BONUS, window: CONTEXT_WINDOW });
    // Without context the tie goes to the first "home"; with it, to the one between "pricing" and "about".
    assert.deepEqual(plain.pairs, [{ page: 0, mockup: 2 }, { page: 1, mockup: 0 }, { page: 2, mockup: 4 }]);
    assert.deepEqual(withContext.pairs, [{ page: 0, mockup: 2 }, { page: 1, mockup: 3 }, { page: 2, mockup: 4 }]);
    assert.deepEqual(plain.costs, [-1, -1, -1]);
  });

  it('costs a pair minus the SequenceMatcher ratio of the page text against the mockup text', () => {
    const result = matchBlocks(blocks(['tide']), blocks(['diet']), new TextSimilarity());
    assert.deepEqual(result.costs, [-0.25]);
  });
});
