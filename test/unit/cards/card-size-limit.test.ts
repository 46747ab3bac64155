/**
 * No card that lists things passes Teams' limit, whatever the data: each list builder is given
 * 500 items with long Swedish text (å, ä, ö, an emoji, markdown to escape) and must stay under
 * 80 KB counted as Teams counts it, the JSON in UTF-16 (cardBytes: string length × 2, since
 * `length` counts UTF-16 code units). The guard that cuts an oversized card is tested here too.
 */
import { applicationsListCard } from '../../../cards/applications-list-card';
import { fitCard } from '../../../cards/card-size-guard';
import { noReportDueCard } from '../../../cards/followup-cards';
import {
  askFormCard,
  faqSearchCard,
  pickQuestionCard,
  suggestionsCard,
} from '../../../cards/coach-cards';
import { dashboardApplicationsCard } from '../../../cards/dashboard-cards';
import { portfolioAdminCard } from '../../../cards/portfolio-cards';
import { outboxAdminCard } from '../../../cards/reminder-cards';
import {
  AdaptiveCard,
  cardUtf16Bytes as cardBytes,
  MAX_CARD_BYTES,
  renderWithLibrary,
} from '../../../cards/render';
import { rolesCard } from '../../../cards/review-settings-cards';
import { ApplicationDoc, ApplicationStatus } from '../../../services/applications/application';
import { OWN_APPLICATIONS_PAGE_SIZE } from '../../../services/applications/list-own-applications';
import { CoachQuestionDoc } from '../../../services/coaching/coach-question';
import { FaqHit } from '../../../services/coaching/faq-entries';
import type { ProjectDoc } from '../../../services/followup/project';
import { APPLICATIONS_PER_PAGE } from '../../../services/insight/dashboard';
import { OutboxMessage } from '../../../services/outbox/outbox-repository';
import type { PortfolioDoc } from '../../../services/portfolios/portfolio-repository';
import { Locale } from '../../../services/shared/actor';
import { pageWindow } from '../../../services/shared/paging';

const N = 500;
/** Long text that is expensive in every encoding and needs escaping. */
const long = (n: number, i: number): string =>
  `Åtgärd ${i}: *Översyn* av äldreomsorgens _digitala_ tjänster för Södermalms stadsdelsförvaltning 🚀 `
    .repeat(Math.ceil(n / 90))
    .slice(0, n);
const STATUSES: ApplicationStatus[] = [
  'draft',
  'submitted',
  'completion_requested',
  'in_review',
  'approved',
  'withdrawn',
];

function application(i: number): ApplicationDoc {
  const status = STATUSES[i % STATUSES.length];
  return {
    _id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    ownerId: 'owner',
    ownerName: 'Åsa Östergård-Ängelholm',
    status,
    inputs: { title: long(4000, i) },
    step: 3,
    reached: 5,
    version: 1,
    createdAt: '2027-01-02T03:04:05.000Z',
    updatedAt: '2027-03-04T05:06:07.000Z',
    ...(status === 'draft' ? {} : { regNo: `PK 2027/${String(i).padStart(4, '0')}` }),
  };
}
const APPS = Array.from({ length: N }, (_, i) => application(i));

function question(i: number): CoachQuestionDoc {
  return {
    _id: `q${i}`,
    seq: i,
    askerId: `a${i}`,
    askerName: long(200, i),
    locale: 'sv',
    text: long(4000, i),
    channelId: '19:coach@thread.tacv2',
    threadOutboxId: `o${i}`,
  } as CoachQuestionDoc;
}

function outboxMessage(i: number, status: OutboxMessage['status']): OutboxMessage {
  return {
    _id: `${long(300, i)}-${i}`,
    target: { kind: 'user', aadObjectId: `user-${i}` },
    payload: { text: long(2000, i) },
    status,
    notBefore: '2027-01-01T00:00:00.000Z',
    createdAt: '2027-01-01T00:00:00.000Z',
    attempts: 7,
    lastError: long(4000, i),
  };
}

function portfolio(i: number): PortfolioDoc {
  return {
    _id: `p${i}`,
    number: i + 1,
    key: `portfolj-${i}`,
    name: { sv: long(200, i), en: long(200, i) },
    relaxedBenefit: false,
    frames: [
      {
        year: 2027,
        amount: 5_000_000,
        shares: { innovation: 50, improvement: 30, maintenance: 20 },
      },
    ],
    quorum: 3,
    reviewDays: 10,
    description: long(2000, i),
    version: 1,
  };
}

