/** One candidate for the exact solver: whole-krona weight, integer value, unique tie-break key. */
export interface KnapsackEntry {
  weight: number;
  value: number;
  key: string;
}

/** The solver's answer: indices into the entries it was given, ascending. */
export interface KnapsackSolution {
  chosen: number[];
  value: number;
  weight: number;
  /** Branch-and-bound nodes visited, a measure of how hard the instance was. */
  nodes: number;
}

/** Tuning of the solver's phases; the defaults suit allocation, tests force the other paths. */
export interface KnapsackOptions {
  /** Nodes of plain branch and bound before reducing the instance (default 200 000). */
  nodeLimit?: number;
  /** Largest reduced core solved by meet-in-the-middle (default 36). */
  mitmMaxItems?: number;
}

/** Thrown when entries or capacity are outside what the exact solver can guarantee. */
export class KnapsackInputError extends Error {}

/**
 * Solves a 0/1 knapsack exactly, so the allocation proposal is the true optimum and not a
 * heuristic: branch and bound in the Horowitz–Sahni style (items in order of value density, the
 * Dantzig fractional bound from prefix sums and binary search, a greedy incumbent to start). When
 * that needs more than NODE_LIMIT nodes — subset-sum-like instances where many items share one
 * value per krona — the items whose flip provably loses are fixed by LP bounds against the best
 * set found, and the remaining core is solved exactly by meet-in-the-middle (or, if the core is
 * large, by unlimited branch and bound). Weights are used as given, in whole kronor, never rounded.
 *
 * Ties are broken deterministically, independent of input order: higher total value, then lower
 * total weight, then the set that is lexicographically greatest as an include/exclude vector
 * over the canonical order (value per krona descending, weight descending, key ascending) — i.e.
 * prefer including the item that comes first in that order (large items first: in a run of equal
 * value per krona, trying big items first finds exact fills much sooner). That is exactly the first optimum
 * an include-first depth-first search meets, so equal-value sets can be pruned; a rule that
 * compared sorted key lists instead made subset-sum-like instances search for minutes.
 */
export function solveKnapsack(
  entries: readonly KnapsackEntry[],
  capacity: number,
  options: KnapsackOptions = {},
): KnapsackSolution {
  const nodeLimit = options.nodeLimit ?? NODE_LIMIT;
  const mitmMaxItems = options.mitmMaxItems ?? MITM_MAX_ITEMS;
  if (!Number.isSafeInteger(capacity) || capacity < 0) {
    throw new KnapsackInputError(`capacity must be a non-negative whole number: ${capacity}`);
  }
  let valueSum = 0;
  for (const e of entries) {
    if (!Number.isSafeInteger(e.weight) || e.weight <= 0) {
      throw new KnapsackInputError(`weight must be a positive whole number: ${e.weight}`);
    }
    if (!Number.isSafeInteger(e.value) || e.value < 0) {
      throw new KnapsackInputError(`value must be a non-negative whole number: ${e.value}`);
    }
    valueSum += e.value;
  }
  if (!Number.isSafeInteger(valueSum)) {
    throw new KnapsackInputError('total value too large for exact arithmetic');
  }

  // Items that can never fit, or add nothing, are never in the optimum under our tie rule.
  const order = entries
    .map((_, i) => i)
    .filter((i) => entries[i].weight <= capacity && entries[i].value > 0)
    .sort((a, b) => compareByDensity(entries[a], entries[b]));
  const w = order.map((i) => entries[i].weight);
  const v = order.map((i) => entries[i].value);

  // Greedy incumbent: each item, in canonical order, that still fits. It is the lexicographically
  // greatest feasible set, so the tie rule lets it stand against later equal finds.
  const greedy: number[] = [];
  let greedyW = 0;
  let greedyV = 0;
  for (let k = 0; k < w.length; k++) {
    if (greedyW + w[k] <= capacity) {
      greedy.push(k);
      greedyW += w[k];
      greedyV += v[k];
    }
  }

  const first = branchAndBound(
    w,
    v,
    capacity,
    { set: greedy, value: greedyV, weight: greedyW },
    nodeLimit,
  );
  let result = first.best;
  let nodes = first.nodes;
  if (!first.complete) {
    // Hard instance (typically many items with the same value per krona: subset-sum-like).
    // Fix every item whose flip provably drops below the incumbent, then solve the rest exactly.
    const { fixedIn, core } = reduce(w, v, capacity, first.best.value);
    const fixedW = fixedIn.reduce((a, k) => a + w[k], 0);
    const fixedV = fixedIn.reduce((a, k) => a + v[k], 0);
    const cw = core.map((k) => w[k]);
    const cv = core.map((k) => v[k]);
    const floor = first.best.value - fixedV;
    const solved =
      core.length <= mitmMaxItems
        ? meetInTheMiddle(cw, cv, capacity - fixedW)
        : branchAndBound(
            cw,
            cv,
            capacity - fixedW,
            { set: null, value: floor, weight: first.best.weight - fixedW },
            Infinity,
          );
    nodes += solved.nodes;
    const set = [...fixedIn, ...(solved.best.set ?? []).map((c) => core[c])].sort((a, b) => a - b);
    result = { set, value: fixedV + solved.best.value, weight: fixedW + solved.best.weight };
  }

  return {
    chosen: (result.set ?? []).map((k) => order[k]).sort((a, b) => a - b),
    value: result.value,
    weight: result.weight,
    nodes,
  };
}

