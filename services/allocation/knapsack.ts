import { compareStrings } from './exact-arithmetic';
import { LpBounds } from './knapsack-bounds';
import { meetInTheMiddle, reduce } from './knapsack-core';
import { branchAndBound, type Incumbent } from './knapsack-search';

export { compareStrings, mulDivCeil, mulDivFloor } from './exact-arithmetic';

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
  /** Search nodes visited, a measure of how hard the instance was. */
  nodes: number;
  /**
   * True when no set is worth more than `chosen`: the search finished (and then the tie rule
   * below decided between equally valuable sets), or `value` reached the LP bound.
   */
  optimal: boolean;
  /**
   * Proven upper bound on the value of any set that fits: `value` when optimal, else the LP
   * relaxation (Dantzig bound). `upperBound − value` is the proven optimality gap.
   */
  upperBound: number;
}

/** Tuning of the solver's phases; the defaults suit allocation, tests force the other paths. */
export interface KnapsackOptions {
  /** Nodes of plain branch and bound before reducing the instance (default 200 000). */
  nodeLimit?: number;
  /** Largest reduced core solved by meet-in-the-middle (default 36). */
  mitmMaxItems?: number;
  /**
   * Search nodes in all, over every phase, after which the solver stops and returns the best
   * set found with its gap (default NODE_BUDGET). A count, not a clock: the same entries give
   * the same answer on any machine under any load.
   */
  nodeBudget?: number;
}

/**
 * Default node budget of one solve (one part of a portfolio). A node costs about 0.1 µs of CPU
 * on the 2-core machine, so a part that exhausts it takes about 0.2 s and a whole portfolio at most
 * about 0.6 s. The hardest part of the 100,000-application benchmark (whole-number scores) needs
 * 0.6 million nodes and is proven optimal; of 600 random subset-sum-like parts (up to 1,500 items,
 * few values per krona, amounts in arbitrary kronor) 4 need more. docs/allocation.md has figures.
 */
export const NODE_BUDGET = 2_000_000;

/** Thrown when entries or capacity are outside what the exact solver can guarantee. */
export class KnapsackInputError extends Error {}

/**
 * Solves a 0/1 knapsack exactly, so the allocation proposal is the true optimum and not a
 * heuristic. Items in order of value density, a greedy incumbent to start; items whose flip
 * provably loses against it are fixed by LP bounds (Dantzig bound from prefix sums and binary
 * search, O(n log n) in all), and the remaining core is searched by branch and bound in the
 * Horowitz–Sahni style, iterative with an explicit stack (knapsack-search.ts), so any number of
 * items is safe. When that needs more than `nodeLimit` nodes — subset-sum-like instances where
 * many items share one value per krona — the fixing is repeated against the better set found and
 * the smaller core is solved exactly by meet-in-the-middle (or, if still large, by branch and
 * bound again). Weights are used as given, in whole kronor, never rounded.
 *
 * Bounded: after `nodeBudget` nodes in all, the solver stops and returns the best set found with
 * `optimal: false` and the LP bound, so the caller can state the proven gap. It never throws for
 * size; it throws KnapsackInputError only for entries it cannot handle exactly.
 *
 * Ties are broken deterministically, independent of input order: higher total value, then lower
 * total weight, then the set that is lexicographically greatest as an include/exclude vector
 * over the canonical order (value per krona descending, weight descending, key ascending) — i.e.
 * prefer including the item that comes first in that order (large items first: in a run of equal
 * value per krona, trying big items first finds exact fills much sooner). That is exactly the first
 * optimum an include-first depth-first search meets, so equal-value sets can be pruned; a rule that
 * compared sorted key lists instead made subset-sum-like instances search for minutes.
 */
