/**
 * The send-time size guard, through the real server: a card that would pass Teams' 80 KB
 * (counted in UTF-16) reaches the client cut to fit, with a line saying so, both as a message
 * (`hantera portföljer`) and as the answer to a click (`portfolio.list`).
 */
import { App } from '../../bot/app';
import { portfolioAdminCard } from '../../cards/portfolio-cards';
import { cardUtf16Bytes, MAX_CARD_BYTES } from '../../cards/render';
import type { PortfolioDoc } from '../../services/portfolios/portfolio-repository';
import { fiscalYearOf } from '../../services/shared/dates';
import { FakeConnector, RecordedCall, startFakeConnector } from '../support/fake-connector';
import {
  cardOfCall,
  cardText,
  DEMO_USERS,
  freshDataDir,
  PersonalChat,
  startTestApp,
} from '../support/test-app';

const ADMIN = DEMO_USERS.bjorn;
const TRUNCATED_SV = 'Kortet blev för stort för Teams och har kortats';

/** A portfolio with every text at the length the portfolio form allows. */
function portfolio(i: number): PortfolioDoc {
  const text = (n: number) =>
    `Äldreomsorg, förskola och överförmyndare ${i} `.repeat(40).slice(0, n);
  return {
    _id: `p${i}`,
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

describe('no card leaves the bot over the size limit', () => {
  let connector: FakeConnector;
  let app: App;

  beforeAll(async () => {
    connector = await startFakeConnector();
    app = await startTestApp({
      dataDir: freshDataDir(),
      env: { SEED_FILE: '', BOT_ADMINS: ADMIN.aadObjectId },
    });
    for (let i = 0; i < 60; i++) await app.services.portfolios.upsert(portfolio(i));
  });
  afterAll(async () => {
    await app.close();
    await connector.stop();
  });

  it('when the portfolio admin card would pass 80 KB, then the message and the click answer are cut to fit and say so', async () => {
    const all = await app.services.portfolios.all();
    const whole = portfolioAdminCard(all, 'sv', fiscalYearOf(app.services.clock()));
    expect(cardUtf16Bytes(whole)).toBeGreaterThan(MAX_CARD_BYTES);

    const chat = new PersonalChat(app.url, connector.url, ADMIN);
    const before = connector.calls.length;
    expect(await chat.say('hantera portföljer')).toBe(200);
    const isAnswer = (c: RecordedCall): boolean =>
      c.kind === 'reply' && c.conversationId === chat.conversationId;
    await connector.waitUntil((cs) => cs.slice(before).some(isAnswer));
    const sent = cardOfCall(connector.calls.slice(before).find(isAnswer)!);
    expect(cardUtf16Bytes(sent)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(cardText(sent)).toContain(TRUNCATED_SV);
    // The top of the card and its buttons stay; whole portfolios are left out from the end.
    expect((sent.body as unknown[])[0]).toEqual((whole.body as unknown[])[0]);
    expect(sent.actions).toEqual(whole.actions);
    expect((sent.body as unknown[]).length).toBeLessThan((whole.body as unknown[]).length);

    const clicked = await chat.click('portfolio.list');
    expect(clicked.status).toBe(200);
    expect(cardUtf16Bytes(clicked.card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(cardText(clicked.card)).toContain(TRUNCATED_SV);

    const en = new PersonalChat(app.url, connector.url, ADMIN, 'en-US');
    const english = await en.click('portfolio.list');
    expect(cardUtf16Bytes(english.card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(cardText(english.card)).toContain('The card was too large for Teams');
  });
});
