import { benefitBonus, itemValue, valueScore } from '../../../services/allocation/item-value';
import type { AllocationItem } from '../../../services/allocation/types';

const base: AllocationItem = {
  id: 'a',
  regNo: 'KS-1',
  title: 'E-tjänst',
  part: 'improvement',
  amount: 1_000_000,
  meanScore: 3.67,
  yearlyEffectSek: 0,
  yearlyRunningCost: 0,
  devCost: 1_000_000,
};

describe('item value', () => {
  it('when there is no quantified benefit, then the value is the score times the kronor', () => {
    expect(benefitBonus(base)).toBe(0);
    expect(valueScore(base)).toBe(367);
    expect(itemValue(base)).toBe(367_000_000);
  });

  it('when the 5-year benefit is twice the cost or more, then the bonus is capped at half a point', () => {
    const item = { ...base, yearlyEffectSek: 1_000_000, yearlyRunningCost: 100_000 };
    expect(benefitBonus(item)).toBe(0.5);
    expect(valueScore(item)).toBe(417);
  });

  it('when the 5-year benefit exceeds the cost by half, then the bonus is a quarter point', () => {
    // cost = 1 000 000 + 5 × 100 000 = 1 500 000; benefit 5 × 450 000 = 2 250 000; net/cost = 0.5
    const item = { ...base, yearlyEffectSek: 450_000, yearlyRunningCost: 100_000 };
    expect(benefitBonus(item)).toBeCloseTo(0.25, 12);
    expect(valueScore(item)).toBe(392);
  });

  it('when the chair reduces the amount, then the value scales with the kronor funded', () => {
    expect(itemValue({ ...base, reducedAmount: 500_000 })).toBe(367 * 500_000);
  });
});
