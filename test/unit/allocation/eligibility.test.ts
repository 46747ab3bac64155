import type { ApplicationDoc, SubmittedData } from '../../../services/applications/application';
import {
  allocationItemOf,
  eligibilityGates,
  type GateCode,
} from '../../../services/allocation/eligibility';
import type { OwnerAcceptanceDoc } from '../../../services/allocation/owner-acceptance';

const DATA: SubmittedData = {
  title: 'Digital ansökan om förskoleplats',
  portfolioId: 'p1',
  part: 'improvement',
  organisation: 'Utbildningsförvaltningen',
  contactName: 'Anna Andersson',
  contactEmail: 'anna.andersson@stad.example',
  crossOrganisational: false,
  need: 'Behov',
  userGroups: 'Vårdnadshavare',
  kfGoals: ['attractive'],
  yearlyEffectSek: 1_200_000,
  devCost: 1_200_000,
  yearlyRunningCost: 150_000,
  costSharing: [
    { organisation: 'Utbildningsförvaltningen', percent: 70 },
    { organisation: 'Stadsledningskontoret', percent: 30 },
  ],
  ownerName: 'Eva Ek',
  ownerOrganisation: 'Kommungemensam IT',
  ownerEmail: 'eva.ek@stad.example',
  startDate: '2027-02-01',
  endDate: '2027-11-30',
  isStage: false,
  reuse: 'common',
  reuseDetails: 'Plattformen',
  securityClass: '1',
  accessibilityPlan: 'WCAG',
};

function app(data: Partial<SubmittedData> = {}, meanScore: number | null = 4.2): ApplicationDoc {
  return {
    _id: 'app-1',
    ownerId: '00000000-0000-0000-0000-000000000001',
    ownerName: 'Anna Andersson',
    status: 'recommended',
    inputs: {},
    step: 5,
    reached: 5,
    data: { ...DATA, ...data },
    regNo: 'PK 2027/0001',
    version: 3,
    createdAt: '2026-11-01T10:00:00Z',
    updatedAt: '2026-12-01T10:00:00Z',
    ...(meanScore === null
      ? {}
      : {
          review: {
            closedAt: '2026-12-01T10:00:00Z',
            closedBy: 'chair',
            recommendation: 'recommended',
            meanScore,
            meanByCriterion: {},
            votes: { approve: 3, reject: 0, abstain: 0 },
            recusedMemberIds: [],
            recusedNames: [],
          },
        }),
  };
}

function acceptance(
  status: OwnerAcceptanceDoc['status'],
  over: Partial<OwnerAcceptanceDoc> = {},
): OwnerAcceptanceDoc {
  return {
    _id: 'app-1',
    appId: 'app-1',
    regNo: 'PK 2027/0001',
    ownerName: 'Eva Ek',
    ownerEmail: 'eva.ek@stad.example',
    ...(status === 'unresolved'
      ? {}
      : { ownerUserId: '00000000-0000-0000-0000-000000000005', ownerUserName: 'Eva Ek' }),
    seq: 1,
    status,
    yearlyRunningCost: 150_000,
    version: 1,
    updatedAt: '2026-12-01T10:00:00Z',
    ...over,
  };
}

const codes = (gates: { code: GateCode }[]): GateCode[] => gates.map((g) => g.code);