/** Nodes the plain branch and bound may visit before the solver reduces the instance. */
const NODE_LIMIT = 200_000;

/** Largest core solved by meet-in-the-middle (2 × 2^18 partial sums). */
const MITM_MAX_ITEMS = 36;

/**
 * A candidate set, indices ascending in canonical order. `set: null` means "a set of this value
 * and weight exists, but search again for it": the first such set met then wins the tie.
 */
interface Incumbent {
  set: number[] | null;
  value: number;
  weight: number;
}

/**
 * Depth-first branch and bound over items already in canonical order, include-branch first, so
 * sets are met in lexicographically decreasing order and the first optimum met wins ties.
 */
function branchAndBound(
  w: readonly number[],
  v: readonly number[],
  capacity: number,
  start: Incumbent,
  nodeLimit: number,
): { best: Incumbent; nodes: number; complete: boolean } {
  const n = w.length;
  // Value per krona when it is a whole number (always, for our value measure): exact and cheap.
  const wholeDensity = w.map((wk, k) => (v[k] % wk === 0 ? v[k] / wk : -1));
  /** floor(left × v[k] / w[k]), exactly. */
  const fraction = (left: number, k: number): number =>
    wholeDensity[k] >= 0 ? left * wholeDensity[k] : mulDivFloor(left, v[k], w[k]);
  const prefixW = new Array<number>(n + 1).fill(0);
  const prefixV = new Array<number>(n + 1).fill(0);
  for (let k = 0; k < n; k++) {
    prefixW[k + 1] = prefixW[k] + w[k];
    prefixV[k + 1] = prefixV[k] + v[k];
  }
  let best = start.set;
  let bestV = start.value;
  let bestW = start.weight;

  /** Dantzig bound: the LP optimum of items k.. with capacity rem, rounded down safely. */
  const lpBound = (k: number, rem: number): number => {
    const base = prefixW[k];
    let lo = k;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (prefixW[mid] - base <= rem) lo = mid;
      else hi = mid - 1;
    }
    const whole = prefixV[lo] - prefixV[k];
    if (lo === n) return whole;
    return whole + fraction(rem - (prefixW[lo] - base), lo);
  };

  const stack: number[] = [];
  let nodes = 0;
  let aborted = false;
  const visit = (k: number, rem: number, curV: number, curW: number): void => {
    if (++nodes > nodeLimit) {
      aborted = true;
      return;
    }
    if (k === n) return;
    const ub = curV + lpBound(k, rem);
    if (ub < bestV) return;
    if (ub === bestV) {
      // Only an equally valuable set that costs less can still win (a full tie found later
      // loses); each further krona adds at most v[k] / w[k] of value, so reaching bestV needs at least
      // this much more weight.
      const minWeight = curW + mulDivCeil(bestV - curV, w[k], v[k]);
      if (minWeight > bestW || (minWeight === bestW && best !== null)) return;
    }
    if (w[k] <= rem) {
      stack.push(k);
      const value = curV + v[k];
      const weight = curW + w[k];
      if (
        value > bestV ||
        (value === bestV && (weight < bestW || (weight === bestW && best === null)))
      ) {
        best = stack.slice();
        bestV = value;
        bestW = weight;
      }
      visit(k + 1, rem - w[k], value, weight);
      stack.pop();
      if (aborted) return;
    }
    visit(k + 1, rem, curV, curW);
  };
  visit(0, capacity, 0, 0);
  if (best === null) {
    // Nothing reached the required value: only possible when that value is 0 (the empty set).
    if (!aborted && bestV > 0) throw new Error('branch and bound lost its incumbent');
    return { best: { set: [], value: 0, weight: 0 }, nodes, complete: !aborted };
  }
  return { best: { set: best, value: bestV, weight: bestW }, nodes, complete: !aborted };
}

