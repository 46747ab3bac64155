import fc from 'fast-check';
import { PARTS } from '../../../services/applications/wizard-steps';
import { consideredAmount, itemValue } from '../../../services/allocation/item-value';
import { solveKnapsack, type KnapsackEntry } from '../../../services/allocation/knapsack';
import { optimise } from '../../../services/allocation/optimise';
import type { AllocationItem } from '../../../services/allocation/types';
import { prng } from '../../support/prng';

/** The best value of any subset within capacity, by enumeration. */
function bruteForceValue(entries: KnapsackEntry[], capacity: number): number {
  let best = 0;
  for (let mask = 0; mask < 1 << entries.length; mask++) {
    let value = 0;
    let weight = 0;
    for (let i = 0; i < entries.length; i++) {
      if (mask & (1 << i)) {
        value += entries[i].value;
        weight += entries[i].weight;
      }
    }
    if (weight <= capacity && value > best) best = value;
  }
  return best;
}

const entriesArb = fc
  .array(
    fc.record({
      weight: fc.integer({ min: 1, max: 2_000 }),
      // Few distinct values per krona, as with whole-number consensus scores: many ties.
      density: fc.constantFrom(100, 200, 300, 400, 500),
    }),
    { maxLength: 13 },
  )
  .map((xs) => xs.map((x, i) => ({ weight: x.weight, value: x.weight * x.density, key: `K${i}` })));

function largeInstance(n: number, seed: number, densities: number[]): KnapsackEntry[] {
  const rnd = prng(seed);
  return Array.from({ length: n }, (_, i) => {
    const weight = 100_000 + Math.floor(rnd() * 14_900_000);
    return {
      weight,
      value: weight * densities[Math.floor(rnd() * densities.length)],
      key: `K${String(i).padStart(6, '0')}`,
    };
  });
}

/** The chosen set fits, and value and weight are what it adds up to. */
function expectConsistent(
  entries: KnapsackEntry[],
  capacity: number,
  s: ReturnType<typeof solveKnapsack>,
): void {
  const weight = s.chosen.reduce((a, i) => a + entries[i].weight, 0);
  const value = s.chosen.reduce((a, i) => a + entries[i].value, 0);
  expect(weight).toBe(s.weight);
  expect(value).toBe(s.value);
  expect(weight).toBeLessThanOrEqual(capacity);
  expect(new Set(s.chosen).size).toBe(s.chosen.length);
  expect(s.upperBound).toBeGreaterThanOrEqual(s.value);
}

describe('solveKnapsack with a node budget', () => {
  it('when the budget runs out, then the set fits, the optimum lies between its value and the bound, and a claimed optimum is the optimum', () => {
    fc.assert(
      fc.property(
        entriesArb,
        fc.integer({ min: 0, max: 8_000 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom(0, 36),
        (entries, capacity, nodeBudget, mitmMaxItems) => {
          const s = solveKnapsack(entries, capacity, {
            nodeBudget,
            nodeLimit: nodeBudget,
            mitmMaxItems,
          });
          const best = bruteForceValue(entries, capacity);
          expectConsistent(entries, capacity, s);
          expect(s.value).toBeLessThanOrEqual(best);
          expect(s.upperBound).toBeGreaterThanOrEqual(best);
          if (s.optimal) {
            expect(s.value).toBe(best);
            expect(s.upperBound).toBe(best);
          } else {
            expect(s.upperBound).toBeGreaterThan(s.value);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('when the budget is ample, then it is proven optimal and equals the brute-force optimum', () => {
    fc.assert(
      fc.property(entriesArb, fc.integer({ min: 0, max: 8_000 }), (entries, capacity) => {
        const s = solveKnapsack(entries, capacity);
        expect(s.optimal).toBe(true);
        expect(s.value).toBe(bruteForceValue(entries, capacity));
        expect(s.upperBound).toBe(s.value);
      }),
      { numRuns: 300 },
    );
  });

  it('when one part has 20,000 candidates, then it returns a fitting set instead of overflowing the stack', () => {
    for (const densities of [
      [100, 200, 300, 400, 500],
      [437, 438, 439, 440, 441, 442, 443],
    ]) {
      const entries = largeInstance(20_000, 2027, densities);
      // Room for about a third of them: thousands of items deep in the search.
      const capacity = 50_000_000_000;
      const s = solveKnapsack(entries, capacity);
      expectConsistent(entries, capacity, s);
      expect(s.chosen.length).toBeGreaterThan(5_000);
      const tight = solveKnapsack(entries, capacity, { nodeBudget: 1_000 });
      expectConsistent(entries, capacity, tight);
      expect(tight.nodes).toBeLessThanOrEqual(1_000 + 1);
      expect(tight.upperBound).toBeGreaterThanOrEqual(s.value);
    }
  });
});

describe('optimise with a node budget', () => {
  const itemsArb = fc
    .array(
      fc.record({
        part: fc.constantFrom(...PARTS),
        amount: fc.integer({ min: 1, max: 5_000 }),
        meanScore: fc.constantFrom(1, 2, 3, 4, 5),
      }),
      { maxLength: 12 },
    )
    .map((rows) =>
      rows.map((r, i): AllocationItem => ({
        id: `a${i}`,
        regNo: `REG-${String(i).padStart(2, '0')}`,
        title: `Projekt ${i}`,
        part: r.part,
        amount: r.amount,
        meanScore: r.meanScore,
        yearlyEffectSek: 0,
        yearlyRunningCost: 0,
        devCost: 0,
      })),
    );

  it('when a part stops early, then the proposal states a gap that covers the brute-force optimum', () => {
    fc.assert(
      fc.property(
        itemsArb,
        fc.record({
          innovation: fc.integer({ min: 0, max: 9_000 }),
          improvement: fc.integer({ min: 0, max: 9_000 }),
          maintenance: fc.integer({ min: 0, max: 9_000 }),
        }),
        fc.integer({ min: 1, max: 20 }),
        (items, budgets, nodeBudget) => {
          const p = optimise(items, budgets, { nodeBudget, mitmMaxItems: 0 });
          let best = 0;
          for (const part of PARTS) {
            const inPart = items.filter((i) => i.part === part);
            best += bruteForceValue(
              inPart.map((i) => ({ weight: consideredAmount(i), value: itemValue(i), key: i.id })),
              budgets[part],
            );
          }
          const o = p.optimality!;
          expect(p.totals.value).toBeLessThanOrEqual(best);
          expect(o.upperBound).toBeGreaterThanOrEqual(best);
          expect(o.gap).toBe(o.upperBound - p.totals.value);
          expect(o.proven).toBe(o.gap === 0);
          if (o.proven) expect(p.totals.value).toBe(best);
          expect(o.relativeGap).toBeCloseTo(o.upperBound > 0 ? o.gap / o.upperBound : 0, 12);
        },
      ),
      { numRuns: 300 },
    );
  });
});
