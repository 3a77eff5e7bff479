// How Design2Code merges text blocks before it scores them (Design2Code/metrics/visual_score.py:
// merge_blocks_by_bbox, merge_blocks_wo_check, merge_blocks_by_list, difference_of_means,
// find_possible_merge). Two detectors cut text differently (OCR reads a paragraph as lines, the DOM
// may give it as one node, or a link inside it as another), so:
// 1. blocks with exactly the same box become one (mergeSameBoxes);
// 2. then, in rounds until nothing changes: for each pair of neighbours on the page side, the
//    matching is recomputed as if they were one block; each merge that improves the matched costs
//    by more than 0.05 (improvementOfMeans) is a candidate; candidates are applied best first,
//    skipping any that shares a block with one already applied. Then the same on the mockup side,
//    against the merged page (mergeForMatching).
// A merged block's text is the two texts joined by a space, its box the union of the two, its
// colour their mean (rounded down per channel when two neighbours merge, as in the reference).

import { matchBlocks, type MatchableBlock, type TextSimilarity } from './blockMatching';
import { unionBox, sameBox, type Box, type RgbColour, type TextBlock } from './textBlocks';

/** A block as the score works on it, possibly several of the caller's blocks merged. */
export interface MergedBlock extends TextBlock {
  /** Pixels of its image, clipped to it. */
  readonly box: Box;
  /** The caller's blocks it is made of, in order. */
  readonly parts: readonly TextBlock[];
}

export interface WorkingBlock extends MatchableBlock {
  readonly block: MergedBlock;
  /** `block.box` as fractions of the image. */
  readonly normalised: Box;
}

/** The least improvement of the matched costs' mean that makes a merge worth it (the reference's 0.05). */
export const MERGE_GAIN = 0.05;

export function mergeSameBoxes(blocks: readonly WorkingBlock[]): WorkingBlock[] {
  const merged: WorkingBlock[] = [];
  for (const block of blocks) {
    const index = merged.findIndex((other) => sameBox(other.normalised, block.normalised));
    if (index < 0) merged.push(block);
    else merged[index] = joinBlocks(merged[index], block, (a, b) => (a + b) / 2);
  }
  return merged;
}

/** Two neighbouring blocks as one. */
export function mergeNeighbours(first: WorkingBlock, second: WorkingBlock): WorkingBlock {
  return joinBlocks(first, second, (a, b) => Math.floor((a + b) / 2));
}

/** The blocks of both sides after the merge search; both lists keep reading order. */
export function mergeForMatching(
  page: readonly WorkingBlock[],
  mockup: readonly WorkingBlock[],
  similarity: TextSimilarity,
): { page: WorkingBlock[]; mockup: WorkingBlock[] } {
  let pageBlocks = [...page];
  let mockupBlocks = [...mockup];
  for (;;) {
    let current = matchBlocks(pageBlocks, mockupBlocks, similarity).costs;
    const pageMerges = worthwhileMerges(pageBlocks, current, (trial) => matchBlocks(trial, mockupBlocks, similarity).costs);
    if (pageMerges.length > 0) {
      pageBlocks = applyMerges(pageBlocks, pageMerges);
      current = matchBlocks(pageBlocks, mockupBlocks, similarity).costs;
    }
    const mockupMerges = worthwhileMerges(mockupBlocks, current, (trial) => matchBlocks(pageBlocks, trial, similarity).costs);
    if (mockupMerges.length > 0) mockupBlocks = applyMerges(mockupBlocks, mockupMerges);
    if (pageMerges.length === 0 && mockupMerges.length === 0) return { page: pageBlocks, mockup: mockupBlocks };
  }
}

/**
 * How much better `updated` is than `current` (lists of matched costs; lower is better): the
 * costs both lists share (as multisets) are set aside, and the rest compared by their means.
 * Positive only when the mean fell and the lowest cost left in `current` is above the lowest left
 * in `updated`; otherwise 0 for a fall, or the (negative or zero) change.
 */
export function improvementOfMeans(current: readonly number[], updated: readonly number[]): number {
  const left = countsInOrder(current);
  const right = countsInOrder(updated);
  for (const [value, count] of left) {
    const other = right.get(value);
    if (other === undefined) continue;
    const common = Math.min(count, other);
    left.set(value, count - common);
    right.set(value, other - common);
  }
  const uniqueCurrent = expand(left);
  const uniqueUpdated = expand(right);
  const change = mean(uniqueCurrent) - mean(uniqueUpdated);
  if (change > 0) return Math.min(...uniqueCurrent) > Math.min(...uniqueUpdated) ? change : 0;
  return change;
}

interface Candidate {
  /** Merge block `first` with block `first + 1`. */
  readonly first: number;
  readonly gain: number;
}

function worthwhileMerges(blocks: readonly WorkingBlock[], current: readonly number[], costsWith: (trial: WorkingBlock[]) => readonly number[]): Candidate[] {
  if (blocks.length < 2) return [];
  const candidates: Candidate[] = [];
  for (let first = 0; first < blocks.length - 1; first++) {
    const trial = [...blocks.slice(0, first), mergeNeighbours(blocks[first], blocks[first + 1]), ...blocks.slice(first + 2)];
    const gain = improvementOfMeans(current, costsWith(trial));
    if (gain > MERGE_GAIN) candidates.push({ first, gain });
  }
  // Best first; equal gains keep their order (a stable sort, as Python's).
  return candidates.sort((a, b) => b.gain - a.gain);
}

/** Applies the candidates best first, each only if neither of its blocks was merged already. */
function applyMerges(blocks: readonly WorkingBlock[], candidates: readonly Candidate[]): WorkingBlock[] {
  const result = [...blocks];
  const absorbed = new Set<number>();
  let remaining = [...candidates];
  while (remaining.length > 0) {
    const { first } = remaining[0];
    const second = first + 1;
    result[first] = mergeNeighbours(result[first], result[second]);
    absorbed.add(second);
    remaining = remaining.slice(1).filter((other) => ![other.first, other.first + 1].some((index) => index === first || index === second));
  }
  return result.filter((_, index) => !absorbed.has(index));
}

function joinBlocks(first: WorkingBlock, second: WorkingBlock, average: (a: number, b: number) => number): WorkingBlock {
  const text = `${first.block.text} ${second.block.text}`;
  const block: MergedBlock = {
    text,
    box: unionBox(first.block.box, second.block.box),
    ...colourField(mixColours(first.block.color, second.block.color, average)),
    parts: [...first.block.parts, ...second.block.parts],
  };
  return { key: `${first.key} ${second.key}`, block, normalised: unionBox(first.normalised, second.normalised) };
}

/** Both colours averaged; one known colour kept (the reference always has both). */
function mixColours(first: RgbColour | undefined, second: RgbColour | undefined, average: (a: number, b: number) => number): RgbColour | undefined {
  if (!first || !second) return first ?? second;
  return { r: average(first.r, second.r), g: average(first.g, second.g), b: average(first.b, second.b) };
}

function colourField(color: RgbColour | undefined): { color?: RgbColour } {
  return color ? { color } : {};
}

/** Value → count, in the order values first appear (as Python's Counter). */
function countsInOrder(values: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

function expand(counts: Map<number, number>): number[] {
  const values: number[] = [];
  for (const [value, count] of counts) for (let k = 0; k < count; k++) values.push(value);
  return values;
}

/** The mean, summed left to right; 0 for no values (as the reference). */
function mean(values: readonly number[]): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}
