import type { Part } from '../../../services/applications/wizard-steps';
import { decisionIdFor, type DecisionDoc } from '../../../services/decisions/decision';

/** A decision record for ledger and export tests; only what a test names differs. */
export function decision(
  over: Partial<DecisionDoc> & { applicationId: string; part?: Part },
): DecisionDoc {
  const seq = over.seq ?? 1;
  return {
    _id: decisionIdFor(over.applicationId, seq),
    seq,
    regNo: `PK 2027/${over.applicationId.slice(-4).padStart(4, '0')}`,
    title: 'Digital ansökan om förskoleplats',
    organisation: 'Utbildningsförvaltningen',
    applicantId: '00000000-0000-0000-0000-000000000001',
    applicantName: 'Anna Andersson',
    portfolioId: 'p1',
    portfolioNumber: 1,
    portfolioName: { sv: 'Tillgänglighet och service', en: 'Accessibility and service' },
    year: 2027,
    part: 'improvement',
    outcome: 'approved',
    amount: 1_000_000,
    requestedAmount: 1_000_000,
    kind: 'allocation',
    reasonText: { sv: 'Beviljas.', en: 'Granted.' },
    decidedBy: { aadObjectId: '00000000-0000-0000-0000-000000000004', name: 'David Dahl' },
    delegation: 'KS delegationsordning 2026 p. 4.2',
    recusedNames: [],
    recusedIds: [],
    decidedAt: '2027-01-20T10:00:00.000Z',
    decisionDate: '2027-01-20',
    ...over,
  };
}
