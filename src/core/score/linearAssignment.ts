// The linear sum assignment problem on a rectangular cost matrix: pair each row with a distinct
// column (as many pairs as the smaller side has) so that the summed cost is least. Design2Code
// matches text blocks with scipy's `linear_sum_assignment`; this is the same method, a shortest
// augmenting path solver in the Jonker–Volgenant family (Crouse, "On implementing 2D rectangular
// assignment algorithms", IEEE TAES 52(4), 2016), exact, O(n²·m) for n ≤ m. It also breaks ties the
// way scipy does, so that equal-cost choices (frequent with text similarities) fall the same way:
// a wide matrix is solved as it is and a tall one transposed; each search scans the free columns
// from the last to the first, and among equally short paths prefers one that ends at an
// unassigned column. A constant matrix gives the identity.

export interface Assignment {
  /** Row indices, ascending. */
  readonly rows: readonly number[];
  /** columns[k] is the column paired with rows[k]. */
  readonly columns: readonly number[];
}

export interface AssignmentOptions {
  /** Find the largest summed value instead of the least. */
  readonly maximise?: boolean;
}

/**
 * `cost[row][column]`; every row the same length. Entries may be +Infinity (a pair that must not
 * be made); NaN and −Infinity are refused, and so is a matrix whose rows cannot all (or, when it
 * is tall, whose columns cannot all) be paired at a finite cost.
 */
export function solveLinearAssignment(cost: readonly (readonly number[])[], options: AssignmentOptions = {}): Assignment {
  const rowCount = cost.length;
  const columnCount = rowCount === 0 ? 0 : cost[0].length;
  for (const row of cost) {
    if (row.length !== columnCount) throw new RangeError(`a cost matrix needs rows of one length; found rows of ${columnCount} and ${row.length}`);
  }
  if (rowCount === 0 || columnCount === 0) return { rows: [], columns: [] };

  // Solve with no more rows than columns: a tall matrix is transposed.
  const transposed = rowCount > columnCount;
  const n = transposed ? columnCount : rowCount;
  const m = transposed ? rowCount : columnCount;
  const sign = options.maximise ? -1 : 1;
  const matrix = new Float64Array(n * m);
  for (let row = 0; row < rowCount; row++) {
    for (let column = 0; column < columnCount; column++) {
      const value = sign * cost[row][column];
      if (Number.isNaN(value) || value === -Infinity) {
        throw new RangeError(`cost[${row}][${column}] is ${cost[row][column]}: a cost must be a number, and only +Infinity (${options.maximise ? 'here −Infinity, as the values are maximised' : 'a forbidden pair'}) may be infinite`);
      }
      if (transposed) matrix[column * m + row] = value;
      else matrix[row * m + column] = value;
    }
  }

  const columnOfRow = solveWide(n, m, matrix);

  if (!transposed) return { rows: Array.from({ length: n }, (_, row) => row), columns: Array.from(columnOfRow) };
  // Transposed: the solver's rows are the caller's columns. Order the pairs by the caller's row.
  const order = Array.from({ length: n }, (_, index) => index).sort((a, b) => columnOfRow[a] - columnOfRow[b]);
  return { rows: order.map((index) => columnOfRow[index]), columns: order };
}

/** n ≤ m, `matrix` row-major n×m. Returns the column assigned to each row. */
function solveWide(n: number, m: number, matrix: Float64Array): Int32Array {
  const rowPotential = new Float64Array(n);
  const columnPotential = new Float64Array(m);
  const columnOfRow = new Int32Array(n).fill(-1);
  const rowOfColumn = new Int32Array(m).fill(-1);
  const search: PathSearch = {
    pathLength: new Float64Array(m),
    previousRow: new Int32Array(m).fill(-1),
    rowReached: new Uint8Array(n),
    columnReached: new Uint8Array(m),
    unreached: new Int32Array(m),
  };

  for (let start = 0; start < n; start++) {
    const { sink, length } = shortestAugmentingPath(start, n, m, matrix, rowPotential, columnPotential, rowOfColumn, search);
    if (sink < 0) throw new RangeError('no assignment has a finite cost: some row can only be paired with forbidden (infinite) entries');

    // Keep the reduced costs non-negative and those along assigned pairs zero.
    rowPotential[start] += length;
    for (let row = 0; row < n; row++) {
      if (search.rowReached[row] && row !== start) rowPotential[row] += length - search.pathLength[columnOfRow[row]];
    }
    for (let column = 0; column < m; column++) {
      if (search.columnReached[column]) columnPotential[column] -= length - search.pathLength[column];
    }

    // Flip the path: each row on it takes the column it was reached through.
    let column = sink;
    for (;;) {
      const row = search.previousRow[column];
      rowOfColumn[column] = row;
      const given = columnOfRow[row];
      columnOfRow[row] = column;
      column = given;
      if (row === start) break;
    }
  }
  return columnOfRow;
}

interface PathSearch {
  /** Length of the shortest alternating path found so far to each column (reduced costs). */
  readonly pathLength: Float64Array;
  /** The row each column is reached from on that path. */
  readonly previousRow: Int32Array;
  readonly rowReached: Uint8Array;
  readonly columnReached: Uint8Array;
  /** Columns not yet reached; only the first `count` entries are live. */
  readonly unreached: Int32Array;
}

/** Dijkstra over reduced costs from `start` to the nearest unassigned column. sink −1: none at a finite length. */
function shortestAugmentingPath(
  start: number,
  n: number,
  m: number,
  matrix: Float64Array,
  rowPotential: Float64Array,
  columnPotential: Float64Array,
  rowOfColumn: Int32Array,
  search: PathSearch,
): { sink: number; length: number } {
  const { pathLength, previousRow, rowReached, columnReached, unreached } = search;
  pathLength.fill(Infinity);
  rowReached.fill(0, 0, n);
  columnReached.fill(0, 0, m);
  // Last column first: with this order a constant matrix is solved by the identity, as in scipy.
  for (let k = 0; k < m; k++) unreached[k] = m - 1 - k;
  let count = m;
  let reachedLength = 0;
  let row = start;

  for (;;) {
    rowReached[row] = 1;
    let nearest = -1;
    let nearestLength = Infinity;
    const offset = row * m;
    for (let k = 0; k < count; k++) {
      const column = unreached[k];
      const length = reachedLength + matrix[offset + column] - rowPotential[row] - columnPotential[column];
      if (length < pathLength[column]) {
        previousRow[column] = row;
        pathLength[column] = length;
      }
      // On a tie, prefer a column that ends the path (an unassigned one).
      if (pathLength[column] < nearestLength || (pathLength[column] === nearestLength && rowOfColumn[column] === -1)) {
        nearestLength = pathLength[column];
        nearest = k;
      }
    }
    if (nearestLength === Infinity) return { sink: -1, length: Infinity };
    reachedLength = nearestLength;
    const column = unreached[nearest];
    columnReached[column] = 1;
    unreached[nearest] = unreached[--count];
    if (rowOfColumn[column] === -1) return { sink: column, length: reachedLength };
    row = rowOfColumn[column];
  }
}
