import fc from 'fast-check';
import { PARTS } from '../../../services/applications/wizard-steps';
import { describeReason } from '../../../services/allocation/describe-reason';
import { greedyByScore } from '../../../services/allocation/greedy-by-score';
import { consideredAmount, itemValue } from '../../../services/allocation/item-value';
import { optimise } from '../../../services/allocation/optimise';
import { planAllocation } from '../../../services/allocation/plan-allocation';
import type { AllocationItem, PartBudgets } from '../../../services/allocation/types';

function item(over: Partial<AllocationItem> & Pick<AllocationItem, 'id'>): AllocationItem {
  return {
    regNo: `KS-2026/${over.id}`,
    title: `Projekt ${over.id}`,
    part: 'innovation',
    amount: 1_000_000,
    meanScore: 3,
    yearlyEffectSek: 0,
    yearlyRunningCost: 0,
    devCost: 0,
    ...over,
  };
}

const itemsArb = fc
  .array(
    fc.record({
      part: fc.constantFrom(...PARTS),
      amount: fc.integer({ min: 1, max: 5_000 }),
      meanScore: fc.constantFrom(1, 2.5, 3, 3.25, 4, 4.75, 5),
      yearlyEffectSek: fc.constantFrom(0, 500, 3_000),
      forced: fc.constantFrom<'in' | 'out' | undefined>(
        undefined,
        undefined,
        undefined,
        'in',
        'out',
      ),
      reducedBy: fc.option(fc.integer({ min: 0, max: 99 }), { freq: 4 }),
    }),
    { maxLength: 12 },
  )
  .map((rows) =>
    rows.map((r, i) =>
      item({
        id: `a${i}`,
        regNo: `REG-${String(i).padStart(2, '0')}`,
        part: r.part,
        amount: r.amount,
        meanScore: r.meanScore,
        yearlyEffectSek: r.yearlyEffectSek,
        devCost: r.amount,
        yearlyRunningCost: 10,
        ...(r.forced ? { forced: r.forced, reason: 'prövning' } : {}),
        ...(r.reducedBy !== null
          ? { reducedAmount: Math.max(1, Math.floor((r.amount * (100 - r.reducedBy)) / 100)) }
          : {}),
      }),
    ),
  );

const budgetsArb = fc.record({
  innovation: fc.integer({ min: 0, max: 9_000 }),
  improvement: fc.integer({ min: 0, max: 9_000 }),
  maintenance: fc.integer({ min: 0, max: 9_000 }),
});

/** Best total value over every subset that honours forced items and every part budget. */
function bruteForceValue(items: AllocationItem[], budgets: PartBudgets): number | null {
  let best: number | null = null;
  for (let mask = 0; mask < 1 << items.length; mask++) {
    const used = { innovation: 0, improvement: 0, maintenance: 0 };
    let value = 0;
    let ok = true;
    items.forEach((it, i) => {
      const inSet = (mask & (1 << i)) !== 0;
      if ((it.forced === 'in' && !inSet) || (it.forced === 'out' && inSet)) ok = false;
      if (inSet) {
        used[it.part] += consideredAmount(it);
        value += itemValue(it);
      }
    });
    if (ok && PARTS.every((p) => used[p] <= budgets[p]) && (best === null || value > best))
      best = value;
  }
  return best;
}

