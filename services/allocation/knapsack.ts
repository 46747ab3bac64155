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

/** Thrown when entries or capacity are outside what the exact solver can guarantee. */
export class KnapsackInputError extends Error {}

// Float slack for bounds: relative error of one multiplication is < 2^-52, so inflating an upper
// bound (or deflating a lower bound) by 1e-12 keeps it on the safe side; a looser bound only
// costs a few extra nodes, never exactness.
const SAFE_UP = 1 + 1e-12;
const SAFE_DOWN = 1 - 1e-12;

/**
 * Solves a 0/1 knapsack exactly, so the allocation proposal is the true optimum and not a
 * heuristic: branch and bound in the Horowitz–Sahni style (items in order of value density, the
 * Dantzig fractional bound from prefix sums and binary search, a greedy incumbent to start).
 * Weights are used as given, in whole kronor, never rounded. Ties are broken deterministically:
 * higher total value, then lower total weight, then the lexicographically smaller sorted list of
 * keys (strings compared by UTF-16 code units).
 */
export function solveKnapsack(entries: readonly KnapsackEntry[], capacity: number): KnapsackSolution {
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

  // Items that can never fit, or add nothing, are never in the optimum under our tie-break.
  const order = entries
    .map((_, i) => i)
    .filter((i) => entries[i].weight <= capacity && entries[i].value > 0)
    .sort((a, b) => compareByDensity(entries[a], entries[b]));
  const n = order.length;
  const w = order.map((i) => entries[i].weight);
  const v = order.map((i) => entries[i].value);
  const d = order.map((_, k) => v[k] / w[k]);
  const keys = order.map((i) => entries[i].key);
  const prefixW = new Array<number>(n + 1).fill(0);
  const prefixV = new Array<number>(n + 1).fill(0);
  for (let k = 0; k < n; k++) {
    prefixW[k + 1] = prefixW[k] + w[k];
    prefixV[k + 1] = prefixV[k] + v[k];
  }

  // Greedy incumbent: take each item, in density order, that still fits.
  let best: number[] = [];
  let bestV = 0;
  let bestW = 0;
  for (let k = 0; k < n; k++) {
    if (bestW + w[k] <= capacity) {
      best.push(k);
      bestV += v[k];
      bestW += w[k];
    }
  }

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
    const left = rem - (prefixW[lo] - base);
    return whole + Math.floor(left * d[lo] * SAFE_UP);
  };

  const keyList = (ks: number[]): string[] => ks.map((k) => keys[k]).sort(compareStrings);
  const isBetter = (value: number, weight: number, set: number[]): boolean => {
    if (value !== bestV) return value > bestV;
    if (weight !== bestW) return weight < bestW;
    return compareKeyLists(keyList(set), keyList(best)) < 0;
  };

  const stack: number[] = [];
  let nodes = 0;
  const visit = (k: number, rem: number, curV: number, curW: number): void => {
    nodes++;
    if (k === n) return;
    const ub = curV + lpBound(k, rem);
    if (ub < bestV) return;
    if (ub === bestV) {
      // Only an equally valuable set that costs no more can still win; each further krona can
      // add at most d[k] of value, so reaching bestV needs at least this much more weight.
      const minWeight = curW + Math.floor(((bestV - curV) / d[k]) * SAFE_DOWN);
      if (minWeight > bestW) return;
    }
    if (w[k] <= rem) {
      stack.push(k);
      const value = curV + v[k];
      const weight = curW + w[k];
      if (isBetter(value, weight, stack)) {
        best = stack.slice();
        bestV = value;
        bestW = weight;
      }
      visit(k + 1, rem - w[k], value, weight);
      stack.pop();
    }
    visit(k + 1, rem, curV, curW);
  };
  visit(0, capacity, 0, 0);

  return {
    chosen: best.map((k) => order[k]).sort((a, b) => a - b),
    value: bestV,
    weight: bestW,
    nodes,
  };
}

/** Higher value per krona first, then the smaller weight, then the key: a total, stable order. */
function compareByDensity(a: KnapsackEntry, b: KnapsackEntry): number {
  const da = a.value / a.weight;
  const db = b.value / b.weight;
  if (Math.abs(da - db) > 1e-9 * Math.max(da, db)) return db - da;
  // Close or equal: decide exactly, since products may exceed 2^53.
  const cross = BigInt(b.value) * BigInt(a.weight) - BigInt(a.value) * BigInt(b.weight);
  if (cross !== 0n) return cross > 0n ? 1 : -1;
  return a.weight - b.weight || compareStrings(a.key, b.key);
}

/** Code-unit string order: independent of locale, so results never depend on the server. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareKeyLists(a: string[], b: string[]): number {
  const len = Math.min(a.length, b.length);
  for (let i = 0; i < len; i++) {
    const c = compareStrings(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}
