// difflib's SequenceMatcher ratio (src/core/score/sequenceMatcherRatio.ts) on cases whose Python
// answers are known: 2·matches / total, matches found in order (not as a bag of letters), the
// asymmetry, code points, and autojunk on texts of 200 characters or more.

import assert from 'node:assert/strict';
import { sequenceMatcherRatio } from '../../../src/core/score/sequenceMatcherRatio';

describe('sequenceMatcherRatio', () => {
  it('is 2·matched characters over all characters', () => {
    assert.equal(sequenceMatcherRatio('abcd', 'bcde'), 0.75);
    assert.equal(sequenceMatcherRatio('qabxcd', 'abycdf'), 8 / 12);
    assert.equal(sequenceMatcherRatio('sign in', 'sign in'), 1);
    assert.equal(sequenceMatcherRatio('abc', 'xyz'), 0);
  });

  it('counts characters matched in order, not shared letters', () => {
    // A bag-of-letters Dice would give 1 for an anagram.
    assert.equal(sequenceMatcherRatio('listen', 'silent'), 2 * 3 / 12);
  });

  it('is not symmetric, as difflib is not', () => {
    assert.equal(sequenceMatcherRatio('tide', 'diet'), 0.25);
    assert.equal(sequenceMatcherRatio('diet', 'tide'), 0.5);
  });

  it('gives 1 for two empty texts and 0 when one is empty', () => {
    assert.equal(sequenceMatcherRatio('', ''), 1);
    assert.equal(sequenceMatcherRatio('', 'abc'), 0);
  });

  it('counts code points, as Python does, not UTF-16 units', () => {
    // '😀' is one character in Python and two units in JavaScript: 2·2 / (3 + 2).
    assert.equal(sequenceMatcherRatio('a😀b', 'ab'), 0.8);
  });

  it('applies autojunk to a second text of 200 characters or more, and can be told not to', () => {
    const second = 'ab'.repeat(100);
    const first = `b${'ab'.repeat(99)}`;
    // Both letters are "popular" in the 200-character text, so no run can be found: 0 in Python.
    assert.equal(sequenceMatcherRatio(first, second), 0);
    assert.equal(sequenceMatcherRatio(first, second, { autojunk: false }), (2 * 199) / 399);
    // One character shorter, autojunk does not apply.
    assert.equal(sequenceMatcherRatio(first, second.slice(0, 199)), sequenceMatcherRatio(first, second.slice(0, 199), { autojunk: false }));
    // Popular characters still extend a run found from its start: equal texts match whole.
    assert.equal(sequenceMatcherRatio('x'.repeat(250), 'x'.repeat(250)), 1);
  });
});
