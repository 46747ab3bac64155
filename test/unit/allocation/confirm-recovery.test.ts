import type { ApplicationDoc } from '../../../services/applications/application';
import {
  confirmRound,
  openRound,
  recordOf,
  viewRound,
} from '../../../services/allocation/allocate';
import { ledgerIdFor } from '../../../services/allocation/frame-ledger';
import { createLogger } from '../../../services/logging/logger';
import { createServices, Services } from '../../../services/services';
import type { Actor } from '../../../services/shared/actor';
import { openTestStore } from '../../support/test-store';

const NOW = new Date('2027-01-20T10:00:00Z');
const DM: Actor = {
  aadObjectId: '00000000-0000-0000-0000-0000000000d1',
  name: 'Dora Beslut',
  locale: 'sv',
};
const DM2: Actor = {
  aadObjectId: '00000000-0000-0000-0000-0000000000d2',
  name: 'Dan Beslut',
  locale: 'sv',
};
const OWNER = '00000000-0000-0000-0000-0000000000e1';
const APPLICANT = '00000000-0000-0000-0000-0000000000a1';

function application(n: number, devCost: number, meanScore: number): ApplicationDoc {
  const id = `00000000-0000-0000-0000-00000000010${n}`;
  return {
    _id: id,
    ownerId: APPLICANT,
    ownerName: 'Anna Andersson',
    status: 'recommended',
    inputs: {},
    step: 5,
    reached: 5,
    regNo: `PK 2027/000${n}`,
    version: 4,
    createdAt: '2026-11-01T10:00:00Z',
    updatedAt: '2026-12-01T10:00:00Z',
    data: {
      title: `Projekt ${n}`,
      portfolioId: 'p1',
      part: 'improvement',
      organisation: 'Utbildningsförvaltningen',
      contactName: 'Anna Andersson',
      contactEmail: 'anna@stad.example',
      crossOrganisational: false,
      need: 'Behov',
      userGroups: 'Alla',
      kfGoals: ['attractive'],
      realisationPlan: 'Plan',
      devCost,
      yearlyRunningCost: 100_000,
      costSharing: [{ organisation: 'Utbildningsförvaltningen', percent: 100 }],
      ownerName: 'Ägare',
      ownerOrganisation: 'IT',
      ownerEmail: 'agare@stad.example',
      startDate: '2027-02-01',
      endDate: '2027-10-31',
      isStage: false,
      reuse: 'common',
      reuseDetails: 'x',
      securityClass: '1',
      accessibilityPlan: 'x',
    },
    review: {
      closedAt: '2026-12-01T10:00:00Z',
      closedBy: 'chair',
      recommendation: 'recommended',
      meanScore,
      meanByCriterion: {},
      votes: { approve: 3, reject: 0, abstain: 0 },
      recusedMemberIds: ['00000000-0000-0000-0000-0000000000f1'],
      recusedNames: ['Fia Jävig'],
    },
  };
}

