import { mulDivCeil, mulDivFloor } from './exact-arithmetic';

/**
 * LP-relaxation (Dantzig) bounds over items already in canonical order (value per krona
 * descending), from prefix sums and binary search: O(log n) each, exact in integers.
 */
export class LpBounds {
  readonly n: number;
  private readonly prefixW: Float64Array;
  private readonly prefixV: Float64Array;
  /** Value per krona when it is a whole number (always, for our value measure), else -1. */
  private readonly wholeDensity: Float64Array;

  constructor(
    private readonly w: readonly number[],
    private readonly v: readonly number[],
  ) {
    const n = w.length;
    this.n = n;
    this.prefixW = new Float64Array(n + 1);
    this.prefixV = new Float64Array(n + 1);
    this.wholeDensity = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      this.prefixW[k + 1] = this.prefixW[k] + w[k];
      this.prefixV[k + 1] = this.prefixV[k] + v[k];
      this.wholeDensity[k] = v[k] % w[k] === 0 ? v[k] / w[k] : -1;
    }
  }

  /** floor(left × v[k] / w[k]), exactly. */
  private fraction(left: number, k: number): number {
    const d = this.wholeDensity[k];
    return d >= 0 ? left * d : mulDivFloor(left, this.v[k], this.w[k]);
  }

  /** Largest j in [from, n] with prefixW[j] − shift(j) ≤ limit, where shift removes `skip`. */
  private lastFitting(from: number, limit: number, skip: number): number {
    const pw = this.prefixW;
    const skipW = skip >= 0 ? this.w[skip] : 0;
    let lo = from;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (pw[mid] - (mid > skip && skip >= 0 ? skipW : 0) <= limit) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The LP optimum of items k.. with `rem` kronor, rounded down: no subset of them does better. */
  upper(k: number, rem: number): number {
    const base = this.prefixW[k];
    const lo = this.lastFitting(k, base + rem, -1);
    const whole = this.prefixV[lo] - this.prefixV[k];
    if (lo === this.n) return whole;
    return whole + this.fraction(rem - (this.prefixW[lo] - base), lo);
  }

  /** The LP optimum of all items except `skip` with `cap` kronor, rounded down. */
  upperWithout(skip: number, cap: number): number {
    if (cap < 0) return -1;
    const j = this.lastFitting(0, cap, skip);
    const shifted = (x: Float64Array, i: number, of: readonly number[]) =>
      x[i] - (i > skip ? of[skip] : 0);
    const whole = shifted(this.prefixV, j, this.v);
    if (j === this.n) return whole;
    return whole + this.fraction(cap - shifted(this.prefixW, j, this.w), j);
  }

  /**
   * A lower bound on the kronor any subset of items k.. needs to be worth at least `need`: the
   * LP of "least weight for this value", filled in the same order, rounded up. Infinity when even
   * all of them are worth less.
   */
  minWeight(k: number, need: number): number {
    if (need <= 0) return 0;
    const pv = this.prefixV;
    const target = pv[k] + need;
    if (pv[this.n] < target) return Infinity;
    let lo = k;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (pv[mid] <= target) lo = mid;
      else hi = mid - 1;
    }
    const whole = this.prefixW[lo] - this.prefixW[k];
    const left = target - pv[lo];
    return left === 0 ? whole : whole + mulDivCeil(left, this.w[lo], this.v[lo]);
  }
}