/** LP optimum over items in canonical order, skipping one item, with capacity `cap`. */
function lpWithout(w: readonly number[], v: readonly number[], skip: number, cap: number): number {
  let rem = cap;
  let value = 0;
  for (let k = 0; k < w.length; k++) {
    if (k === skip) continue;
    if (w[k] <= rem) {
      rem -= w[k];
      value += v[k];
    } else {
      return value + mulDivFloor(rem, v[k], w[k]);
    }
  }
  return value;
}

/**
 * Variable fixing: an item whose inclusion (exclusion) bounds every such set strictly below the
 * incumbent value is out (in) of every set that is at least as good, so of the optimum too.
 */
function reduce(
  w: readonly number[],
  v: readonly number[],
  capacity: number,
  incumbentValue: number,
): { fixedIn: number[]; core: number[] } {
  const fixedIn: number[] = [];
  const core: number[] = [];
  for (let k = 0; k < w.length; k++) {
    const ifIn = v[k] + lpWithout(w, v, k, capacity - w[k]);
    const ifOut = lpWithout(w, v, k, capacity);
    if (ifIn < incumbentValue) continue;
    if (ifOut < incumbentValue) fixedIn.push(k);
    else core.push(k);
  }
  return { fixedIn, core };
}

/**
 * Exact solve of a small core by meet-in-the-middle: all subsets of each half, the second half
 * sorted by weight with the best prefix kept under the tie rule (value, then weight, then the
 * lexicographically greatest set, encoded as a bit mask with the first item as the highest bit).
 */
