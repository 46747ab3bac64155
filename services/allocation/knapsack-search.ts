import { LpBounds } from './knapsack-bounds';

/**
 * A candidate set, indices ascending in canonical order. `set: null` means "a set of this value
 * and weight exists, but search again for it": the first such set met then wins the tie.
 */
export interface Incumbent {
  set: number[] | null;
  value: number;
  weight: number;
}

/** What a search returns: the best set met, nodes visited, and whether it searched everything. */
export interface SearchResult {
  best: Incumbent;
  nodes: number;
  complete: boolean;
}

/**
 * Depth-first branch and bound over items already in canonical order, include-branch first, so
 * sets are met in lexicographically decreasing order and the first optimum met wins ties.
 *
 * Iterative, with the included items as the only stack: a node is (next item k, the items
 * included so far); its exclude branch is a tail step, and backtracking pops the latest included
 * item and takes its exclude branch. Memory is O(n) and nothing recurses, whatever n is.
 *
 * A node is pruned when the LP bound of what is left cannot reach the incumbent's value, or can
 * only equal it with no fewer kronor than the incumbent (a full tie met later loses). Items that
 * no longer fit are stepped over without a node of their own: the next fitting item's bounds are
 * never weaker. Stops after `nodeLimit` nodes with `complete: false` and the best set so far.
 */
export function branchAndBound(
  w: readonly number[],
  v: readonly number[],
  capacity: number,
  start: Incumbent,
  nodeLimit: number,
): SearchResult {
  const n = w.length;
  const lp = new LpBounds(w, v);
  const nextFit = new NextFitting(w);
  // The best set is copied into a buffer on each improvement (a native block copy).
  const bestSet = new Int32Array(n);
  let bestLen = -1; // -1: no set yet (start.set === null)
  if (start.set !== null) {
    bestSet.set(start.set);
    bestLen = start.set.length;
  }
  let bestV = start.value;
  let bestW = start.weight;

  const stack = new Int32Array(n);
  let depth = 0;
  let k = 0;
  let rem = capacity;
  let curV = 0;
  let curW = 0;
  let nodes = 0;
  let complete = true;
  for (;;) {
    if (nodes >= nodeLimit) {
      complete = false;
      break;
    }
    nodes++;
    k = nextFit.from(k, rem);
    let descend = false;
    if (k < n) {
      const ub = curV + lp.upper(k, rem);
      if (ub > bestV) descend = true;
      else if (ub === bestV) {
        // Only an equally valuable set that costs less can still win.
        const minWeight = curW + lp.minWeight(k, bestV - curV);
        descend = minWeight < bestW || (minWeight === bestW && bestLen < 0);
      }
    }
    if (descend) {
      stack[depth++] = k;
      rem -= w[k];
      curV += v[k];
      curW += w[k];
      if (curV > bestV || (curV === bestV && (curW < bestW || (curW === bestW && bestLen < 0)))) {
        bestSet.set(stack.subarray(0, depth));
        bestLen = depth;
        bestV = curV;
        bestW = curW;
      }
      k++;
      continue;
    }
    // Backtrack: the exclude branch of the latest included item.
    if (depth === 0) break;
    const j = stack[--depth];
    rem += w[j];
    curV -= v[j];
    curW -= w[j];
    k = j + 1;
  }
  if (bestLen < 0) {
    // Nothing reached the required value: only possible when that value is 0 (the empty set).
    if (complete && bestV > 0) throw new Error('branch and bound lost its incumbent');
    return { best: { set: [], value: 0, weight: 0 }, nodes, complete };
  }
  const set = Array.from(bestSet.subarray(0, bestLen));
  return { best: { set, value: bestV, weight: bestW }, nodes, complete };
}

/**
 * "First item at or after k that weighs at most `rem`", in O(log n): a segment tree of minimum
 * weights. Lets the search step over runs of items too large for what is left in one step.
 */
class NextFitting {
  private readonly size: number;
  private readonly min: Float64Array;

  constructor(private readonly w: readonly number[]) {
    let size = 1;
    while (size < w.length) size <<= 1;
    this.size = size;
    this.min = new Float64Array(2 * size).fill(Infinity);
    for (let i = 0; i < w.length; i++) this.min[size + i] = w[i];
    for (let i = size - 1; i >= 1; i--)
      this.min[i] = Math.min(this.min[2 * i], this.min[2 * i + 1]);
  }

  /** The first index ≥ k whose weight is ≤ rem, or n when there is none. */
  from(k: number, rem: number): number {
    const n = this.w.length;
    if (k >= n) return n;
    if (this.w[k] <= rem) return k;
    // Walk up from leaf k until a right sibling subtree holds a fitting weight, then walk down.
    let node = this.size + k;
    for (;;) {
      if (node === 1) return n;
      if ((node & 1) === 0 && this.min[node + 1] <= rem) {
        node += 1;
        break;
      }
      node >>= 1;
    }
    while (node < this.size) node = this.min[2 * node] <= rem ? 2 * node : 2 * node + 1;
    const i = node - this.size;
    return i < n ? i : n;
  }
}