describe('confirming a round survives a crash half-way', () => {
  let s: Services;
  let apps: ApplicationDoc[];

  beforeEach(async () => {
    s = await createServices(await openTestStore(), {
      clock: () => NOW,
      log: createLogger('silent'),
      admins: [],
    });
    await s.portfolios.upsert({
      _id: 'p1',
      number: 1,
      key: 'tillganglighet',
      name: { sv: 'Tillgänglighet', en: 'Accessibility' },
      relaxedBenefit: false,
      frames: [
        {
          year: 2027,
          amount: 2_000_000,
          shares: { innovation: 0, improvement: 100, maintenance: 0 },
        },
      ],
      quorum: 3,
      reviewDays: 10,
    });
    for (const a of [DM, DM2])
      await s.users.setRoles(a.aadObjectId, ['decisionMaker', 'chair'], NOW);
    await s.users.upsertProfile(OWNER, { name: 'Ägare', email: 'agare@stad.example' }, NOW);
    apps = [application(1, 1_500_000, 4), application(2, 1_500_000, 3)];
    for (const a of apps) await s.applications.insert(a);
    // The owner asked by the first `fördela` accepted both.
    await openRound(s, DM, 'p1', 2027);
    for (const a of apps) {
      const doc = (await s.allocation.owners.get(a._id))!;
      await s.allocation.owners.updateIfVersion(a._id, doc.version, {
        $set: { status: 'accepted', answeredAt: NOW.toISOString() },
      });
    }
  });

  it('when the ledger holds decisions whose records and effects were cut short, then the next look at the portfolio finishes them, once', async () => {
    const { state } = await openRound(s, DM, 'p1', 2027);
    expect(state.drafts.map((d) => [d.appId, d.outcome])).toEqual([
      [apps[0]._id, 'approved'],
      [apps[1]._id, 'rejected'],
    ]);
    const portfolio = (await s.portfolios.get('p1'))!;
    const records = state.drafts.map((d) =>
      recordOf(
        d,
        apps.find((a) => a._id === d.appId)!,
        portfolio,
        2027,
        state.round._id,
        DM,
        'KS 4.2',
        NOW,
      ),
    );
    // The crash: the ledger committed, nothing else happened.
    expect(
      await s.allocation.ledgers.commit(
        ledgerIdFor('p1', 2027),
        records,
        state.round._id,
        NOW,
        DM.aadObjectId,
      ),
    ).not.toBeNull();
    expect(await s.allocation.decisions.all()).toEqual([]);

    const view = await viewRound(s, DM2, state.round._id);
    expect(view.state.candidates).toEqual([]);
    const decisions = await s.allocation.decisions.all();
    expect(decisions.map((d) => [d.applicationId, d.outcome, d.amount])).toEqual([
      [apps[0]._id, 'approved', 1_500_000],
      [apps[1]._id, 'rejected', 0],
    ]);
    expect(decisions[0].recusedNames).toEqual(['Fia Jävig']);
    expect((await s.applications.get(apps[0]._id))!.status).toBe('approved');
    expect((await s.applications.get(apps[1]._id))!.status).toBe('rejected');
    expect((await s.followup.projects.byApplication(apps[0]._id))!.grantedSek).toBe(1_500_000);
    expect(await s.outbox.get(`decision-applicant:${records[0]._id}`)).not.toBeNull();

    // Looking again changes nothing more.
    const auditCount = (await s.audit.forEntity(apps[0]._id)).length;
    await viewRound(s, DM2, state.round._id);
    expect(await s.allocation.decisions.all()).toHaveLength(2);
    expect((await s.audit.forEntity(apps[0]._id)).length).toBe(auditCount);
  });

  it('when a confirmation stopped after it claimed the round, then another decision maker finishes it without charging the frame twice', async () => {
    const { state } = await openRound(s, DM, 'p1', 2027);
    const portfolio = (await s.portfolios.get('p1'))!;
    const records = state.drafts.map((d) =>
      recordOf(
        d,
        apps.find((a) => a._id === d.appId)!,
        portfolio,
        2027,
        state.round._id,
        DM,
        'KS 4.2',
        NOW,
      ),
    );
    // The crash: the round was claimed for confirmation, the ledger not yet charged.
    await s.allocation.rounds.update(
      { _id: state.round._id, status: 'open' },
      {
        $set: {
          status: 'confirming',
          confirmation: {
            by: DM.aadObjectId,
            byName: DM.name,
            at: NOW.toISOString(),
            delegation: 'KS 4.2',
            records,
          },
        },
        $inc: { version: 1 },
      },
    );
    // The second decision maker's click finishes the first one's decision, and is told whose it is.
    const first = await confirmRound(s, DM2, state.round._id, 'whatever', 'KS 4.3');
    expect(first.notice).toBe('already_confirmed');
    expect(first.noticeParams).toEqual({ name: DM.name });
    expect(first.state.round.status).toBe('confirmed');
    const again = await confirmRound(s, DM2, state.round._id, 'whatever', 'KS 4.3');
    expect(again.notice).toBe('already_confirmed');
    const ledger = (await s.allocation.ledgers.get('p1', 2027))!;
    expect(ledger.used.improvement).toBe(1_500_000);
    const decisions = await s.allocation.decisions.all();
    expect(decisions).toHaveLength(2);
    // The record says who confirmed first and under which delegation: the claim, not the finisher.
    expect(
      decisions.every(
        (d) => d.decidedBy.aadObjectId === DM.aadObjectId && d.delegation === 'KS 4.2',
      ),
    ).toBe(true);
  });
});