/** Every list card, built as the bot builds it, from 500 items of long text. */
function listCards(locale: Locale): [string, AdaptiveCard][] {
  const cards: [string, AdaptiveCard][] = [];
  for (const page of [1, 2, 25, 50]) {
    const w = pageWindow(N, page, OWN_APPLICATIONS_PAGE_SIZE);
    cards.push([
      `mina ansökningar page ${page}`,
      applicationsListCard(APPS.slice(w.skip, w.skip + w.limit), locale, w),
    ]);
  }
  cards.push([
    'the office list of a portfolio’s applications',
    dashboardApplicationsCard(
      locale,
      {
        portfolioId: 'p1',
        year: 2027,
        page: 3,
        pages: Math.ceil(N / APPLICATIONS_PER_PAGE),
        total: N,
        rows: APPS.slice(0, APPLICATIONS_PER_PAGE).map((a, i) => ({
          appId: a._id,
          regNo: a.regNo ?? '',
          title: long(4000, i),
          organisation: long(300, i),
          status: a.status,
          part: 'innovation',
          requested: 123_456_789,
          granted: 98_765_432,
        })),
      },
      { number: 1, name: { sv: long(200, 1), en: long(200, 1) } },
    ),
  ]);
  const messages = (status: OutboxMessage['status']) =>
    Array.from({ length: N }, (_, i) => outboxMessage(i, status));
  cards.push([
    'outbox admin',
    outboxAdminCard(
      locale,
      {
        counts: { pending: N, sending: N, sent: N, failed: N, dead: N, uncertain: N } as never,
        dead: messages('dead'),
        failed: messages('failed'),
        uncertain: messages('uncertain'),
      },
      new Map(Array.from({ length: N }, (_, i) => [`user-${i}`, long(200, i)])),
    ),
  ]);
  cards.push([
    'ask a coach: the applicant’s applications',
    askFormCard(locale, { applications: APPS }),
  ]);
  cards.push([
    'coach: which question',
    pickQuestionCard(
      locale,
      long(4000, 1),
      Array.from({ length: N }, (_, i) => question(i)),
    ),
  ]);
  const hits: FaqHit[] = Array.from({ length: N }, (_, i) => ({
    score: 1,
    entry: {
      _id: `f${i}`,
      question: long(1000, i),
      answer: long(8000, i),
      createdBy: 'c',
      createdByName: long(100, i),
      createdAt: '2027-01-01T00:00:00.000Z',
      updatedAt: '2027-01-01T00:00:00.000Z',
    },
  }));
  cards.push(['FAQ search', faqSearchCard(locale, long(500, 1), hits, [portfolio(0)], true)]);
  cards.push([
    'FAQ suggestions',
    suggestionsCard(locale, long(4000, 1), hits, [portfolio(0)], { appId: APPS[0]._id, step: 2 }),
  ]);
  cards.push([
    'roles',
    rolesCard({
      locale,
      users: Array.from({ length: N }, (_, i) => ({
        id: `u${i}`,
        name: long(200, i),
        email: `${long(60, i)}@stad.example`,
        roles: ['coach', 'admin'],
      })),
    }),
  ]);
  const projects = Array.from({ length: N }, (_, i) => ({
    _id: `proj${i}`,
    title: long(4000, i),
  })) as unknown as ProjectDoc[];
  cards.push([
    'reports: nothing due, per project',
    noReportDueCard(locale, {
      projects,
      upcoming: projects.map((project) => ({
        project,
        due: { period: 'status-2027-Q3', kind: 'status' as const, dueDate: '2027-09-30' },
      })),
    }),
  ]);
  const portfolios = Array.from({ length: N }, (_, i) => portfolio(i));
  for (const page of [1, 25, 50])
    cards.push([
      `portfolio admin page ${page}`,
      portfolioAdminCard(portfolios, locale, 2027, undefined, page),
    ]);
  return cards;
}

