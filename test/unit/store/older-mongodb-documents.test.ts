/**
 * Before the MongoDB engine dropped `undefined` on write, the driver stored it as null. Such
 * documents stay in a database, so the services read a null optional field as absent.
 */
import type { ReportDoc } from '../../../services/followup/project';
import { latestRealised } from '../../../services/insight/figures';
import { partsOf, PortfolioDoc } from '../../../services/portfolios/portfolio-repository';

function report(period: string, fields: Record<string, unknown>): ReportDoc {
  return {
    _id: `p1:${period}`,
    projectId: 'p1',
    period,
    kind: 'status',
    dueDate: `${period}-01`,
    health: 'on_track',
    spentSek: 0,
    milestones: '',
    comment: '',
    submittedBy: 'x',
    submittedByName: 'X',
    submittedAt: `${period}-02T00:00:00.000Z`,
    version: 1,
    ...fields,
  } as ReportDoc;
}

describe('documents an older MongoDB engine wrote with null for undefined', () => {
  it('when a report holds null realised effects, then it does not count as having reported benefit', () => {
    const stored = [report('2027-03', { realisedEffectSek: null, realisedEffectHours: null })];
    expect(latestRealised(stored)).toBeUndefined();
    const both = [...stored, report('2027-01', { realisedEffectSek: 1000 })];
    expect(latestRealised(both)?.period).toBe('2027-01');
  });

  it('when a portfolio holds null for a part, then that part is not one of its parts', () => {
    const parts = { innovation: { sharePercent: 100 }, improvement: null, maintenance: null };
    expect(partsOf({ parts } as unknown as Pick<PortfolioDoc, 'parts'>)).toEqual(['innovation']);
  });
});
