import { applicationYear, computeDashboard, percent } from '../../../services/insight/figures';
import { decision } from '../allocation/decision-fixture';
import { application, dashboardInput as input } from './insight-fixture';

describe('the dashboard figures of a fiscal year', () => {
  const figures = computeDashboard(input());
  const p1 = figures.portfolios.find((p) => p.portfolioId === 'p1')!;
  const p2 = figures.portfolios.find((p) => p.portfolioId === 'p2')!;

  it("when applications are decided, pending, withdrawn or of another year, then money and counts take only the year's submitted ones", () => {
    // Money held comes from the frame ledger; requested excludes the withdrawn application; pending is the undecided one.
    expect(p1).toMatchObject({
      frame: 10_000_000,
      granted: 2_500_000,
      remaining: 7_500_000,
      requested: 4_600_000,
      pending: 300_000,
      applications: 5,
      hasFrame: true,
    });
    expect(p1.statusCounts).toMatchObject({
      approved: 2,
      rejected: 1,
      in_review: 1,
      withdrawn: 1,
      submitted: 0,
      recommended: 0,
    });
    expect(p1.parts).toEqual([
      {
        part: 'innovation',
        frame: 3_000_000,
        granted: 0,
        remaining: 3_000_000,
        requested: 800_000,
        pending: 0,
      },
      {
        part: 'improvement',
        frame: 5_000_000,
        granted: 2_500_000,
        remaining: 2_500_000,
        requested: 3_500_000,
        pending: 0,
      },
      {
        part: 'maintenance',
        frame: 2_000_000,
        granted: 0,
        remaining: 2_000_000,
        requested: 300_000,
        pending: 300_000,
      },
    ]);
    expect(p2).toMatchObject({
      hasFrame: false,
      frame: 0,
      granted: 0,
      requested: 600_000,
      pending: 600_000,
      applications: 1,
    });
    expect(figures.totals).toMatchObject({
      frame: 10_000_000,
      granted: 2_500_000,
      requested: 5_200_000,
      pending: 900_000,
      applications: 6,
    });
  });

  it("when projects report realised effects, then effekthemtagning is the realised yearly effect over the invested sum of the year's projects", () => {
    // Latest report with an effect per project: a1's final (200 000), a3's benefit follow-up (450 000).
    expect(p1.benefit).toEqual({
      projects: 2,
      reporting: 2,
      invested: 2_500_000,
      plannedSek: 900_000,
      realisedSek: 650_000,
      plannedHours: 100,
      realisedHours: 50,
      realisedRate: 26,
      plannedRate: 36,
      realisedOfPlanned: 72.2,
    });
  });

  it('when a report is past due and unsent, then it is overdue, and the one-year follow-up counts only projects whose follow-up is due', () => {
    expect(p1.overdue).toEqual([
      {
        projectId: 'project-a3',
        regNo: 'PK 2026/a3',
        title: 'Projekt a3',
        period: 'final',
        dueDate: '2027-03-31',
      },
    ]);
    expect(p1.yearAfter).toEqual({ due: 1, done: 1 });
    expect(figures.totals.overdue).toHaveLength(1);
  });

  it('when funded applications differ in reuse and IT statement, then the guideline shares count each rule and all three together', () => {
    expect(p1.guidelines).toEqual({
      funded: 2,
      reuseCommon: 1,
      accessibilityPlan: 2,
      itStatementPositive: 1,
      allThree: 1,
    });
    expect(p2.guidelines.funded).toBe(0);
  });

  it("when review-group members answered the yearly survey, then each portfolio gets the mean of its own groups' answers of the year", () => {
    expect(p1.survey).toMatchObject({ respondents: 1, mean: 4 });
    expect(p2.survey).toMatchObject({
      respondents: 2,
      mean: 3.5,
      byQuestion: { anchoring: 3, users: 3.5, reuse: 4, benefits: 4.5, process: 2.5 },
    });
    expect(figures.totals.survey.respondents).toBe(2);
    expect(p1.coaching).toEqual({ asked: 3, medianFirstAnswerHours: 2.5 });
    expect(p2.coaching).toEqual({ asked: 0, medianFirstAnswerHours: null });
  });

  it('when the year is another one, then nothing of 2027 is counted', () => {
    const f2026 = computeDashboard({ ...input(), year: 2026, frames: new Map() });
    const q1 = f2026.portfolios[0];
    // a8 was decided from the 2026 frame, so it and its project belong to 2026.
    expect(q1).toMatchObject({ applications: 1, requested: 700_000, pending: 0 });
    expect(q1.benefit).toMatchObject({ projects: 1, invested: 700_000 });
    expect(q1.survey.respondents).toBe(1);
  });

  it('when undecided, then an application belongs to the year its project starts; percentages round to one decimal and need a whole', () => {
    expect(
      applicationYear(
        application('x', { status: 'submitted', startDate: '2029-01-10' }),
        undefined,
      ),
    ).toBe(2029);
    expect(
      applicationYear(
        application('x', { status: 'submitted', startDate: '2029-01-10' }),
        decision({ applicationId: 'x', year: 2028 }),
      ),
    ).toBe(2028);
    expect(percent(1, 3)).toBe(33.3);
    expect(percent(5, 0)).toBeNull();
  });
});
