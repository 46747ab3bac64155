import fc from 'fast-check';
import { partBudgets } from '../../../services/allocation/part-budgets';

describe('partBudgets', () => {
  it('when shares do not divide the frame evenly, then the parts still sum to the frame', () => {
    expect(partBudgets(10_000_001, { innovation: 33, improvement: 33, maintenance: 34 })).toEqual({
      innovation: 3_300_000,
      improvement: 3_300_000,
      maintenance: 3_400_001,
    });
    expect(partBudgets(100, { innovation: 33.5, improvement: 33.5, maintenance: 33 })).toEqual({
      innovation: 34,
      improvement: 33,
      maintenance: 33,
    });
  });

  it('when any frame and shares are split, then the parts sum to the frame and each is within a krona of its share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200_000_000 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        (frame, a, b) => {
          const shares = {
            innovation: Math.min(a, 100),
            improvement: Math.min(b, 100 - Math.min(a, 100)),
            maintenance: 0,
          };
          shares.maintenance = 100 - shares.innovation - shares.improvement;
          const budgets = partBudgets(frame, shares);
          expect(budgets.innovation + budgets.improvement + budgets.maintenance).toBe(frame);
          for (const part of ['innovation', 'improvement', 'maintenance'] as const) {
            expect(Math.abs(budgets[part] - (frame * shares[part]) / 100)).toBeLessThan(1);
          }
        },
      ),
    );
  });

  it('when shares do not sum to 100, then the split is refused', () => {
    expect(() => partBudgets(1_000, { innovation: 50, improvement: 30, maintenance: 10 })).toThrow(
      /100/,
    );
  });
});
