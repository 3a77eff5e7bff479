// The assignment solver (src/core/score/linearAssignment.ts): the least summed cost, found by
// trying every assignment on random matrices up to 7×7, square, wide and tall; maximising; the
// shape of the answer; scipy's tie rule (a constant matrix gives the identity); forbidden pairs and
// the matrices it refuses.

import assert from 'node:assert/strict';
import { solveLinearAssignment, type Assignment } from '../../../src/core/score/linearAssignment';

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The best summed cost over every way to pair min(rows, columns) rows with distinct columns. */
function bruteForce(cost: number[][], better: (a: number, b: number) => boolean): number {
  const rows = cost.length;
  const columns = cost[0].length;
  const tall = rows > columns;
  const small = tall ? columns : rows;
  const large = tall ? rows : columns;
  const at = (s: number, l: number): number => (tall ? cost[l][s] : cost[s][l]);
  let best = NaN;
  const used = new Array<boolean>(large).fill(false);
  const walk = (s: number, total: number): void => {
    if (s === small) {
      if (Number.isNaN(best) || better(total, best)) best = total;
      return;
    }
    for (let l = 0; l < large; l++) {
      if (used[l]) continue;
      used[l] = true;
      walk(s + 1, total + at(s, l));
      used[l] = false;
    }
  };
  walk(0, 0);
  return best;
}

function checkShape(result: Assignment, rows: number, columns: number): void {
  assert.equal(result.rows.length, Math.min(rows, columns));
  assert.equal(result.columns.length, result.rows.length);
  assert.deepEqual([...result.rows], [...result.rows].sort((a, b) => a - b), 'rows ascending');
  assert.equal(new Set(result.rows).size, result.rows.length, 'distinct rows');
  assert.equal(new Set(result.columns).size, result.columns.length, 'distinct columns');
  for (const row of result.rows) assert.ok(row >= 0 && row < rows);
  for (const column of result.columns) assert.ok(column >= 0 && column < columns);
}

function total(cost: number[][], result: Assignment): number {
  return result.rows.reduce((sum, row, k) => sum + cost[row][result.columns[k]], 0);
}

describe('solveLinearAssignment', () => {
  it('finds the least summed cost on random matrices of every shape up to 7×7, as trying every assignment does', () => {
    const next = random(18);
    let checked = 0;
    for (let rows = 1; rows <= 7; rows++) {
      for (let columns = 1; columns <= 7; columns++) {
        for (let trial = 0; trial < 6; trial++) {
          // Half real-valued, half small integers (many ties).
          const cost = Array.from({ length: rows }, () => Array.from({ length: columns }, () => (trial % 2 ? Math.floor(next() * 4) : next() * 20 - 10)));
          const result = solveLinearAssignment(cost);
          checkShape(result, rows, columns);
          const best = bruteForce(cost, (a, b) => a < b);
          assert.ok(Math.abs(total(cost, result) - best) < 1e-9, `${rows}×${columns} ${JSON.stringify(cost)}: ${total(cost, result)}, best ${best}`);
          checked++;
        }
      }
    }
    assert.equal(checked, 294);
  });

  it('finds the largest summed value when asked to maximise, as with text similarities', () => {
    const next = random(7);
    for (const [rows, columns] of [[3, 3], [4, 6], [6, 4], [7, 7], [2, 7], [7, 1]]) {
      const similarity = Array.from({ length: rows }, () => Array.from({ length: columns }, () => Math.round(next() * 100) / 100));
      const result = solveLinearAssignment(similarity, { maximise: true });
      checkShape(result, rows, columns);
      assert.ok(Math.abs(total(similarity, result) - bruteForce(similarity, (a, b) => a > b)) < 1e-9);
    }
  });

  it("solves scipy's documented example", () => {
    assert.deepEqual(solveLinearAssignment([[4, 1, 3], [2, 0, 5], [3, 2, 2]]), { rows: [0, 1, 2], columns: [1, 0, 2] });
  });

  it('pairs a constant matrix by the identity, square, wide or tall (scipy\'s tie rule)', () => {
    const constant = (rows: number, columns: number): number[][] => Array.from({ length: rows }, () => new Array<number>(columns).fill(-1));
    assert.deepEqual(solveLinearAssignment(constant(4, 4)), { rows: [0, 1, 2, 3], columns: [0, 1, 2, 3] });
    assert.deepEqual(solveLinearAssignment(constant(2, 5)), { rows: [0, 1], columns: [0, 1] });
    assert.deepEqual(solveLinearAssignment(constant(5, 2)), { rows: [0, 1], columns: [0, 1] });
  });

  it('orders the pairs of a tall matrix by row', () => {
    // Column 0 wants row 3, column 1 wants row 1.
    const result = solveLinearAssignment([[9, 9], [9, 0], [9, 9], [0, 9]]);
    assert.deepEqual(result, { rows: [1, 3], columns: [1, 0] });
  });

  it('avoids forbidden (+Infinity) pairs and refuses a matrix with no finite assignment', () => {
    assert.deepEqual(solveLinearAssignment([[Infinity, 5], [1, Infinity]]), { rows: [0, 1], columns: [1, 0] });
    assert.throws(() => solveLinearAssignment([[Infinity, Infinity], [1, 2]]), /no assignment has a finite cost/);
  });

  it('refuses NaN, −Infinity and ragged rows, and answers an empty matrix with no pairs', () => {
    assert.throws(() => solveLinearAssignment([[1, NaN]]), /cost\[0\]\[1\] is NaN/);
    assert.throws(() => solveLinearAssignment([[-Infinity]]), /cost\[0\]\[0\]/);
    assert.throws(() => solveLinearAssignment([[Infinity]], { maximise: true }), /cost\[0\]\[0\]/);
    assert.throws(() => solveLinearAssignment([[1, 2], [3]]), /rows of one length/);
    assert.deepEqual(solveLinearAssignment([]), { rows: [], columns: [] });
    assert.deepEqual(solveLinearAssignment([[], []]), { rows: [], columns: [] });
  });
});
