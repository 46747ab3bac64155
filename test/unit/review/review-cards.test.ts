import { completenessCard, completionRequestCard } from '../../../cards/completeness-cards';
import { AdaptiveCard, cardUtf16Bytes as cardBytes, MAX_CARD_BYTES } from '../../../cards/render';
import { reviewApplicationCard, reviewCard } from '../../../cards/review-cards';
import { ApplicationDoc } from '../../../services/applications/application';
import { STEPS } from '../../../services/applications/wizard-steps';
import { CRITERIA } from '../../../services/review/review-types';
import { ReviewSnapshot, ViewerState } from '../../../services/review/review-view';
import { cardText } from '../../support/test-app';

const long = (n: number): string => '*_[x]* '.repeat(Math.ceil(n / 7)).slice(0, n);

function snapshot(over: Partial<ReviewSnapshot> = {}): ReviewSnapshot {
  return {
    rev: 3,
    itemId: 'item-1',
    appId: 'item-1',
    regNo: 'PK 2026/0001',
    facts: {
      title: long(120),
      organisation: long(200),
      applicantName: 'Anna Andersson',
      portfolio: { number: 1, name: { sv: 'Tillgänglighet', en: 'Accessibility' } },
      part: 'improvement',
      devCost: 1_200_000,
      yearlyRunningCost: 150_000,
      yearlyEffectSek: 1_000_000,
      yearlyEffectHours: 2000,
      citizenBenefit: long(600),
      internalBenefit: long(600),
      kfGoals: ['attractive', 'quality', 'costEffective'],
      reuse: 'local',
    },
    status: 'open',
    withdrawn: false,
    openedAt: '2026-11-20T10:00:00Z',
    deadline: '2026-12-04',
    deadlinePassed: false,
    statement: {
      byId: 'it',
      byName: 'Eva Ek',
      at: '2026-11-21T10:00:00Z',
      recommendation: 'advise_against',
      text: long(1500),
    },
    statementRequired: true,
    duplicates: Array.from({ length: 5 }, (_, i) => ({
      appId: `other-${i}`,
      regNo: `PK 2026/000${i + 2}`,
      title: long(120),
      organisation: long(200),
      status: 'approved',
      reasons: ['same_organisation', 'same_process', 'similar_text', 'overlapping_savings'],
      similarity: 0.71,
      channelId: '19:x@thread.tacv2',
      cardActivityId: '123',
      link: 'https://teams.microsoft.com/l/message/19%3Ax%40thread.tacv2/123?parentMessageId=123',
    })),
    moreDuplicates: 0,
    tally: {
      eligible: 60,
      conflicted: 2,
      voted: 30,
      remaining: 28,
      quorum: 3,
      quorumReached: true,
    },
    discussionCount: 12,
    refreshUserIds: Array.from({ length: 60 }, (_, i) => `29:1${'x'.repeat(40)}${i}`),
    ...over,
  };
}

function viewer(over: Partial<ViewerState> = {}): ViewerState {
  return {
    aadObjectId: 'me',
    name: 'Maja',
    member: true,
    chair: true,
    it: true,
    conflict: 'none',
    flags: [],
    hardFlag: false,
    vote: 'approve',
    scores: {
      citizenBenefit: 4,
      organisationBenefit: 4,
      goalFit: 4,
      costEffectiveness: 4,
      feasibility: 4,
      reuse: 4,
    },
    comment: long(2000),
    votedAt: '2026-11-22T10:00:00Z',
    interim: { meanScore: 3.5, meanByCriterion: { citizenBenefit: 3.5 }, scoredBy: 10 },
    objectionForm: true,
    members: Array.from({ length: 60 }, (_, i) => ({
      id: `member-${i}`,
      name: `Ledamot med ett långt namn ${i}`,
    })),
    openObjections: Array.from({ length: 10 }, (_, i) => ({
      id: `o-${i}`,
      memberName: 'Nils',
      raisedByName: 'Maja',
      reason: long(1000),
      at: '2026-11-22',
    })),
    majority: 'recommended',
    closeBlockers: [],
    ...over,
  };
}

