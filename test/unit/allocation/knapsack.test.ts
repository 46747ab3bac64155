import fc from 'fast-check';
import {
  canonicalOrder,
  mulDivCeil,
  mulDivFloor,
  solveKnapsack,
  type KnapsackEntry,
} from '../../../services/allocation/knapsack';

/** Brute force under the documented tie rule: value, then fewer kronor, then lex-greatest vector. */
function bruteForce(entries: KnapsackEntry[], capacity: number): number[] {
  const order = canonicalOrder(entries);
  let best: number[] = [];
  let bestV = 0;
  let bestW = 0;
  let bestVector = '';
  for (let mask = 0; mask < 1 << entries.length; mask++) {
    let value = 0;
    let weight = 0;
    const set: number[] = [];
    for (let i = 0; i < entries.length; i++) {
      if (mask & (1 << i)) {
        value += entries[i].value;
        weight += entries[i].weight;
        set.push(i);
      }
    }
    if (weight > capacity) continue;
    const vector = order.map((i) => (set.includes(i) ? '1' : '0')).join('');
    if (
      mask === 0 ||
      value > bestV ||
      (value === bestV && (weight < bestW || (weight === bestW && vector > bestVector)))
    ) {
      best = set;
      bestV = value;
      bestW = weight;
      bestVector = vector;
    }
  }
  return best;
}

const entriesArb = (maxItems: number, densities: fc.Arbitrary<number>) =>
  fc
    .array(fc.record({ weight: fc.integer({ min: 1, max: 2_000 }), density: densities }), {
      maxLength: maxItems,
    })
    .map((xs) =>
      xs.map((x, i) => ({ weight: x.weight, value: x.weight * x.density, key: `K${i}` })),
    );

describe('solveKnapsack', () => {
  it('when solved by branch and bound, then it matches brute force exactly, ties included', () => {
    fc.assert(
      fc.property(
        entriesArb(12, fc.integer({ min: 100, max: 550 })),
        fc.integer({ min: 0, max: 8_000 }),
        (entries, capacity) => {
          expect(solveKnapsack(entries, capacity).chosen).toEqual(bruteForce(entries, capacity));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('when values are not proportional to weights, then it still matches brute force', () => {
    const arb = fc.array(
      fc.record({
        weight: fc.integer({ min: 1, max: 50 }),
        value: fc.integer({ min: 0, max: 50 }),
      }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 200 }), (raw, capacity) => {
        const entries = raw.map((e, i) => ({ ...e, key: `K${i}` }));
        expect(solveKnapsack(entries, capacity).chosen).toEqual(bruteForce(entries, capacity));
      }),
      { numRuns: 300 },
    );
  });

  it('when the node limit forces reduction and meet-in-the-middle, then the answer is unchanged', () => {
    fc.assert(
      fc.property(
        entriesArb(12, fc.constantFrom(300, 350, 400)),
        fc.integer({ min: 0, max: 8_000 }),
        fc.integer({ min: 0, max: 30 }),
        (entries, capacity, nodeLimit) => {
          const expected = bruteForce(entries, capacity);
          expect(solveKnapsack(entries, capacity, { nodeLimit }).chosen).toEqual(expected);
          expect(solveKnapsack(entries, capacity, { nodeLimit, mitmMaxItems: 0 }).chosen).toEqual(
            expected,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('when the entries come in another order, then the same entries are chosen', () => {
    fc.assert(
      fc.property(
        entriesArb(14, fc.constantFrom(200, 400)),
        fc.integer({ min: 0, max: 10_000 }),
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
        (entries, capacity, noise) => {
          const shuffled = entries
            .map((e) => ({ e, r: noise.next().value }))
            .sort((a, b) => a.r - b.r)
            .map((x) => x.e);
          const keysOf = (es: KnapsackEntry[], chosen: number[]) =>
            chosen.map((i) => es[i].key).sort();
          expect(keysOf(shuffled, solveKnapsack(shuffled, capacity).chosen)).toEqual(
            keysOf(entries, solveKnapsack(entries, capacity).chosen),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('when all items share one value per krona, then it finds an exact fill of the capacity', () => {
    const entries = [5, 7, 11, 13].map((w, i) => ({ weight: w, value: 3 * w, key: `K${i}` }));
    const solution = solveKnapsack(entries, 24);
    expect(solution.weight).toBe(24);
    expect(solution.value).toBe(72);
  });

  it('when a weight is not a whole number, then the solver refuses it', () => {
    expect(() => solveKnapsack([{ weight: 1.5, value: 1, key: 'a' }], 10)).toThrow(/weight/);
  });

  it('when products pass 2^53, then mulDivFloor and mulDivCeil stay exact', () => {
    const a = 80_000_000;
    const b = 8_250_000_001;
    const c = 15_000_001;
    const exact = (BigInt(a) * BigInt(b)) / BigInt(c);
    expect(mulDivFloor(a, b, c)).toBe(Number(exact));
    expect(mulDivCeil(a, b, c)).toBe(Number(exact) + 1);
    expect(mulDivCeil(6, 4, 3)).toBe(8);
    expect(mulDivFloor(7, 3, 2)).toBe(10);
  });
});
