import { eligibilityGates } from '../../../services/allocation/eligibility';
import type { ApplicationDoc } from '../../../services/applications/application';
import { validateStep } from '../../../services/applications/validate-step';
import { STEPS } from '../../../services/applications/wizard-steps';
import { fitsFiscalYear } from '../../../services/shared/fiscal-timeline';
import { VALID_STEPS } from '../../support/application-fixture';

const ownership = STEPS.find((s) => s.id === 'ownership')!;
const ctx = { portfolioIds: ['p1'], relaxedPortfolioIds: [] };

const CASES: [string, string, boolean][] = [
  ['2027-02-01', '2027-11-30', false],
  ['2027-02-01', '2028-06-30', false],
  ['2027-02-01', '2028-06-30', true],
  ['2027-12-01', '2029-01-31', true],
  ['2027-01-01', '2027-12-31', true],
  ['2026-09-01', '2027-03-31', false],
];

describe('the budget-year rule shared by the wizard and allocation', () => {
  it.each(CASES)(
    'when a project runs %s – %s (stage %s), then the wizard warns exactly when allocation would block',
    (startDate, endDate, isStage) => {
      const year = Number(startDate.slice(0, 4));
      const warned =
        validateStep(
          ownership,
          { ...VALID_STEPS[4], startDate, endDate, isStage: String(isStage) },
          ctx,
        ).warnings.length > 0;
      const app = { data: { startDate, endDate, isStage } } as unknown as ApplicationDoc;
      const blocked = eligibilityGates({ app, acceptance: null, ownerReachable: false, year }).some(
        (g) => g.code === 'timeline',
      );
      expect(warned).toBe(blocked);
      expect(warned).toBe(!fitsFiscalYear({ startDate, endDate, isStage }, year));
    },
  );
});