describe('no card that lists things passes 80 KB (UTF-16)', () => {
  it.each(['sv', 'en'] as Locale[])(
    'when every list card gets 500 long items (%s), then each is under the limit',
    (locale) => {
      const over = listCards(locale)
        .map(([name, card]) => ({ name, bytes: cardBytes(card) }))
        .filter((c) => c.bytes > MAX_CARD_BYTES);
      expect(over).toEqual([]);
    },
  );

  it('when the limit is measured, then it counts UTF-16 code units twice: å and an emoji are not one byte', () => {
    expect(cardBytes({ a: 'abc' })).toBe('{"a":"abc"}'.length * 2);
    expect(cardBytes({ a: 'åäö' })).toBe(22);
    expect(cardBytes({ a: '🚀' })).toBe(('{"a":""}'.length + 2) * 2);
  });

  it('when mina ansökningar is one page of 500, then it says which ones it shows and offers the pages around it', () => {
    const w = pageWindow(N, 2, OWN_APPLICATIONS_PAGE_SIZE);
    const card = applicationsListCard(APPS.slice(w.skip, w.skip + w.limit), 'sv', w);
    const json = JSON.stringify(card);
    expect(json).toContain('Visar 11–20 av 500');
    expect(card.actions).toEqual([
      {
        type: 'Action.Execute',
        title: 'Föregående',
        verb: 'applications.page',
        data: { page: '1' },
      },
      { type: 'Action.Execute', title: 'Nästa', verb: 'applications.page', data: { page: '3' } },
      { type: 'Action.Execute', title: 'Ny ansökan', verb: 'application.new', data: {} },
    ]);
    const en = applicationsListCard(
      APPS.slice(490),
      'en',
      pageWindow(N, 50, OWN_APPLICATIONS_PAGE_SIZE),
    );
    expect(JSON.stringify(en)).toContain('Showing 491–500 of 500');
    expect((en.actions as { title: string }[]).map((a) => a.title)).toEqual([
      'Previous',
      'New application',
    ]);
    // The compiled template gives what the Adaptive Cards templating library gives.
    const model = { heading: 'x', showing: '', empty: 'tom', items: [], pager: [], newLabel: 'Ny' };
    expect(renderWithLibrary('applications-list', model).body).toHaveLength(2);
  });
});

describe('the size guard where cards are sent', () => {
  const big = (rows: number, text = long(1000, 1)): AdaptiveCard => ({
    type: 'AdaptiveCard',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: 'Rubrik', weight: 'Bolder' },
      ...Array.from({ length: rows }, (_, i) => ({
        type: 'TextBlock',
        text: `${i} ${text}`,
        wrap: true,
      })),
    ],
    actions: [
      { type: 'Action.Execute', title: 'Nästa', verb: 'applications.page', data: { page: '2' } },
    ],
  });

  it('when a card fits, then it is sent as it is', () => {
    const card = big(3);
    const fitted = fitCard(card, 'sv');
    expect(fitted.truncated).toBe(false);
    expect(fitted.card).toBe(card);
  });

  it('when a card is over the limit, then whole rows are cut from the end until it fits, with a line saying so', () => {
    const card = big(200);
    expect(cardBytes(card)).toBeGreaterThan(MAX_CARD_BYTES);
    const fitted = fitCard(card, 'sv');
    expect(fitted.truncated).toBe(true);
    expect(fitted.bytesAfter).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(cardBytes(fitted.card)).toBe(fitted.bytesAfter);
    const body = fitted.card.body as { text: string }[];
    expect(body[0].text).toBe('Rubrik');
    expect(body[body.length - 1].text).toContain('Kortet blev för stort för Teams och har kortats');
    // As many rows as fit: one more would not.
    const kept = body.length - 2;
    expect(kept).toBeGreaterThan(10);
    const oneMore = {
      ...fitted.card,
      body: [...(card.body as unknown[]).slice(0, kept + 2), body[body.length - 1]],
    };
    expect(cardBytes(oneMore)).toBeGreaterThan(MAX_CARD_BYTES);
    expect(fitted.card.actions).toEqual(card.actions);
    expect(JSON.stringify(fitCard(card, 'en').card)).toContain('The card was too large for Teams');
  });

  it('when the first element alone is too large, or the buttons are, then what is left still fits and says so', () => {
    const huge = big(1, 'å'.repeat(100_000));
    const a = fitCard(huge, 'sv');
    expect(a.bytesAfter).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(JSON.stringify(a.card)).toContain('Rubrik');
    const buttons: AdaptiveCard = {
      ...big(1),
      actions: Array.from({ length: 500 }, (_, i) => ({
        type: 'Action.Execute',
        title: long(200, i),
        verb: 'x',
      })),
    };
    const b = fitCard(buttons, 'en');
    expect(b.bytesAfter).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(b.card.actions).toEqual([]);
    const lonely: AdaptiveCard = {
      type: 'AdaptiveCard',
      version: '1.5',
      body: [{ type: 'TextBlock', text: 'ö'.repeat(200_000) }],
    };
    const c = fitCard(lonely, 'sv');
    expect(c.bytesAfter).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect((c.card.body as { text: string }[]).map((x) => x.text)).toEqual([
      expect.stringContaining('har kortats'),
    ]);
  });
});
