import fc from 'fast-check';
import { parseRulesArgs } from '../../../bot/commands/review-rules-command';
import { ApplicationDoc, SubmittedData } from '../../../services/applications/application';
import { parsePortfolioArgs } from '../../../services/channels/bind-review-channel';
import { parseMissingSteps } from '../../../services/review/completeness';
import { benefitProfile, profileOverlap } from '../../../services/review/benefit-similarity';
import { compareBenefits } from '../../../services/review/duplicate-benefits';
import { hasHardFlag, javFlags } from '../../../services/review/jav';
import { parseRoleChanges, roleOf } from '../../../services/review/role-grants';
import { messageLink } from '../../../services/review/review-view';
import { VoteDoc } from '../../../services/review/review-types';
import {
  computeTally,
  isDivergent,
  majorityOf,
  recusedOf,
  scoreStatistics,
  voteCounts,
} from '../../../services/review/tally';
import { PortfolioDoc } from '../../../services/portfolios/portfolio-repository';

const data = (over: Partial<SubmittedData> = {}): SubmittedData => ({
  title: 'Digital ansökan om förskoleplats',
  portfolioId: 'p1',
  part: 'improvement',
  organisation: 'Utbildningsförvaltningen',
  contactName: 'Anna Andersson',
  contactEmail: 'anna.andersson@stad.example',
  crossOrganisational: false,
  need: 'Föräldrar ansöker i dag på papper och handläggningen tar tre veckor.',
  userGroups: 'Vårdnadshavare och handläggare.',
  kfGoals: ['attractive'],
  citizenBenefit: 'Besked inom två dagar i stället för tre veckor.',
  internalBenefit: 'Handläggarna slipper manuell registrering av ansökningar.',
  yearlyEffectSek: 1_200_000,
  realisationPlan: 'Två handläggartjänster omfördelas under 2027.',
  realisationOwner: 'Avdelningschef förskola',
  devCost: 1_200_000,
  yearlyRunningCost: 150_000,
  costSharing: [{ organisation: 'Utbildningsförvaltningen', percent: 100 }],
  ownerName: 'E-tjänstförvaltningen',
  ownerOrganisation: 'Stadsledningskontoret',
  ownerEmail: 'etjanst@stad.example',
  startDate: '2027-02-01',
  endDate: '2027-11-30',
  isStage: false,
  reuse: 'common',
  reuseDetails: 'Gemensam plattform.',
  securityClass: '1',
  accessibilityPlan: 'WCAG 2.1 AA.',
  ...over,
});

const app = (
  id: string,
  over: Partial<SubmittedData> = {},
  ownerId = 'owner-1',
): ApplicationDoc => ({
  _id: id,
  ownerId,
  ownerName: 'Anna Andersson',
  status: 'in_review',
  inputs: {},
  step: 6,
  reached: 6,
  data: data(over),
  regNo: `PK 2026/${id}`,
  version: 1,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});

const vote = (memberId: string, over: Partial<VoteDoc> = {}): VoteDoc => ({
  _id: `item|${memberId}`,
  itemId: 'item',
  memberId,
  memberName: memberId.toUpperCase(),
  conflict: 'none',
  updatedAt: '2026-01-01T00:00:00Z',
  rev: 1,
  ...over,
});

const all4 = {
  citizenBenefit: 4,
  organisationBenefit: 4,
  goalFit: 4,
  costEffectiveness: 4,
  feasibility: 4,
  reuse: 4,
};