/** Every element of a card (body, nested items, actions, ShowCards) that matches. */
function elements(card: unknown, match: (o: Record<string, unknown>) => boolean) {
  const out: Record<string, unknown>[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (match(o)) out.push(o);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}
const inputIds = (card: AdaptiveCard): string[] =>
  elements(card, (o) => typeof o.type === 'string' && o.type.startsWith('Input.')).map(
    (o) => o.id as string,
  );
const verbs = (card: AdaptiveCard): string[] =>
  elements(card, (o) => o.type === 'Action.Execute').map((o) => o.verb as string);

/** The verbs of the card's own buttons (at its foot). */
const cardActions = (card: AdaptiveCard): string[] =>
  (card.actions as { verb: string }[]).map((a) => a.verb);

/** Every form and action a member who is also chair and IT function has on an open item. */
const FORM_INPUTS = [
  'vote',
  ...CRITERIA.map((c) => `s_${c}`),
  'comment',
  'ruling_note',
  'close_recommendation',
  'close_motivation',
  'st_recommendation',
  'st_text',
  'obj_member',
  'obj_reason',
];
const FORM_VERBS = [
  'review.vote',
  'review.recuse',
  'review.rule',
  'review.close',
  'review.statement',
  'review.object',
  'review.refresh',
  'review.application',
];

/** A closed item whose group was far larger than usual: 200 absent, 200 recused. */
function closedSnapshot(members: number): ReviewSnapshot {
  return snapshot({
    status: 'closed',
    result: {
      recommendation: 'not_recommended',
      majority: 'recommended',
      motivation: long(2000),
      votes: { approve: 1, reject: 0, abstain: 0 },
      meanScore: 3.5,
      meanByCriterion: { citizenBenefit: 3.5 },
      spreadByCriterion: { citizenBenefit: { min: 1, max: 5, sd: 1.5 } },
      divergentCriteria: ['citizenBenefit'],
      voterNames: ['Maja'],
      recused: Array.from({ length: members }, (_, i) => ({
        id: `r-${i}`,
        name: `Ledamot med jäv och ett långt namn ${i}`,
        how: i % 2 ? ('ruled' as const) : ('declared' as const),
      })),
      absentNames: Array.from({ length: members }, (_, i) => `Frånvarande ${long(120)} ${i}`),
      eligible: members,
      closedAt: '2026-12-05T10:00:00Z',
      closedBy: 'chair',
      closedByName: 'Maja',
    },
  });
}

describe('review cards', () => {
  it.each([
    ['at the maximum the services give (60 members, 10 reports)', 60, 10],
    ['beyond it (200 members, 50 reports)', 200, 50],
  ])(
    "when a member's own view holds 1,000-character reports of conflicts and a 2,000-character comment %s, then every view fits Teams' limit with the forms and actions whole",
    (_, members, objections) => {
      const comment = long(2000);
      const me = viewer({
        comment,
        members: Array.from({ length: members }, (_x, i) => ({
          id: `member-${i}`,
          name: `Ledamot med ett långt namn ${i}`,
        })),
        openObjections: Array.from({ length: objections }, (_x, i) => ({
          id: `o-${i}`,
          memberName: `Nils ${long(120)}`,
          raisedByName: `Maja ${long(120)}`,
          reason: long(1000),
          at: '2026-11-22',
        })),
      });
      for (const locale of ['sv', 'en'] as const) {
        const shared = reviewCard(snapshot(), locale);
        const own = reviewCard(snapshot(), locale, { viewer: me });
        expect(cardBytes(shared)).toBeLessThanOrEqual(MAX_CARD_BYTES);
        expect(cardBytes(own)).toBeLessThanOrEqual(MAX_CARD_BYTES);
        // The shared card asks each member in; the own view has every form and its actions.
        expect(cardActions(shared)).toEqual(['review.refresh', 'review.application']);
        expect(inputIds(own)).toEqual(FORM_INPUTS);
        expect(new Set(verbs(own))).toEqual(new Set(FORM_VERBS));
        // What the person typed is given back whole; quoted texts are what was shortened.
        const commentInput = elements(own, (o) => o.id === 'comment')[0];
        expect(commentInput.value).toBe(comment);
        expect(own.refresh).toEqual(shared.refresh);
        const text = cardText(own);
        expect(text).toContain(
          locale === 'sv' ? 'Långa texter är förkortade' : 'Long texts are shortened',
        );
        // The chair rules on the first reports; the rest are counted, none is lost silently.
        const listed = elements(own, (o) => o.verb === 'review.rule').length / 2;
        expect(listed).toBeGreaterThanOrEqual(1);
        expect(listed).toBeLessThanOrEqual(10);
        expect(text).toContain(
          locale === 'sv'
            ? `+ ${objections - listed} anmälningar till – de visas när du har prövat dessa.`
            : `+ ${objections - listed} more reports – they are shown once you have ruled on these.`,
        );
        // At most 60 members to choose from; more are counted.
        const choices = elements(own, (o) => o.id === 'obj_member')[0].choices as unknown[];
        expect(choices).toHaveLength(60);
        if (members > 60)
          expect(text).toContain(
            locale === 'sv'
              ? '+ 140 ledamöter till finns inte i listan.'
              : '+ 140 more members are not in the list.',
          );
        else expect(text).not.toMatch(/ledamöter till|more members/);
      }
    },
  );

  it("when a closed item's group had 200 members who did not vote or had a conflict, then the result lists a few names and counts the rest", () => {
    for (const locale of ['sv', 'en'] as const) {
      const card = reviewCard(closedSnapshot(200), locale);
      expect(cardBytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
      expect(cardActions(card)).toEqual(['review.application']);
      const text = cardText(card);
      expect(text).toMatch(
        locale === 'sv' ? /Röstade inte: .* och \d+ till\./ : /Did not vote: .* and \d+ more\./,
      );
      expect(text).toMatch(
        locale === 'sv'
          ? /\+ \d+ till deltog inte i beredningen på grund av jäv\./
          : /\+ \d+ more took no part in the review because of a conflict of interest\./,
      );
    }
    // A closed item of an ordinary group fits as it is: every name, nothing shortened.
    const small = cardText(reviewCard(closedSnapshot(6), 'sv'));
    expect(small).toContain('Frånvarande');
    expect(small).not.toMatch(/och \d+ till|Långa texter är förkortade/);
    expect(small.match(/Frånvarande/g)).toHaveLength(6);
  });

  it("when everything on the review card is at its maximum, then the card stays under Teams' size limit", () => {
    const base = reviewCard(snapshot(), 'sv');
    const mine = reviewCard(snapshot(), 'sv', { viewer: viewer() });
    expect(cardBytes(base)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(cardBytes(mine)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    // The shared card fits with every text as stored; only the own view had to be shortened.
    expect(cardText(base)).not.toContain('Långa texter är förkortade');
    // Shown whole (cardText reads it as the card shows it; the card holds it escaped as markdown).
    expect(cardText(base)).toContain(long(1500));
    expect(JSON.stringify(base)).toContain(
      JSON.stringify(long(1500).replace(/([*_[\]])/g, '\\$1')).slice(1, -1),
    );
    expect(base.refresh).toEqual({
      action: {
        type: 'Action.Execute',
        title: 'Uppdatera',
        verb: 'review.refresh',
        data: { itemId: 'item-1' },
      },
      userIds: snapshot().refreshUserIds,
    });
  });

  it('when an item has collected more possible double countings than a card lists, then the strongest five are shown and the rest are counted', () => {
    const hit = (i: number, reasons: number, similarity: number) => ({
      ...snapshot().duplicates[0],
      appId: `other-${i}`,
      regNo: `PK 2026/01${String(i).padStart(2, '0')}`,
      title: `Liknande projekt ${i}`,
      reasons: (
        ['same_organisation', 'same_process', 'similar_text', 'overlapping_savings'] as const
      ).slice(0, reasons),
      similarity,
    });
    // Back-links arrive in submission order; the strongest are 3, 7, 12, 0 and 18.
    const duplicates = Array.from({ length: 19 }, (_, i) =>
      [3, 7, 12].includes(i) ? hit(i, 4, 0.5 + i / 100) : hit(i, i === 0 || i === 18 ? 3 : 1, 0.3),
    );
    const text = cardText(reviewCard(snapshot({ duplicates }), 'sv'));
    const shown = [...text.matchAll(/PK 2026\/01(\d\d)/g)].map((m) => Number(m[1]));
    expect(shown).toEqual([12, 7, 3, 0, 18]);
    expect(text).toContain('… och 14 till med svagare överlapp.');
    const en = cardText(reviewCard(snapshot({ duplicates }), 'en'));
    expect(en).toContain('… and 14 more with weaker overlap.');
    // Weaker ones already left off the item's list are counted too.
    expect(cardText(reviewCard(snapshot({ duplicates, moreDuplicates: 2 }), 'sv'))).toContain(
      '… och 16 till med svagare överlapp.',
    );
    // Five or fewer: no such line.
    expect(cardText(reviewCard(snapshot(), 'sv'))).not.toContain('till med svagare');
  });

  it("when the card has no listed users, then refresh has no userIds; the base card never shows anyone's scores", () => {
    const card = reviewCard(snapshot({ refreshUserIds: [] }), 'sv');
    expect(card.refresh).toEqual({ action: expect.objectContaining({ verb: 'review.refresh' }) });
    const text = cardText(card);
    expect(text).toContain('Röstfördelning och betyg visas när ärendet avslutas.');
    expect(text).not.toContain('medelbetyg');
    expect(text).toContain('Möjlig dubbelräkning av nytta');
    expect(text).toContain('Avstyrker');
  });

  it('when the deadline has passed or the application was withdrawn, then the card says so on top', () => {
    expect(cardText(reviewCard(snapshot({ deadlinePassed: true }), 'sv'))).toContain(
      'Sista dag för bedömning har passerat (2026-12-04)',
    );
    expect(cardText(reviewCard(snapshot({ withdrawn: true }), 'sv'))).toContain(
      'Ansökan har dragits tillbaka',
    );
  });

  it('when the card is shown in English, then its text is English', () => {
    const text = cardText(
      reviewCard(snapshot(), 'en', {
        viewer: viewer({
          conflict: undefined,
          vote: undefined,
          flags: [{ kind: 'organisation', detail: 'Utbildningsförvaltningen' }],
        }),
      }),
    );
    expect(text).toContain('Possible double counting of benefit');
    expect(text).toContain('you belong to Utbildningsförvaltningen');
    expect(text).toContain('Yearly operation and maintenance');
    expect(text).not.toContain('Nytta för');
  });

  it('when a member declared jäv, then their view has no vote form and no interim scores', () => {
    const card = reviewCard(snapshot(), 'sv', {
      viewer: viewer({ conflict: 'declared', chair: false, it: false, interim: undefined }),
    });
    const json = JSON.stringify(card);
    expect(json).not.toContain('"verb":"review.vote"');
    expect(cardText(card)).toContain('Du har anmält jäv och deltar inte i beredningen av ärendet.');
  });

  it('when the application is as long as allowed and full of markdown, then "Visa hela ansökan" still fits', () => {
    const inputs: Record<string, string> = {};
    for (const step of STEPS) for (const f of step.fields) inputs[f.id] = long(f.max ?? 100);
    const app = {
      _id: 'a',
      ownerId: 'o',
      ownerName: 'Anna',
      status: 'in_review',
      inputs,
      step: 6,
      reached: 6,
      regNo: 'PK 2026/0001',
      version: 1,
      createdAt: '',
      updatedAt: '',
    } as ApplicationDoc;
    const comments = Array.from({ length: 40 }, (_, i) => ({
      _id: `c${i}`,
      itemId: 'a',
      authorId: 'x',
      authorName: 'Maja',
      text: long(4000),
      at: '2026-11-22',
    }));
    const card = reviewApplicationCard({
      app,
      locale: 'sv',
      portfolios: [],
      itemId: 'a',
      comments,
      checks: [],
    });
    expect(cardBytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(cardText(card)).toContain('Långa texter är förkortade');
  });

  it('when an application was completed, then the office card shows the history and what changed, and the applicant card opens the first step', () => {
    const model = {
      appId: 'a',
      regNo: 'PK 2026/0001',
      title: 'Projekt',
      organisation: 'Org',
      applicant: 'Anna',
      submittedAt: '2026-11-22T10:00:00Z',
      round: 2,
      history: [
        {
          round: 1,
          submittedAt: '2026-11-20T10:00:00Z',
          status: 'completion_requested' as const,
          byName: 'Björn',
          at: '2026-11-21T10:00:00Z',
          missingSteps: ['benefit' as const],
          note: 'Mer om nyttan.',
        },
      ],
      changedFields: ['yearlyEffectSek'],
    };
    const text = cardText(completenessCard(model, 'sv'));
    expect(text).toContain('Kompletterad ansökan PK 2026/0001 (omgång 2)');
    expect(text).toContain('Omgång 1: Björn begärde komplettering 2026-11-21 av: Nyttokalkyl.');
    expect(text).toContain('Beräknad effekt per år i kronor');
    const applicant = completionRequestCard(
      {
        appId: 'a',
        regNo: 'PK 2026/0001',
        title: 'Projekt',
        missingSteps: ['benefit', 'costs'],
        note: 'Mer.',
        byName: 'Björn',
      },
      'en',
    );
    expect(cardText(applicant)).toContain('Completion requested for PK 2026/0001');
    expect(JSON.stringify(applicant)).toContain(
      '"verb":"application.continue","style":"positive","data":{"appId":"a"}',
    );
  });
});
