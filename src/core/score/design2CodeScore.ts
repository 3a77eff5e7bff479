// The Design2Code score of a generated page against its mockup (Si et al., "Design2Code:
// Benchmarking Multimodal Code Generation for Automated Front-End Engineering", NAACL 2025), on the
// text blocks of each side, computed as the reference implementation does
// (Design2Code/metrics/visual_score.py, visual_eval_v3_multi):
//
// 1. texts are trimmed and lower-cased; blocks with no text or no area inside their image are
//    left out (reported in `ignored`); boxes become fractions of their image;
// 2. blocks are merged (blockMerging.ts): equal boxes, then neighbours where that matches better;
// 3. the blocks are matched (blockMatching.ts): least summed −SequenceMatcher ratio, with the
//    context bonus; pairs whose ratio is under 0.5 are dropped;
// 4. the parts, each from 0 to 1 (as the visual score in visualScore.ts):
//    - blockMatch: the area of matched blocks (both sides) over the area of all blocks, matched
//      or not (areas as fractions of each block's own image);
//    - text: the mean, over matched pairs, of their SequenceMatcher ratio (character-level
//      Sørensen–Dice, sequenceMatcherRatio.ts);
//    - position: the mean of 1 − max(|Δx|, |Δy|) between the pair's normalised box centres;
//    - color: the mean of max(0, 1 − ΔE00 / 100) between the pair's text colours (ciede2000.ts).
//    Means are plain, not weighted by area. With no matched pair every part is 0, as in the
//    reference. `color` is null when pairs matched but none has a colour on both sides (the
//    reference always has colours; here a side may not know them).
// The reference's fifth part, CLIP similarity of the images with the text painted out, is not
// here: Glimpse keeps its own visual score (visualScore.ts) beside these.

import { CONTEXT_BONUS, CONTEXT_WINDOW, TextSimilarity, matchBlocks } from './blockMatching';
import { mergeForMatching, mergeSameBoxes, type MergedBlock, type WorkingBlock } from './blockMerging';
import { textColourSimilarity } from './ciede2000';
import { boxArea, boxCentre, checkColour, clipBox, normaliseBox, type BlockSet, type TextBlock } from './textBlocks';

/** Matched pairs whose text ratio is under this are dropped (the reference's 0.5). */
export const MATCH_THRESHOLD = 0.5;

export interface MatchedBlocks {
  readonly mockup: MergedBlock;
  readonly page: MergedBlock;
  /** SequenceMatcher ratio of the page's text against the mockup's (lower-cased), 0.5 to 1. */
  readonly text: number;
  /** 1 − max(|Δx|, |Δy|) of the normalised centres, 0 to 1. */
  readonly position: number;
  /** max(0, 1 − ΔE00 / 100) of the text colours; null unless both sides have one. */
  readonly color: number | null;
  /** The two blocks' areas as fractions of their images, added. */
  readonly area: number;
}

export interface Design2CodeScore {
  readonly blockMatch: number;
  readonly text: number;
  readonly position: number;
  readonly color: number | null;
  /** In the mockup's reading order. */
  readonly matches: readonly MatchedBlocks[];
  /** Mockup blocks (after merging) the page has no match for. */
  readonly missing: readonly MergedBlock[];
  /** Page blocks (after merging) that match nothing in the mockup. */
  readonly extra: readonly MergedBlock[];
  /** Blocks left out: no text, or no area inside their image. */
  readonly ignored: { readonly mockup: readonly TextBlock[]; readonly page: readonly TextBlock[] };
}

/** Both block lists in reading (document) order: merging only joins neighbours in that order. */
export function design2CodeScore(mockup: BlockSet, page: BlockSet): Design2CodeScore {
  const mockupSide = prepare(mockup);
  const pageSide = prepare(page);
  const ignored = { mockup: mockupSide.ignored, page: pageSide.ignored };
  const mockupBlocks = mergeSameBoxes(mockupSide.blocks);
  const pageBlocks = mergeSameBoxes(pageSide.blocks);
  if (mockupBlocks.length === 0 || pageBlocks.length === 0) return nothingMatched(mockupBlocks, pageBlocks, ignored);

  const similarity = new TextSimilarity();
  const merged = mergeForMatching(pageBlocks, mockupBlocks, similarity);
  const matching = matchBlocks(merged.page, merged.mockup, similarity, { bonus: CONTEXT_BONUS, window: CONTEXT_WINDOW });
  const kept = matching.pairs
    .map((pair) => ({ ...pair, text: similarity.ratio(merged.page[pair.page].key, merged.mockup[pair.mockup].key) }))
    .filter((pair) => pair.text >= MATCH_THRESHOLD)
    .sort((a, b) => a.mockup - b.mockup);
  if (kept.length === 0) return nothingMatched(merged.mockup, merged.page, ignored);

  const matches: MatchedBlocks[] = kept.map((pair) => {
    const pageBlock = merged.page[pair.page];
    const mockupBlock = merged.mockup[pair.mockup];
    const pageCentre = boxCentre(pageBlock.normalised);
    const mockupCentre = boxCentre(mockupBlock.normalised);
    const pageColour = pageBlock.block.color;
    const mockupColour = mockupBlock.block.color;
    return {
      mockup: mockupBlock.block,
      page: pageBlock.block,
      text: pair.text,
      position: 1 - Math.max(Math.abs(pageCentre.x - mockupCentre.x), Math.abs(pageCentre.y - mockupCentre.y)),
      color: pageColour && mockupColour ? textColourSimilarity(pageColour, mockupColour) : null,
      area: boxArea(pageBlock.normalised) + boxArea(mockupBlock.normalised),
    };
  });
  const matchedMockup = new Set(kept.map((pair) => pair.mockup));
  const matchedPage = new Set(kept.map((pair) => pair.page));
  const missing = merged.mockup.filter((_, index) => !matchedMockup.has(index));
  const extra = merged.page.filter((_, index) => !matchedPage.has(index));
  const unmatchedArea = sum([...missing, ...extra].map((block) => boxArea(block.normalised)));
  const matchedArea = sum(matches.map((match) => match.area));
  const colours = matches.flatMap((match) => (match.color === null ? [] : [match.color]));

  return {
    blockMatch: matchedArea / (unmatchedArea + matchedArea),
    text: mean(matches.map((match) => match.text)),
    position: mean(matches.map((match) => match.position)),
    color: colours.length > 0 ? mean(colours) : null,
    matches,
    missing: missing.map((block) => block.block),
    extra: extra.map((block) => block.block),
    ignored,
  };
}

function prepare(set: BlockSet): { blocks: WorkingBlock[]; ignored: TextBlock[] } {
  const blocks: WorkingBlock[] = [];
  const ignored: TextBlock[] = [];
  for (const original of set.blocks) {
    const normalised = normaliseBox(original.box, set.size);
    if (original.color) checkColour(original.color);
    const text = original.text.trim();
    if (text.length === 0 || boxArea(normalised) === 0) {
      ignored.push(original);
      continue;
    }
    const block: MergedBlock = { text, box: clipBox(original.box, set.size), ...(original.color ? { color: original.color } : {}), parts: [original] };
    blocks.push({ key: text.toLowerCase(), block, normalised });
  }
  return { blocks, ignored };
}

function nothingMatched(mockup: readonly WorkingBlock[], page: readonly WorkingBlock[], ignored: Design2CodeScore['ignored']): Design2CodeScore {
  return { blockMatch: 0, text: 0, position: 0, color: 0, matches: [], missing: mockup.map((b) => b.block), extra: page.map((b) => b.block), ignored };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function mean(values: readonly number[]): number {
  return sum(values) / values.length;
}