describe('optimise', () => {
  it('when compared with brute force on small instances, then it funds the greatest value', () => {
    fc.assert(
      fc.property(itemsArb, budgetsArb, (items, budgets) => {
        const proposal = optimise(items, budgets);
        const best = bruteForceValue(items, budgets);
        if (best === null) {
          expect(proposal.feasible).toBe(false);
        } else {
          expect(proposal.feasible).toBe(true);
          expect(proposal.totals.value).toBe(best);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('when any proposal is made, then no part budget is exceeded and forced items are honoured', () => {
    fc.assert(
      fc.property(itemsArb, budgetsArb, (items, budgets) => {
        for (const proposal of [optimise(items, budgets), greedyByScore(items, budgets)]) {
          for (const part of PARTS) {
            const used = proposal.funded
              .filter((r) => r.part === part)
              .reduce((s, r) => s + r.fundedAmount, 0);
            expect(used).toBeLessThanOrEqual(budgets[part]);
            expect(proposal.totals.perPart[part].used).toBe(used);
          }
          const funded = new Set(proposal.funded.map((r) => r.id));
          for (const it of items) {
            if (it.forced === 'out') expect(funded.has(it.id)).toBe(false);
            if (it.forced === 'in' && !proposal.totals.perPart[it.part].overCommitted) {
              expect(funded.has(it.id)).toBe(true);
            }
          }
          expect(proposal.funded.length + proposal.leftOut.length).toBe(items.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('when the same items come in another order, then the proposal is identical', () => {
    fc.assert(
      fc.property(itemsArb, budgetsArb, fc.integer(), (items, budgets, seed) => {
        const shuffled = [...items]
          .map((it, i) => ({ it, k: Math.sin(seed + i * 7919) }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.it);
        expect(optimise(shuffled, budgets)).toEqual(optimise(items, budgets));
        expect(greedyByScore(shuffled, budgets)).toEqual(greedyByScore(items, budgets));
      }),
      { numRuns: 200 },
    );
  });

  it('when the greedy ranking is computed on the same items, then it never beats the optimum', () => {
    fc.assert(
      fc.property(itemsArb, budgetsArb, (items, budgets) => {
        expect(optimise(items, budgets).totals.value).toBeGreaterThanOrEqual(
          greedyByScore(items, budgets).totals.value,
        );
      }),
      { numRuns: 200 },
    );
  });

  it('when two sets are equally valuable, then the one using fewer kronor is chosen', () => {
    // a: 4.0 × 600 kr = 2400; d: 4.8 × 500 kr = 2400 too, but 100 kr cheaper.
    const items = [
      item({ id: 'a', amount: 600, meanScore: 4 }),
      item({ id: 'd', amount: 500, meanScore: 4.8 }),
    ];
    const proposal = optimise(items, { innovation: 600, improvement: 0, maintenance: 0 });
    expect(proposal.funded.map((r) => r.id)).toEqual(['d']);
  });

  it('when two sets tie in value and kronor, then the canonical order (larger item first) decides', () => {
    const items = [
      item({ id: 'b', amount: 300, meanScore: 4 }),
      item({ id: 'c', amount: 300, meanScore: 4 }),
      item({ id: 'a', amount: 600, meanScore: 4 }),
    ];
    const proposal = optimise(items, { innovation: 600, improvement: 0, maintenance: 0 });
    expect(proposal.funded.map((r) => r.id)).toEqual(['a']);
  });
});

describe('explanations', () => {
  const budgets = { innovation: 3_000_000, improvement: 2_000_000, maintenance: 1_000_000 };

  it('when an item does not fit in what is left, then it says by how much it would exceed the part', () => {
    const items = [
      item({ id: 'a', amount: 2_500_000, meanScore: 5 }),
      item({ id: 'b', amount: 620_000, meanScore: 4 }),
    ];
    const proposal = optimise(items, budgets);
    expect(proposal.funded.map((r) => [r.id, r.reason.code])).toEqual([['a', 'fits']]);
    const left = proposal.leftOut[0];
    expect(left.reason).toEqual({
      code: 'left_out_exceeds_part',
      part: 'innovation',
      overBySek: 120_000,
    });
    expect(describeReason(left.reason, 'en')).toBe(
      'left out: would exceed the innovation part by SEK\u00a0120k',
    );
    expect(describeReason(left.reason, 'sv')).toBe(
      'utanför: skulle överskrida innovationsdelen med 120\u00a0tkr',
    );
    expect(describeReason(proposal.funded[0].reason, 'sv')).toBe('ryms');
  });

  it('when an item is larger than its whole part, then it is left out as too large', () => {
    const proposal = optimise([item({ id: 'x', part: 'maintenance', amount: 1_400_000 })], budgets);
    expect(proposal.leftOut[0].reason).toEqual({
      code: 'left_out_larger_than_part',
      part: 'maintenance',
      overBySek: 400_000,
    });
  });

  it('when the chair forces items in and out, then they are funded or left out with the reason', () => {
    const items = [
      item({ id: 'low', amount: 3_000_000, meanScore: 1, forced: 'in', reason: 'lagkrav' }),
      item({
        id: 'high',
        amount: 1_000_000,
        meanScore: 5,
        forced: 'out',
        reason: 'dubbelräknad nytta',
      }),
      item({ id: 'mid', amount: 1_000_000, meanScore: 3 }),
    ];
    const proposal = optimise(items, budgets);
    expect(proposal.funded.map((r) => [r.id, r.reason])).toEqual([
      ['low', { code: 'forced_in', reason: 'lagkrav' }],
    ]);
    expect(proposal.leftOut.find((r) => r.id === 'high')?.reason).toEqual({
      code: 'forced_out',
      reason: 'dubbelräknad nytta',
    });
    expect(proposal.leftOut.find((r) => r.id === 'mid')?.reason.code).toBe(
      'left_out_larger_than_part',
    );
  });

  it('when forced-in items exceed their part, then the part is reported infeasible and nothing is funded there', () => {
    const items = [
      item({ id: 'f1', amount: 2_000_000, forced: 'in' }),
      item({ id: 'f2', amount: 1_500_000, forced: 'in' }),
      item({ id: 'free', amount: 100_000 }),
      item({ id: 'other', part: 'improvement', amount: 500_000 }),
    ];
    const proposal = optimise(items, budgets);
    expect(proposal.feasible).toBe(false);
    expect(proposal.totals.perPart.innovation).toEqual({
      budget: 3_000_000,
      used: 0,
      remaining: 3_000_000,
      value: 0,
      overCommitted: true,
    });
    expect(proposal.explanations).toContainEqual({
      code: 'forced_in_over_budget',
      part: 'innovation',
      budget: 3_000_000,
      forcedSek: 3_500_000,
      overBySek: 500_000,
      itemIds: ['f1', 'f2'],
    });
    expect(proposal.leftOut.find((r) => r.id === 'free')?.reason).toEqual({
      code: 'part_over_committed',
      part: 'innovation',
      overBySek: 500_000,
    });
    expect(proposal.funded.map((r) => r.id)).toEqual(['other']);
  });

  it('when the chair funds a reduced amount, then the item costs and is worth the reduced amount', () => {
    const items = [
      item({
        id: 'r',
        amount: 4_000_000,
        meanScore: 4,
        reducedAmount: 3_000_000,
        reason: 'etapp 1',
      }),
    ];
    const proposal = optimise(items, budgets);
    expect(proposal.funded[0]).toMatchObject({
      fundedAmount: 3_000_000,
      value: 400 * 3_000_000,
      reduction: { from: 4_000_000, to: 3_000_000, reason: 'etapp 1' },
    });
  });
});

describe('planAllocation', () => {
  it('when the optimum and the greedy ranking differ, then the comparison shows value and money', () => {
    // Greedy takes the 5.0 item (6 MSEK) and then nothing fits; the optimum takes two 4.5 items.
    const plan = planAllocation({
      frame: 10_000_000,
      shares: { innovation: 100, improvement: 0, maintenance: 0 },
      items: [
        item({ id: 'big', amount: 6_000_000, meanScore: 5 }),
        item({ id: 'm1', amount: 5_000_000, meanScore: 4.5 }),
        item({ id: 'm2', amount: 5_000_000, meanScore: 4.5 }),
      ],
    });
    expect(plan.greedy.funded.map((r) => r.id)).toEqual(['big']);
    expect(plan.optimal.funded.map((r) => r.id)).toEqual(['m1', 'm2']);
    expect(plan.comparison).toMatchObject({
      valueDiff: 450 * 10_000_000 - 500 * 6_000_000,
      amountDiff: 4_000_000,
      onlyOptimal: ['m1', 'm2'],
      onlyGreedy: ['big'],
    });
  });

  it('when the chair forces the greedy pick in, then the proposal is recomputed around it', () => {
    const plan = planAllocation({
      frame: 10_000_000,
      shares: { innovation: 100, improvement: 0, maintenance: 0 },
      items: [
        item({ id: 'big', amount: 6_000_000, meanScore: 5 }),
        item({ id: 'm1', amount: 5_000_000, meanScore: 4.5 }),
        item({ id: 'small', amount: 4_000_000, meanScore: 2 }),
      ],
      whatIfs: [{ itemId: 'big', forced: 'in', reason: 'strategiskt' }],
    });
    expect(plan.optimal.funded.map((r) => [r.id, r.reason.code])).toEqual([
      ['big', 'forced_in'],
      ['small', 'fits'],
    ]);
  });
});
