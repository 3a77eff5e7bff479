// The text similarity Design2Code matches blocks by and scores their text with: Python difflib's
// `SequenceMatcher(None, a, b).ratio()`, reproduced exactly. It is 2·M / (|a| + |b|), where M is the
// number of characters in the matching blocks SequenceMatcher finds: the longest common run, then
// recursively the longest runs left of it and right of it. That is the character-level
// Sørensen–Dice coefficient the paper names ("twice the number of overlapping characters divided
// by the total number of characters"), with overlap counted in order, not as a bag of letters.
//
// Exact means with difflib's quirks, since they change scores:
// - characters are Unicode code points (as Python's str), not UTF-16 units;
// - among longest runs, the one starting earliest in `a`, then earliest in `b`, is taken;
// - "autojunk": when `b` has 200 characters or more, a character making up more than 1% of it
//   (more than ⌊|b|/100⌋ + 1 times) cannot start or be inside a run found by the search, only be
//   added when a run is extended at its ends. So the ratio is not symmetric: ratio(a, b) can differ
//   from ratio(b, a) (e.g. "tide"/"diet" 0.25, "diet"/"tide" 0.5).
// Two empty strings have ratio 1.

export interface SequenceMatcherOptions {
  /** difflib's `autojunk` (default true, as in difflib and in Design2Code). */
  readonly autojunk?: boolean;
}

export function sequenceMatcherRatio(a: string, b: string, options: SequenceMatcherOptions = {}): number {
  const first = Array.from(a);
  const second = Array.from(b);
  const total = first.length + second.length;
  if (total === 0) return 1;
  return (2 * matchingCharacters(first, second, options.autojunk ?? true)) / total;
}

/** The summed size of difflib's matching blocks of `a` against `b`. */
export function matchingCharacters(a: readonly string[], b: readonly string[], autojunk = true): number {
  const positionsInB = indexOfB(b, autojunk);
  let matched = 0;
  const pending: Array<[number, number, number, number]> = [[0, a.length, 0, b.length]];
  while (pending.length > 0) {
    const [aLow, aHigh, bLow, bHigh] = pending.pop()!;
    const [i, j, size] = longestMatch(a, b, positionsInB, aLow, aHigh, bLow, bHigh);
    if (size === 0) continue;
    matched += size;
    if (aLow < i && bLow < j) pending.push([aLow, i, bLow, j]);
    if (i + size < aHigh && j + size < bHigh) pending.push([i + size, aHigh, j + size, bHigh]);
  }
  return matched;
}

/** For each character of `b`, its positions, ascending; with autojunk, popular characters left out. */
function indexOfB(b: readonly string[], autojunk: boolean): Map<string, number[]> {
  const positions = new Map<string, number[]>();
  b.forEach((character, index) => {
    const list = positions.get(character);
    if (list) list.push(index);
    else positions.set(character, [index]);
  });
  if (autojunk && b.length >= 200) {
    const most = Math.floor(b.length / 100) + 1;
    for (const [character, list] of positions) if (list.length > most) positions.delete(character);
  }
  return positions;
}

/** difflib's find_longest_match with no junk function: [start in a, start in b, size]. */
function longestMatch(
  a: readonly string[],
  b: readonly string[],
  positionsInB: Map<string, number[]>,
  aLow: number,
  aHigh: number,
  bLow: number,
  bHigh: number,
): [number, number, number] {
  let bestI = aLow;
  let bestJ = bLow;
  let bestSize = 0;
  // runEndingAt.get(j): length of the run of matches ending at a[i - 1], b[j].
  let runEndingAt = new Map<number, number>();
  for (let i = aLow; i < aHigh; i++) {
    const next = new Map<number, number>();
    for (const j of positionsInB.get(a[i]) ?? []) {
      if (j < bLow) continue;
      if (j >= bHigh) break;
      const size = (runEndingAt.get(j - 1) ?? 0) + 1;
      next.set(j, size);
      if (size > bestSize) {
        bestI = i - size + 1;
        bestJ = j - size + 1;
        bestSize = size;
      }
    }
    runEndingAt = next;
  }
  // Extend over equal characters the index left out (popular ones), both ways.
  while (bestI > aLow && bestJ > bLow && a[bestI - 1] === b[bestJ - 1]) {
    bestI--;
    bestJ--;
    bestSize++;
  }
  while (bestI + bestSize < aHigh && bestJ + bestSize < bHigh && a[bestI + bestSize] === b[bestJ + bestSize]) bestSize++;
  return [bestI, bestJ, bestSize];
}