function meetInTheMiddle(
  w: readonly number[],
  v: readonly number[],
  capacity: number,
): { best: Incumbent; nodes: number } {
  const m = w.length;
  const h = m >> 1;
  const half = (from: number, to: number) => {
    const size = to - from;
    const count = 2 ** size;
    const hw = new Float64Array(count);
    const hv = new Float64Array(count);
    for (let mask = 1; mask < count; mask++) {
      const low = 31 - Math.clz32(mask & -mask); // lowest set bit = item (to - 1 - low)
      const prev = mask & (mask - 1);
      hw[mask] = hw[prev] + w[to - 1 - low];
      hv[mask] = hv[prev] + v[to - 1 - low];
    }
    return { hw, hv, count };
  };
  const a = half(0, h);
  const b = half(h, m);

  // Second half: masks sorted by weight, then best-so-far under the tie rule.
  const sorted = Array.from({ length: b.count }, (_, i) => i)
    .filter((i) => b.hw[i] <= capacity)
    .sort((x, y) => b.hw[x] - b.hw[y]);
  const bestUpTo = new Array<number>(sorted.length);
  for (let j = 0; j < sorted.length; j++) {
    const cand = sorted[j];
    const prev = j > 0 ? bestUpTo[j - 1] : -1;
    bestUpTo[j] =
      prev < 0 || beats(b.hv[cand], b.hw[cand], cand, b.hv[prev], b.hw[prev], prev) ? cand : prev;
  }

  let bestA = -1;
  let bestB = -1;
  let bestV = -1;
  let bestW = 0;
  for (let ma = 0; ma < a.count; ma++) {
    const rem = capacity - a.hw[ma];
    if (rem < 0) continue;
    let lo = -1;
    let hi = sorted.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (b.hw[sorted[mid]] <= rem) lo = mid;
      else hi = mid - 1;
    }
    if (lo < 0) continue;
    const mb = bestUpTo[lo];
    const value = a.hv[ma] + b.hv[mb];
    const weight = a.hw[ma] + b.hw[mb];
    if (
      bestA < 0 ||
      value > bestV ||
      (value === bestV &&
        (weight < bestW || (weight === bestW && (ma > bestA || (ma === bestA && mb > bestB)))))
    ) {
      bestA = ma;
      bestB = mb;
      bestV = value;
      bestW = weight;
    }
  }
  const set: number[] = [];
  for (let i = 0; i < h; i++) if (bestA & (1 << (h - 1 - i))) set.push(i);
  for (let i = h; i < m; i++) if (bestB & (1 << (m - 1 - i))) set.push(i);
  return { best: { set, value: bestV, weight: bestW }, nodes: a.count + b.count };
}

/** Tie rule on (value, weight, mask): higher value, lower weight, greater mask. */
function beats(v1: number, w1: number, m1: number, v2: number, w2: number, m2: number): boolean {
  return v1 > v2 || (v1 === v2 && (w1 < w2 || (w1 === w2 && m1 > m2)));
}

/** Higher value per krona first, then the larger weight, then the key: a total, stable order. */
function compareByDensity(a: KnapsackEntry, b: KnapsackEntry): number {
  const da = a.value / a.weight;
  const db = b.value / b.weight;
  if (Math.abs(da - db) > 1e-9 * Math.max(da, db)) return db - da;
  // Close or equal: decide exactly, since products may exceed 2^53.
  const cross = BigInt(b.value) * BigInt(a.weight) - BigInt(a.value) * BigInt(b.weight);
  if (cross !== 0n) return cross > 0n ? 1 : -1;
  return b.weight - a.weight || compareStrings(a.key, b.key);
}

/** The canonical order the tie rule refers to, exported so tests can state the rule. */
export function canonicalOrder(entries: readonly KnapsackEntry[]): number[] {
  return entries.map((_, i) => i).sort((a, b) => compareByDensity(entries[a], entries[b]));
}

/** floor(a × b / c) for non-negative safe integers, exact even when a × b exceeds 2^53. */
export function mulDivFloor(a: number, b: number, c: number): number {
  const p = a * b;
  if (p <= Number.MAX_SAFE_INTEGER) {
    let q = Math.floor(p / c);
    if (q * c > p) q -= 1;
    else if ((q + 1) * c <= p) q += 1;
    return q;
  }
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

/** ceil(a × b / c) for non-negative safe integers, exact. */
export function mulDivCeil(a: number, b: number, c: number): number {
  const p = a * b;
  if (p <= Number.MAX_SAFE_INTEGER) {
    const q = mulDivFloor(a, b, c);
    return q * c === p ? q : q + 1;
  }
  const big = BigInt(a) * BigInt(b);
  const q = big / BigInt(c);
  return Number(q * BigInt(c) === big ? q : q + 1n);
}

/** Code-unit string order: independent of locale, so results never depend on the server. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
