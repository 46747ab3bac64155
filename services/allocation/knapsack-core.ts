import type { Incumbent } from './knapsack-search';
import { LpBounds } from './knapsack-bounds';

/**
 * Variable fixing: an item whose inclusion (exclusion) bounds every such set strictly below the
 * incumbent value is out (in) of every set that is at least as good, so of the optimum too.
 * O(n log n): each bound is one binary search over prefix sums (knapsack-bounds.ts).
 */
export function reduce(
  w: readonly number[],
  v: readonly number[],
  capacity: number,
  incumbentValue: number,
): { fixedIn: number[]; core: number[] } {
  const lp = new LpBounds(w, v);
  const fixedIn: number[] = [];
  const core: number[] = [];
  for (let k = 0; k < w.length; k++) {
    const ifIn = w[k] <= capacity ? v[k] + lp.upperWithout(k, capacity - w[k]) : -1;
    const ifOut = lp.upperWithout(k, capacity);
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
export function meetInTheMiddle(
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
