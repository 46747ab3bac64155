import { validateApplication, validateStep } from '../../../services/applications/validate-step';
import { STEPS } from '../../../services/applications/wizard-steps';
import { VALID_STEPS } from '../../support/application-fixture';

const ctx = { portfolioIds: ['p1', 'p2', 'p3', 'p4', 'p5'], relaxedPortfolioIds: ['p5'] };
const all = (): Record<string, string> => Object.assign({}, ...VALID_STEPS);
const step = (id: string) => STEPS.find((s) => s.id === id)!;
const codes = (r: { errors: { field: string; code: string }[] }) => r.errors.map((e) => `${e.field}:${e.code}`);

describe('validateStep', () => {
  it('when every step has valid input, then the application validates and amounts are parsed to kronor', () => {
    const r = validateApplication(all(), ctx);
    expect(r.firstInvalidStep).toBe(-1);
    expect(r.values).toMatchObject({ devCost: 1_200_000, yearlyRunningCost: 150_000, yearlyEffectSek: 1_200_000, yearlyEffectHours: 2000 });
    expect(r.values.kfGoals).toEqual(['attractive', 'costEffective']);
  });

  it('when required fields are empty, then each is named with code required', () => {
    const r = validateStep(step('basics'), { portfolioId: 'p1' }, ctx);
    expect(codes(r)).toEqual(expect.arrayContaining(['title:required', 'part:required', 'organisation:required', 'contactName:required', 'contactEmail:required']));
  });

  it('when a text is over its limit, then it is refused with the limit and the length, not truncated', () => {
    const r = validateStep(step('basics'), { ...VALID_STEPS[0], title: 'å'.repeat(121) }, ctx);
    expect(r.errors).toEqual([{ field: 'title', code: 'too_long', params: { max: 120, length: 121 } }]);
    expect(r.values.title).toBeUndefined();
  });

  it.each([
    ['1 200 000', 1_200_000],
    ['1,2 mkr', 1_200_000],
    ['450 tkr', 450_000],
    ['1\u00a0200\u00a0000 kr', 1_200_000],
  ])('when the development cost is "%s", then it is %d kronor', (input, expected) => {
    const r = validateStep(step('costs'), { ...VALID_STEPS[3], devCost: input }, ctx);
    expect(r.errors).toEqual([]);
    expect(r.values.devCost).toBe(expected);
  });

  it.each(['massor', '1,2,3', '-5', '12 tkr 5'])('when the development cost is "%s", then it is refused', (input) => {
    const r = validateStep(step('costs'), { ...VALID_STEPS[3], devCost: input }, ctx);
    expect(codes(r)[0]).toMatch(/^devCost:amount_/);
  });

  it('when cost shares do not add up to 100 %, then the sum is reported', () => {
    const r = validateStep(step('costs'), { ...VALID_STEPS[3], sharePercent2: '20' }, ctx);
    expect(r.errors).toEqual([{ field: 'sharePercent1', code: 'shares_sum', params: { sum: 90 } }]);
  });

  it('when a share row has an organisation but no percent, then that row is named', () => {
    const r = validateStep(step('costs'), { devCost: '1', yearlyRunningCost: '1', shareOrg1: 'A', sharePercent1: '' }, ctx);
    expect(codes(r)).toEqual(['sharePercent1:org_without_share']);
  });

  it('when no cost sharing is given, then it is required', () => {
    const r = validateStep(step('costs'), { devCost: '1 000', yearlyRunningCost: '0' }, ctx);
    expect(codes(r)).toEqual(['shareOrg1:cost_sharing_required']);
  });

  it('when the end date is before the start, then it is an error; past the fiscal year, a warning unless a stage', () => {
    expect(codes(validateStep(step('ownership'), { ...VALID_STEPS[4], endDate: '2027-01-01' }, ctx))).toEqual(['endDate:end_before_start']);
    const long = validateStep(step('ownership'), { ...VALID_STEPS[4], endDate: '2028-06-30' }, ctx);
    expect(long.errors).toEqual([]);
    expect(long.warnings).toEqual([{ field: 'endDate', code: 'past_fiscal_year', params: { year: '2027' } }]);
    expect(validateStep(step('ownership'), { ...VALID_STEPS[4], endDate: '2028-06-30', isStage: 'true' }, ctx).warnings).toEqual([]);
  });

  it('when a date is impossible, then it is refused', () => {
    expect(codes(validateStep(step('ownership'), { ...VALID_STEPS[4], startDate: '2027-02-30' }, ctx))).toEqual(['startDate:invalid_date']);
  });

  it('when the portfolio is the innovation one, then the benefit fields are not required', () => {
    const benefit = step('benefit');
    expect(validateStep(benefit, { portfolioId: 'p1' }, ctx).errors.length).toBeGreaterThan(0);
    expect(validateStep(benefit, { portfolioId: 'p5' }, ctx).errors).toEqual([]);
  });

  it('when neither a yearly effect in SEK nor in hours is given outside innovation, then the effect is required', () => {
    const r = validateStep(step('benefit'), { ...VALID_STEPS[2], yearlyEffectSek: '', yearlyEffectHours: '', portfolioId: 'p1' }, ctx);
    expect(codes(r)).toEqual(['yearlyEffectSek:effect_required']);
  });

  it('when a choice is not one of the options (a tampered card), then it is refused', () => {
    expect(codes(validateStep(step('basics'), { ...VALID_STEPS[0], portfolioId: 'p9' }, ctx))).toEqual(['portfolioId:invalid_choice']);
    expect(codes(validateStep(step('need'), { ...VALID_STEPS[1], kfGoals: 'attractive,hack' }, ctx))).toEqual(['kfGoals:invalid_choice']);
  });

  it('when the project spans several organisations, then the partners must be named', () => {
    const r = validateStep(step('basics'), { ...VALID_STEPS[0], crossOrganisational: 'true', partnerOrganisations: '' }, ctx);
    expect(codes(r)).toEqual(['partnerOrganisations:required_when_cross']);
  });

  it('when the e-mail is not an address, then it is refused', () => {
    expect(codes(validateStep(step('basics'), { ...VALID_STEPS[0], contactEmail: 'anna' }, ctx))).toEqual(['contactEmail:invalid_email']);
  });
});