describe('eligibility gates before money', () => {
  it('when the owner accepted, the running cost is shared in full and the timeline fits the year, then nothing is missing', () => {
    expect(
      eligibilityGates({
        app: app(),
        acceptance: acceptance('accepted'),
        ownerReachable: true,
        year: 2027,
      }),
    ).toEqual([]);
  });

  it('when the owner is not a known person, then the gate says the owner has not accepted and names the e-mail to resolve', () => {
    const gates = eligibilityGates({
      app: app(),
      acceptance: null,
      ownerReachable: false,
      year: 2027,
    });
    expect(codes(gates)).toEqual(['owner_unknown']);
    expect(gates[0].params.email).toBe('eva.ek@stad.example');
    expect(
      codes(
        eligibilityGates({
          app: app(),
          acceptance: acceptance('unresolved'),
          ownerReachable: false,
          year: 2027,
        }),
      ),
    ).toEqual(['owner_unknown']);
  });

  it('when the owner was asked but cannot be reached, has not answered, or declined, then each is its own reason not to fund', () => {
    expect(
      codes(
        eligibilityGates({
          app: app(),
          acceptance: acceptance('requested'),
          ownerReachable: false,
          year: 2027,
        }),
      ),
    ).toEqual(['owner_unreachable']);
    expect(
      codes(
        eligibilityGates({
          app: app(),
          acceptance: acceptance('requested'),
          ownerReachable: true,
          year: 2027,
        }),
      ),
    ).toEqual(['owner_waiting']);
    const declined = eligibilityGates({
      app: app(),
      acceptance: acceptance('declined', { comment: 'Ingen budget för drift' }),
      ownerReachable: true,
      year: 2027,
    });
    expect(codes(declined)).toEqual(['owner_declined']);
    expect(declined[0].params.comment).toBe('Ingen budget för drift');
  });

  it('when the running-cost shares do not sum to 100 %, then the sharing is not decided; with no running cost there is nothing to share', () => {
    const partial = app({
      costSharing: [{ organisation: 'Utbildningsförvaltningen', percent: 70 }],
    });
    const gates = eligibilityGates({
      app: partial,
      acceptance: acceptance('accepted'),
      ownerReachable: true,
      year: 2027,
    });
    expect(codes(gates)).toEqual(['cost_sharing']);
    expect(gates[0].params.sum).toBe(70);
    const none = app({ costSharing: [], yearlyRunningCost: 0 });
    expect(
      eligibilityGates({
        app: none,
        acceptance: acceptance('accepted'),
        ownerReachable: true,
        year: 2027,
      }),
    ).toEqual([]);
  });

  it('when the project runs past the fiscal year, then it fits only as a stage that covers the year', () => {
    const long = app({ startDate: '2027-02-01', endDate: '2028-06-30' });
    expect(
      codes(
        eligibilityGates({
          app: long,
          acceptance: acceptance('accepted'),
          ownerReachable: true,
          year: 2027,
        }),
      ),
    ).toEqual(['timeline']);
    const stage = app({ startDate: '2027-02-01', endDate: '2028-06-30', isStage: true });
    expect(
      eligibilityGates({
        app: stage,
        acceptance: acceptance('accepted'),
        ownerReachable: true,
        year: 2027,
      }),
    ).toEqual([]);
    expect(
      codes(
        eligibilityGates({
          app: stage,
          acceptance: acceptance('accepted'),
          ownerReachable: true,
          year: 2029,
        }),
      ),
    ).toEqual(['timeline']);
    expect(
      codes(
        eligibilityGates({
          app: app(),
          acceptance: acceptance('accepted'),
          ownerReachable: true,
          year: 2028,
        }),
      ),
    ).toEqual(['timeline']);
  });

  it('when the review left no usable score, then the application cannot be ranked', () => {
    expect(
      codes(
        eligibilityGates({
          app: app({}, null),
          acceptance: acceptance('accepted'),
          ownerReachable: true,
          year: 2027,
        }),
      ),
    ).toEqual(['score']);
    expect(
      codes(
        eligibilityGates({
          app: app({}, 0),
          acceptance: acceptance('accepted'),
          ownerReachable: true,
          year: 2027,
        }),
      ),
    ).toEqual(['score']);
  });

  it('when several things are missing, then every one is listed', () => {
    const bad = app({ costSharing: [], startDate: '2026-01-01', endDate: '2026-12-31' });
    expect(
      codes(eligibilityGates({ app: bad, acceptance: null, ownerReachable: false, year: 2027 })),
    ).toEqual(['owner_unknown', 'cost_sharing', 'timeline']);
  });

  it('when an eligible application becomes an allocation item, then its amount is the development cost and its value comes from the review and the benefit calculation', () => {
    expect(allocationItemOf(app())).toEqual({
      id: 'app-1',
      regNo: 'PK 2027/0001',
      title: 'Digital ansökan om förskoleplats',
      part: 'improvement',
      amount: 1_200_000,
      meanScore: 4.2,
      yearlyEffectSek: 1_200_000,
      yearlyRunningCost: 150_000,
      devCost: 1_200_000,
    });
  });
});