describe('tally and result', () => {
  it('when members declare jäv, then they are not counted for quorum nor as remaining', () => {
    const votes = [
      vote('a', { vote: 'approve', scores: all4 }),
      vote('b', { conflict: 'declared' }),
      vote('c', { conflict: 'ruled' }),
      vote('d'),
    ];
    const tally = computeTally(new Set(['a', 'b', 'c', 'd', 'e']), votes, 2);
    expect(tally).toEqual({
      eligible: 3,
      conflicted: 2,
      voted: 1,
      remaining: 2,
      quorum: 2,
      quorumReached: false,
    });
  });

  it('when a member who voted has left the channel, then the vote still counts', () => {
    const tally = computeTally(new Set(['b']), [vote('a', { vote: 'reject', scores: all4 })], 1);
    expect(tally.voted).toBe(1);
    expect(tally.eligible).toBe(2);
    expect(tally.quorumReached).toBe(true);
  });

  it('for any roster and votes, then the tally counts as the rules say: the conflicted never, a vote from someone who left always', () => {
    // The rules written out the slow, obvious way.
    const reference = (eligible: string[], votes: VoteDoc[]) => {
      const conflicted = new Set(
        votes
          .filter((v) => v.conflict === 'declared' || v.conflict === 'ruled')
          .map((v) => v.memberId),
      );
      const voted = new Set(
        votes.filter((v) => v.vote && !conflicted.has(v.memberId)).map((v) => v.memberId),
      );
      const everyone = new Set([...eligible, ...voted]);
      const counted = [...everyone].filter((id) => !conflicted.has(id));
      return {
        eligible: counted.length,
        conflicted: conflicted.size,
        voted: voted.size,
        remaining: counted.filter((id) => !voted.has(id)).length,
      };
    };
    const ids = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h');
    fc.assert(
      fc.property(
        fc.uniqueArray(ids),
        fc.uniqueArray(
          fc.record({
            id: ids,
            conflict: fc.constantFrom(undefined, 'none', 'declared', 'ruled'),
            vote: fc.constantFrom(undefined, 'approve', 'reject', 'abstain'),
          }),
          { selector: (v) => v.id },
        ),
        (eligible, drawn) => {
          const votes = drawn.map((d) =>
            vote(d.id, {
              conflict: d.conflict as VoteDoc['conflict'],
              vote: d.vote as VoteDoc['vote'],
            }),
          );
          const tally = computeTally(new Set(eligible), votes, 3);
          const expected = reference(eligible, votes);
          // When jäv leaves fewer than 3 who can vote, all of them must (never fewer than one).
          const needed = Math.max(1, Math.min(3, expected.eligible));
          expect(tally).toEqual({
            ...expected,
            quorum: needed,
            quorumReached: expected.voted >= needed,
          });
        },
      ),
    );
  });

  it('when scores diverge widely on a criterion, then it is flagged; abstentions and the conflicted do not count', () => {
    const votes = [
      vote('a', { vote: 'approve', scores: { ...all4, citizenBenefit: 5 } }),
      vote('b', { vote: 'reject', scores: { ...all4, citizenBenefit: 1 } }),
      vote('c', { vote: 'abstain', scores: { ...all4, citizenBenefit: 3 } }),
      vote('d', { conflict: 'declared', vote: 'approve', scores: { ...all4, citizenBenefit: 5 } }),
    ];
    const stats = scoreStatistics(votes);
    expect(stats.meanByCriterion.citizenBenefit).toBe(3);
    expect(stats.spreadByCriterion.citizenBenefit).toEqual({ min: 1, max: 5, sd: 2 });
    expect(stats.divergentCriteria).toEqual(['citizenBenefit']);
    expect(stats.meanScore).toBe(3.83);
    expect(stats.scoredBy).toBe(2);
    expect(voteCounts(votes)).toEqual({ approve: 1, reject: 1, abstain: 1 });
    expect(majorityOf(voteCounts(votes))).toBe('tie');
    expect(recusedOf(votes)).toEqual([{ id: 'd', name: 'D', how: 'declared' }]);
  });

  it('when scores are close, then nothing is divergent; a gap of three is', () => {
    expect(isDivergent(3, 4, 0.5)).toBe(false);
    expect(isDivergent(2, 5, 1)).toBe(true);
    expect(majorityOf({ approve: 2, reject: 1 })).toBe('recommended');
    expect(majorityOf({ approve: 0, reject: 1 })).toBe('not_recommended');
  });
});

describe('jäv flags', () => {
  const a = app('1', {
    crossOrganisational: true,
    partnerOrganisations: 'Stadsbyggnadskontoret; Socialförvaltningen',
  });

  it('when the member is the applicant, then the flag cannot be waived', () => {
    const flags = javFlags(a, { aadObjectId: 'OWNER-1' });
    expect(flags).toEqual([{ kind: 'applicant' }]);
    expect(hasHardFlag(flags)).toBe(true);
  });

  it('when the member is the contact person by e-mail or by name, then they are flagged', () => {
    expect(javFlags(a, { aadObjectId: 'x', email: 'Anna.Andersson@stad.example' })).toEqual([
      { kind: 'contact' },
    ]);
    expect(javFlags(a, { aadObjectId: 'x', name: 'anna andersson' })).toEqual([
      { kind: 'contact' },
    ]);
  });

  it('when the member belongs to the applying or a partner organisation, then they are flagged softly (accents and case ignored)', () => {
    const flags = javFlags(a, { aadObjectId: 'x', organisation: 'UTBILDNINGSFORVALTNINGEN' });
    expect(flags).toEqual([{ kind: 'organisation', detail: 'Utbildningsförvaltningen' }]);
    expect(hasHardFlag(flags)).toBe(false);
    expect(javFlags(a, { aadObjectId: 'x', department: 'Socialförvaltningen' })).toEqual([
      { kind: 'organisation', detail: 'Socialförvaltningen' },
    ]);
    expect(
      javFlags(a, { aadObjectId: 'x', organisation: 'Kulturförvaltningen', name: 'Bo Berg' }),
    ).toEqual([]);
  });
});