export function solveKnapsack(
  entries: readonly KnapsackEntry[],
  capacity: number,
  options: KnapsackOptions = {},
): KnapsackSolution {
  const budget = Math.max(1, options.nodeBudget ?? NODE_BUDGET);
  const nodeLimit = Math.min(options.nodeLimit ?? NODE_LIMIT, budget);
  const mitmMaxItems = options.mitmMaxItems ?? MITM_MAX_ITEMS;
  validate(entries, capacity);

  // Items that can never fit, or add nothing, are never in the optimum under our tie rule.
  const order = sortCanonical(
    entries,
    entries.map((_, i) => i).filter((i) => entries[i].weight <= capacity && entries[i].value > 0),
  );
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

  // Two rounds, each exact when it completes: fix every item whose flip provably drops below the
  // incumbent (LP bounds), then search the remaining core. Round 1 fixes against the greedy set
  // and searches up to `nodeLimit` nodes; round 2 (hard, subset-sum-like instances: many items
  // with one value per krona) fixes against the better set found and solves the smaller core by
  // meet-in-the-middle, or by branch and bound up to the budget.
  let best: Incumbent = { set: greedy, value: greedyV, weight: greedyW };
  let nodes = 0;
  let complete = false;
  let upperBound = Infinity;
  for (let round = 0; round < 2 && !complete && nodes < budget; round++) {
    const { fixedIn, core } = reduce(w, v, capacity, best.value);
    const fixedW = fixedIn.reduce((a, k) => a + w[k], 0);
    const fixedV = fixedIn.reduce((a, k) => a + v[k], 0);
    const cw = core.map((k) => w[k]);
    const cv = core.map((k) => v[k]);
    // The incumbent restricted to the core: its value and weight, searched for again so the
    // first equal set in canonical order wins the tie.
    const floor: Incumbent = {
      set: null,
      value: best.value - fixedV,
      weight: best.weight - fixedW,
    };
    const solved =
      round > 0 && core.length <= mitmMaxItems
        ? { ...meetInTheMiddle(cw, cv, capacity - fixedW), complete: true }
        : branchAndBound(
            cw,
            cv,
            capacity - fixedW,
            floor,
            round === 0 ? nodeLimit : budget - nodes,
          );
    nodes += solved.nodes;
    complete = solved.complete;
    const found = solved.best;
    if (
      found.set !== null &&
      (complete ||
        found.value > floor.value ||
        (found.value === floor.value && found.weight < floor.weight))
    ) {
      const set = [...fixedIn, ...found.set.map((c) => core[c])].sort((x, y) => x - y);
      best = { set, value: fixedV + found.value, weight: fixedW + found.weight };
    }
    // Every set worth at least the incumbent keeps the fixed items, so none beats this bound.
    upperBound = Math.min(
      upperBound,
      Math.max(best.value, fixedV + new LpBounds(cw, cv).upper(0, capacity - fixedW)),
    );
  }

  return {
    chosen: (best.set ?? []).map((k) => order[k]).sort((x, y) => x - y),
    value: best.value,
    weight: best.weight,
    nodes,
    optimal: complete || best.value >= upperBound,
    upperBound: complete ? best.value : Math.max(best.value, upperBound),
  };
}

/** Nodes the plain branch and bound may visit before the solver reduces the instance. */
const NODE_LIMIT = 200_000;

/** Largest core solved by meet-in-the-middle (2 × 2^18 partial sums). */
const MITM_MAX_ITEMS = 36;

/** Refuses what the solver cannot handle exactly. */
function validate(entries: readonly KnapsackEntry[], capacity: number): void {
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
}

/** Higher value per krona first, then the larger weight, then the key: a total, stable order. */
function compareByDensity(a: KnapsackEntry, b: KnapsackEntry): number {
  const da = a.value / a.weight;
  const db = b.value / b.weight;
  if (Math.abs(da - db) > 1e-9 * Math.max(da, db)) return db - da;
  // Close or equal: decide exactly, since products may exceed 2^53.
  const cross = BigInt(b.value) * BigInt(a.weight) - BigInt(a.value) * BigInt(b.weight);
  if (cross !== 0n) return cross > 0n ? 1 : -1;
  return 0;
}

/**
 * The canonical order the tie rule refers to (value per krona descending, weight descending, key
 * ascending), exported so tests can state the rule.
 */
export function canonicalOrder(entries: readonly KnapsackEntry[]): number[] {
  return sortCanonical(
    entries,
    entries.map((_, i) => i),
  );
}

/**
 * Sorts `indices` into the canonical order. Whole-number values per krona — always, for our
 * value measure, and few distinct ones — are grouped first, so only items of equal value per krona
 * are compared; other entries are compared exactly by cross-multiplication.
 */
function sortCanonical(entries: readonly KnapsackEntry[], indices: number[]): number[] {
  const byWeightThenKey = (a: number, b: number): number =>
    entries[b].weight - entries[a].weight || compareStrings(entries[a].key, entries[b].key);
  const whole = (e: KnapsackEntry): number => (e.value % e.weight === 0 ? e.value / e.weight : -1);
  const groups = new Map<number, number[]>();
  for (const i of indices) {
    const d = whole(entries[i]);
    if (d < 0) {
      return indices.sort(
        (a, b) => compareByDensity(entries[a], entries[b]) || byWeightThenKey(a, b),
      );
    }
    const group = groups.get(d);
    if (group) group.push(i);
    else groups.set(d, [i]);
  }
  const densities = [...groups.keys()].sort((a, b) => b - a);
  let k = 0;
  for (const d of densities) {
    const group = (groups.get(d) ?? []).sort(byWeightThenKey);
    for (const i of group) indices[k++] = i;
  }
  return indices;
}
