/**
 * `hantera portföljer` pages, through the real server: ten portfolios a card, "Visar 11–20 av 34",
 * Föregående / Nästa carrying the page, a bad page number said on the card (never a 500), and
 * every page under Teams' 80 KB (counted in UTF-16) with every text at the form's maximum.
 */
import { App } from '../../bot/app';
import { cardUtf16Bytes, MAX_CARD_BYTES } from '../../cards/render';
import type { PortfolioDoc } from '../../services/portfolios/portfolio-repository';
import { FakeConnector, RecordedCall, startFakeConnector } from '../support/fake-connector';
import {
  cardOfCall,
  cardText,
  DEMO_USERS,
  freshDataDir,
  PersonalChat,
  startTestApp,
} from '../support/test-app';

type Card = Record<string, unknown>;
const ADMIN = DEMO_USERS.bjorn;
const COUNT = 34;

/** A portfolio with every text at the length the portfolio form allows. */
function portfolio(i: number): PortfolioDoc {
  const text = (n: number) =>
    `Äldreomsorg, förskola och överförmyndare ${i} `.repeat(40).slice(0, n);
  return {
    _id: `p${String(i).padStart(3, '0')}`,
    number: i + 1,
    key: `portfolj${i}`,
    name: { sv: text(200), en: text(200) },
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
    description: text(1000),
    parts: {
      innovation: { name: { sv: text(120), en: text(120) } },
      improvement: { name: { sv: text(120), en: text(120) } },
      maintenance: { closed: true, name: { sv: text(120), en: text(120) } },
    },
    version: 1,
  };
}

/** The paging buttons at the bottom of the card, as [title, page]. */
const pager = (card: Card): [string, unknown][] =>
  ((card.actions ?? []) as { title: string; verb: string; data: { page?: unknown } }[])
    .filter((a) => a.verb === 'portfolio.list')
    .map((a) => [a.title, a.data.page]);

/** The portfolio numbers listed on the card, top to bottom. */
const numbers = (card: Card): number[] =>
  ((card.body ?? []) as { type: string; items?: { text?: string }[] }[])
    .filter((b) => b.type === 'Container')
    .map((b) => Number(/^(\d+)\\?\./.exec(b.items?.[0]?.text ?? '')?.[1]));

describe('hantera portföljer, paged, over real HTTP', () => {
  let connector: FakeConnector;
  let app: App;

  beforeAll(async () => {
    connector = await startFakeConnector();
    app = await startTestApp({
      dataDir: freshDataDir(),
      env: { SEED_FILE: '', BOT_ADMINS: ADMIN.aadObjectId },
    });
    for (let i = 0; i < COUNT; i++) await app.services.portfolios.upsert(portfolio(i));
  });
  afterAll(async () => {
    await app.close();
    await connector.stop();
  });

  it('when the office has 34 portfolios, then the card shows ten at a time with the way between pages, each under 80 KB', async () => {
    const chat = new PersonalChat(app.url, connector.url, ADMIN);
    const before = connector.calls.length;
    expect(await chat.say('hantera portföljer')).toBe(200);
    const isAnswer = (c: RecordedCall): boolean =>
      c.kind === 'reply' && c.conversationId === chat.conversationId;
    await connector.waitUntil((cs) => cs.slice(before).some(isAnswer));
    const first = cardOfCall(connector.calls.slice(before).find(isAnswer)!);
    expect(cardText(first)).toContain('Visar 1–10 av 34');
    expect(numbers(first)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(pager(first)).toEqual([['Nästa', '2']]);
    expect(cardUtf16Bytes(first)).toBeLessThanOrEqual(MAX_CARD_BYTES);

    const second = await chat.click('portfolio.list', { page: '2' });
    expect(second.status).toBe(200);
    expect(cardText(second.card)).toContain('Visar 11–20 av 34');
    expect(numbers(second.card)[0]).toBe(11);
    expect(pager(second.card)).toEqual([
      ['Föregående', '1'],
      ['Nästa', '3'],
    ]);
    const last = await chat.click('portfolio.list', { page: '4' });
    expect(cardText(last.card)).toContain('Visar 31–34 av 34');
    expect(numbers(last.card)).toEqual([31, 32, 33, 34]);
    expect(pager(last.card)).toEqual([['Föregående', '3']]);
    for (const card of [second.card, last.card])
      expect(cardUtf16Bytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    // The form's back button (no page) opens the first page.
    expect(numbers((await chat.click('portfolio.list')).card)[0]).toBe(1);
  });

  it('when the page number is bad, then the card says so on the first page, never a 500', async () => {
    const chat = new PersonalChat(app.url, connector.url, ADMIN);
    for (const page of ['0', 'tre', -4, { x: 1 }]) {
      const res = await chat.click('portfolio.list', { page });
      expect(res.status).toBe(200);
      expect(cardText(res.card)).toContain('finns inte');
      expect(numbers(res.card)[0]).toBe(1);
    }
    const en = new PersonalChat(app.url, connector.url, ADMIN, 'en-US');
    const english = await en.click('portfolio.list', { page: '2' });
    expect(cardText(english.card)).toContain('Showing 11–20 of 34');
    expect(pager(english.card).map(([t]) => t)).toEqual(['Previous', 'Next']);
  });

  it('when someone who is not an admin asks for a page, then they are refused as before', async () => {
    const anna = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const res = await anna.click('portfolio.list', { page: '2' });
    expect(res.status).toBe(200);
    expect(cardText(res.card)).not.toContain('Visar');
    expect(numbers(res.card)).toEqual([]);
  });
});