describe('possible double counting of benefit', () => {
  it('when two applications from the same organisation describe the same saving, then they are flagged with reasons', () => {
    const match = compareBenefits(
      app('1'),
      app('2', {
        title: 'E-ansökan förskola',
        citizenBenefit: 'Föräldrar får besked inom två dagar.',
      }),
    );
    expect(match?.reasons).toEqual([
      'same_organisation',
      'same_process',
      'similar_text',
      'overlapping_savings',
    ]);
    expect(match!.similarity).toBeGreaterThan(0.5);
  });

  it('when the texts differ and nothing else is shared, then there is no match', () => {
    const other = app('3', {
      title: 'Sensorer för snöröjning',
      organisation: 'Trafikkontoret',
      need: 'Vägar plogas i onödan när snödjupet är litet.',
      citizenBenefit: 'Säkrare gator vintertid.',
      internalBenefit: 'Färre onödiga utryckningar med plogbilar.',
      realisationPlan: 'Avtalet med entreprenören ändras.',
      realisationOwner: 'Driftchef gata',
      ownerName: 'Trafikkontorets IT',
    });
    expect(compareBenefits(app('1'), other)).toBeNull();
  });

  it('when words differ only in endings and accents, then they still match; filler words do not', () => {
    const a = benefitProfile({ title: 'Placeringen av förskoleplatser' });
    const b = benefitProfile({ title: 'placering forskoleplats' });
    expect(profileOverlap(a, b).similarity).toBeCloseTo(1, 5);
    expect(benefitProfile({ need: 'och att det för med projektet staden' }).weights.size).toBe(0);
  });
});

describe('command arguments', () => {
  const portfolios = [1, 2, 3, 4, 5].map(
    (n) =>
      ({
        _id: `p${n}`,
        number: n,
        key: ['tillganglighet', 'information', 'utbildning', 'samverkan', 'innovation'][n - 1],
      }) as PortfolioDoc,
  );

  it('when "koppla" names portfolios by number, key, "alla" or a list, then they are found; unknown words are reported', () => {
    expect(parsePortfolioArgs('1', portfolios)).toEqual({ kind: 'ok', ids: ['p1'] });
    expect(parsePortfolioArgs('Innovation', portfolios)).toEqual({ kind: 'ok', ids: ['p5'] });
    expect(parsePortfolioArgs('Tillgänglighet', portfolios)).toEqual({ kind: 'ok', ids: ['p1'] });
    expect(parsePortfolioArgs('alla', portfolios)).toEqual({
      kind: 'ok',
      ids: ['p1', 'p2', 'p3', 'p4', 'p5'],
    });
    expect(parsePortfolioArgs('5, 1 och 3', portfolios)).toEqual({
      kind: 'ok',
      ids: ['p1', 'p3', 'p5'],
    });
    expect(parsePortfolioArgs('portfölj 2.', portfolios)).toEqual({ kind: 'ok', ids: ['p2'] });
    expect(parsePortfolioArgs('sju 1', portfolios)).toEqual({ kind: 'unknown', words: ['sju'] });
    expect(parsePortfolioArgs('  ', portfolios)).toEqual({ kind: 'empty' });
  });

  it('when review rules are written in Swedish or English, then the changes are read; nonsense is reported', () => {
    expect(parseRulesArgs('1 kvorum 4 dagar 15 yttrande ja')).toEqual({
      portfolioWords: ['1'],
      change: { quorum: 4, reviewDays: 15, statementRequired: true },
      bad: [],
    });
    expect(parseRulesArgs('all statement no')).toEqual({
      portfolioWords: ['all'],
      change: { statementRequired: false },
      bad: [],
    });
    expect(parseRulesArgs('2 kvorum fyra').bad).toEqual(['kvorum']);
  });

  it('when roles are written with + and -, then they are read in Swedish and English', () => {
    expect(parseRoleChanges('+ordförande -ledamot it')).toEqual({
      kind: 'ok',
      add: ['chair', 'it'],
      remove: ['reviewer'],
    });
    expect(parseRoleChanges('+chair +decisionmaker')).toEqual({
      kind: 'ok',
      add: ['chair', 'decisionMaker'],
      remove: [],
    });
    expect(parseRoleChanges('+kung')).toEqual({ kind: 'bad', words: ['+kung'] });
    expect(roleOf('Beslutsfattare')).toBe('decisionMaker');
  });

  it('when the completeness checklist is sent, then only known steps are accepted, in wizard order', () => {
    expect(parseMissingSteps('costs,benefit')).toEqual(['benefit', 'costs']);
    expect(parseMissingSteps('')).toEqual([]);
    expect(parseMissingSteps('benefit,hack')).toBeNull();
    expect(parseMissingSteps(['need'])).toEqual(['need']);
    expect(parseMissingSteps({ a: 1 })).toEqual([]);
  });
});

describe('deep links', () => {
  it('when another item has a review thread, then the link points at its message in Teams', () => {
    expect(messageLink('19:abc@thread.tacv2', '123', 'tenant', 'group')).toBe(
      'https://teams.microsoft.com/l/message/19%3Aabc%40thread.tacv2/123?parentMessageId=123&tenantId=tenant&groupId=group',
    );
  });
});
