// Pairs the generated page's text blocks with the mockup's, as Design2Code does
// (Design2Code/metrics/visual_score.py, find_maximum_matching and adjust_cost_for_context): the
// cost of a pair is minus the SequenceMatcher ratio of the page's text against the mockup's, and
// the assignment with the least summed cost is taken (linearAssignment.ts). For the final matching
// the paper's code first rewards context: a pair whose similarity is above 0.5 gets
// `bonus` × the two best similarities among its neighbours in the index window around it (blocks
// next to each other on both sides), so that of two equal texts the one whose neighbours also match
// is chosen. The block lists are in reading (document) order; "neighbour" means next in that order.

import { solveLinearAssignment } from './linearAssignment';
import { sequenceMatcherRatio } from './sequenceMatcherRatio';

/** The SequenceMatcher ratio of a page text against a mockup text, each pair computed once. */
export class TextSimilarity {
  private readonly known = new Map<string, Map<string, number>>();

  ratio(pageText: string, mockupText: string): number {
    let row = this.known.get(pageText);
    if (!row) {
      row = new Map();
      this.known.set(pageText, row);
    }
    let value = row.get(mockupText);
    if (value === undefined) {
      value = sequenceMatcherRatio(pageText, mockupText);
      row.set(mockupText, value);
    }
    return value;
  }
}

export interface MatchableBlock {
  /** The text compared: the block's text, trimmed and lower-cased. */
  readonly key: string;
}

export interface Matching {
  /** Pairs ordered by page block. */
  readonly pairs: ReadonlyArray<{ readonly page: number; readonly mockup: number }>;
  /** The cost (minus the similarity, context bonus included) of each pair, in the same order. */
  readonly costs: readonly number[];
}

/** The context reward of the final matching, and the half-width of its neighbourhood (the reference's 0.1 and 1). */
export const CONTEXT_BONUS = 0.1;
export const CONTEXT_WINDOW = 1;

export function matchBlocks(
  page: readonly MatchableBlock[],
  mockup: readonly MatchableBlock[],
  similarity: TextSimilarity,
  context: { readonly bonus: number; readonly window: number } = { bonus: 0, window: 0 },
): Matching {
  const costs = page.map((pageBlock) => mockup.map((mockupBlock) => -similarity.ratio(pageBlock.key, mockupBlock.key)));
  const adjusted = context.bonus !== 0 && context.window > 0 ? withContextBonus(costs, context.bonus, context.window) : costs;
  const { rows, columns } = solveLinearAssignment(adjusted);
  return {
    pairs: rows.map((row, k) => ({ page: row, mockup: columns[k] })),
    costs: rows.map((row, k) => adjusted[row][columns[k]]),
  };
}

/**
 * Each cost under −0.5 (similarity over 0.5) plus `bonus` × the sum of the two least costs among
 * the others in the (2·window + 1)² square around it; the square is read from the costs before
 * any bonus.
 */
export function withContextBonus(costs: readonly (readonly number[])[], bonus: number, window: number): number[][] {
  const rowCount = costs.length;
  const columnCount = rowCount === 0 ? 0 : costs[0].length;
  return costs.map((row, i) =>
    row.map((cost, j) => {
      if (cost >= -0.5) return cost;
      const around: number[] = [];
      for (let r = Math.max(0, i - window); r < Math.min(rowCount, i + window + 1); r++) {
        for (let c = Math.max(0, j - window); c < Math.min(columnCount, j + window + 1); c++) around.push(costs[r][c]);
      }
      // Leave out one entry of the pair's own value (its own cell, or one equal to it), as the reference does.
      around.splice(around.indexOf(cost), 1);
      around.sort((a, b) => a - b);
      const best = around.slice(0, 2 * window);
      return cost + bonus * best.reduce((sum, value) => sum + value, 0);
    }),
  );
}
