// The Design2Code score against the reference implementation itself: test/fixtures/design2code/
// referenceCases.json holds what Design2Code's metrics/visual_score.py (with scipy, difflib and
// python-colormath) gives on random inputs; generateReferenceCases.py beside it says how it was made.
// Each section must agree: the assignment chosen (ties included), the text ratio, the colour
// similarity, and for whole block sets the merged blocks, the matched pairs and the four parts.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { textColourSimilarity } from '../../../src/core/score/ciede2000';
import { design2CodeScore } from '../../../src/core/score/design2CodeScore';
import { solveLinearAssignment } from '../../../src/core/score/linearAssignment';
import { sequenceMatcherRatio } from '../../../src/core/score/sequenceMatcherRatio';
import type { BlockSet } from '../../../src/core/score/textBlocks';

interface FixtureBlock {
  text: string;
  box: { x: number; y: number; width: number; height: number };
  color: [number, number, number];
}

interface FixtureSet {
  size: { width: number; height: number };
  blocks: FixtureBlock[];
}

interface ReferenceCases {
  assignment: Array<{ cost: number[][]; rows: number[]; columns: number[] }>;
  sequenceMatcher: Array<{ a: string; b: string; ratio: number }>;
  colourSimilarity: Array<{ first: [number, number, number]; second: [number, number, number]; similarity: number }>;
  scores: Array<{
    mockup: FixtureSet;
    page: FixtureSet;
    expected: {
      pageMerged: string[];
      mockupMerged: string[];
      matched: Array<[string, string]>;
      blockMatch: number;
      text: number;
      position: number;
      color: number;
    };
  }>;
}

const fixture = path.resolve(__dirname, '../../../../test/fixtures/design2code/referenceCases.json');
const cases = JSON.parse(readFileSync(fixture, 'utf8')) as ReferenceCases;

function blockSet(set: FixtureSet): BlockSet {
  return { size: set.size, blocks: set.blocks.map(({ text, box, color: [r, g, b] }) => ({ text, box, color: { r, g, b } })) };
}

describe('Design2Code score against the reference implementation', () => {
  it(`picks the same assignment as scipy's linear_sum_assignment, ties included (${cases.assignment.length} matrices)`, () => {
    for (const { cost, rows, columns } of cases.assignment) {
      assert.deepEqual(solveLinearAssignment(cost), { rows, columns }, JSON.stringify(cost));
    }
  });

  it(`gives difflib's SequenceMatcher ratio exactly (${cases.sequenceMatcher.length} pairs, autojunk included)`, () => {
    for (const { a, b, ratio } of cases.sequenceMatcher) assert.equal(sequenceMatcherRatio(a, b), ratio, JSON.stringify({ a, b }));
  });

  it(`gives colormath's CIEDE2000 text colour similarity within 1e-5 (${cases.colourSimilarity.length} pairs)`, () => {
    for (const { first, second, similarity } of cases.colourSimilarity) {
      const [r1, g1, b1] = first;
      const [r2, g2, b2] = second;
      const ours = textColourSimilarity({ r: r1, g: g1, b: b1 }, { r: r2, g: g2, b: b2 });
      assert.ok(Math.abs(ours - similarity) < 1e-5, `${first} / ${second}: ${ours}, reference ${similarity}`);
    }
  });

  it(`merges, matches and scores block sets as the reference does (${cases.scores.length} mockup/page pairs)`, () => {
    cases.scores.forEach(({ mockup, page, expected }, index) => {
      const score = design2CodeScore(blockSet(mockup), blockSet(page));
      const label = `case ${index}`;
      const lower = (text: string): string => text.toLowerCase();
      const merged = {
        page: [...score.matches.map((m) => m.page), ...score.extra],
        mockup: [...score.matches.map((m) => m.mockup), ...score.missing],
      };
      assert.deepEqual(merged.page.map((b) => lower(b.text)).sort(), [...expected.pageMerged].sort(), `${label}: page blocks after merging`);
      assert.deepEqual(merged.mockup.map((b) => lower(b.text)).sort(), [...expected.mockupMerged].sort(), `${label}: mockup blocks after merging`);
      const matched = score.matches.map((m) => [lower(m.page.text), lower(m.mockup.text)] as [string, string]).sort((a, b) => (a[0] + '\u0000' + a[1] < b[0] + '\u0000' + b[1] ? -1 : 1));
      assert.deepEqual(matched, [...expected.matched].sort((a, b) => (a[0] + '\u0000' + a[1] < b[0] + '\u0000' + b[1] ? -1 : 1)), `${label}: matched pairs`);
      for (const part of ['blockMatch', 'text', 'position'] as const) {
        assert.ok(Math.abs(score[part] - expected[part]) < 1e-9, `${label}: ${part} ${score[part]}, reference ${expected[part]}`);
      }
      assert.ok(score.color !== null && Math.abs(score.color - expected.color) < 1e-5, `${label}: color ${score.color}, reference ${expected.color}`);
    });
  });
});
