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
