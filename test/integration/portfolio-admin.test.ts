import path from 'node:path';
import { App } from '../../bot/app';
import { FakeConnector, RecordedCall, startFakeConnector } from '../support/fake-connector';
import { VALID_STEPS } from '../support/application-fixture';
import { appIdOf, cardOfCall, cardText, DEMO_USERS, freshDataDir, PersonalChat, startTestApp } from '../support/test-app';
import { Channel, GENERAL, waitForCard, waitUntilTrue } from './review-support';

const PRODUCTION_SEED = path.join(__dirname, '..', '..', 'deployment', 'seed', 'production-seed.json');
const ADMIN = DEMO_USERS.bjorn;
const APPLICANT = DEMO_USERS.anna;
const NO_OPEN = 'Det finns ingen öppen portfölj att söka i just nu. Projektkontoret har fått veta det.';

type Card = Record<string, unknown>;

/** Says something in a personal chat and returns the card the bot answered with. */
async function ask(connector: FakeConnector, chat: PersonalChat, text: string): Promise<Card> {
  const before = connector.calls.length;
  expect(await chat.say(text)).toBe(200);
  const isAnswer = (c: RecordedCall): boolean =>
    c.kind === 'reply' && c.conversationId === chat.conversationId && c.answered;
  await connector.waitUntil((cs) => cs.slice(before).some(isAnswer));
  return cardOfCall(connector.calls.slice(before).find(isAnswer)!);
}

/** The choices of a wizard dropdown (the portfolio by default), as titles. */
function portfolioChoices(card: Card, id = 'portfolioId'): string[] {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o.type === 'Input.ChoiceSet' && o.id === id) {
        for (const c of o.choices as { title: string; value: string }[]) if (c.value) out.push(c.title);
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}

const NEW_PORTFOLIO = {
  pf_number: '1',
  pf_key: 'Tillgänglighet',
  pf_name_sv: 'Tillgänglighet och service',
  pf_name_en: 'Accessibility and service',
  pf_description: 'Fokusområde 1',
  pf_relaxed: 'false',
  pf_part_innovation: 'open',
  pf_part_improvement: 'none',
  pf_part_maintenance: 'none',
};

describe('a fresh production install: portfolios made on the card (`hantera portföljer`)', () => {
  let connector: FakeConnector;
  let app: App;

  beforeAll(async () => {
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    await connector.stop();
  });
  beforeEach(() => {
    connector.reset();
  });
  afterEach(async () => {
    await app.close();
  });

  const freshInstall = (): Promise<App> =>
    startTestApp({ dataDir: freshDataDir(), env: { SEED_FILE: '', BOT_ADMINS: ADMIN.aadObjectId } });

  it('when nothing is seeded, then the applicant is told there is no open portfolio and the office is told once a day', async () => {
    app = await freshInstall();
    const admin = new PersonalChat(app.url, connector.url, ADMIN);
    // The admin's chat exists, so a notice can reach them; their help lists the new command.
    expect(cardText(await ask(connector, admin, 'hjälp'))).toContain('**hantera portföljer** – skapa portföljer och delar');
    const applicant = new PersonalChat(app.url, connector.url, APPLICANT);

    const card = await ask(connector, applicant, 'ny ansökan');
    expect(cardText(card)).toContain(NO_OPEN);
    expect(portfolioChoices(card)).toEqual([]);
    expect(await app.services.applications.byOwner(APPLICANT.aadObjectId)).toHaveLength(0);
    const notice = await waitForCard(connector, admin.conversationId, 'ingen portfölj är öppen');
    expect(cardText(cardOfCall(notice))).toContain('hantera portföljer');

    // The button on the help card says the same; the office hears of it only once that day.
    const again = await applicant.click('application.new');
    expect(cardText(again.card)).toContain(NO_OPEN);
    const notices = (await app.services.outbox.col.find({})).filter((m) => m._id.startsWith('no-open-portfolio:'));
    expect(notices).toHaveLength(1);

    // In English too.
    const english = new PersonalChat(app.url, connector.url, DEMO_USERS.eva, 'en-US');
    expect(cardText(await ask(connector, english, 'new application'))).toContain(
      'There is no open portfolio to apply to right now. The project office has been told.',
    );
  });

  it('when an admin creates a portfolio with a part and a frame on the card, then the applicant can start the wizard and sees it; rename and close are reflected and audited', async () => {
    app = await freshInstall();
    const s = app.services;
    const admin = new PersonalChat(app.url, connector.url, ADMIN);
    const applicant = new PersonalChat(app.url, connector.url, APPLICANT);

    const overview = cardText(await ask(connector, admin, 'hantera portföljer'));
    expect(overview).toContain('Hantera portföljer');
    expect(overview).toContain('Det finns inga portföljer än');
    expect(overview).toContain('production-seed.json');

    const form = await admin.click('portfolio.form');
    expect(cardText(form.card)).toContain('Ny portfölj');
    expect(JSON.stringify(form.card)).toContain('"pf_number"');

    // Bad input: empty name, a bad short name, no part. Nothing is created; the form says what to fix.
    const bad = await admin.click('portfolio.create', {
      ...NEW_PORTFOLIO,
      pf_name_sv: '  ',
      pf_key: '1a',
      pf_part_innovation: 'none',
    });
    expect(bad.status).toBe(200);
    const badText = cardText(bad.card);
    expect(badText).toContain('Skriv portföljens namn.');
    expect(badText).toContain('Kortnamnet ska börja med en bokstav');
    expect(badText).toContain('Välj minst en del');
    expect(JSON.stringify(bad.card)).toContain('"value":"1a"');
    expect(await s.portfolios.all()).toHaveLength(0);

    const created = await admin.click('portfolio.create', NEW_PORTFOLIO, 'create-1');
    expect(cardText(created.card)).toContain('Portföljen 1. Tillgänglighet och service är skapad');
    expect(cardText(created.card)).toContain('Innovation och nyutveckling (öppen)');
    // A double click (a new activity, the same form) changes nothing; a redelivery neither.
    const twice = await admin.click('portfolio.create', NEW_PORTFOLIO, 'create-2');
    expect(cardText(twice.card)).toContain('Inget ändrades.');
    await admin.click('portfolio.create', NEW_PORTFOLIO, 'create-1');
    expect(await s.portfolios.all()).toHaveLength(1);
    const createdAudit = (await s.audit.forEntity('p1')).filter((e) => e.action === 'portfolio.created');
    expect(createdAudit).toHaveLength(1);
    expect(createdAudit[0].actorId).toBe(ADMIN.aadObjectId);

    // A second portfolio with the same name or number is refused by field.
    const dup = await admin.click('portfolio.create', { ...NEW_PORTFOLIO, pf_number: '2', pf_key: 'annan' });
    expect(cardText(dup.card)).toContain('Portfölj 1 heter redan så.');
    const dupNumber = await admin.click('portfolio.create', { ...NEW_PORTFOLIO, pf_name_sv: 'Annat', pf_name_en: '', pf_key: 'annat' });
    expect(cardText(dupNumber.card)).toContain('Det finns redan en portfölj med nummer 1.');

    // The frame: the card's button opens the `ramar` form for this year; the admin sets it.
    const year = new Date().getFullYear();
    const frameForm = await admin.click('frame.edit', { frame_key: `p1|${year}` });
    expect(cardText(frameForm.card)).toContain(`Ram för 1.`);
    const saved = await admin.click('frame.save', {
      portfolioId: 'p1',
      year: String(year),
      frameVersion: '0',
      frame_amount: '5 mkr',
      frame_innovation: '100',
      frame_improvement: '0',
      frame_maintenance: '0',
    });
    expect(saved.status).toBe(200);
    expect((await s.audit.forEntity(`p1:${year}`)).map((e) => e.action)).toContain('frame.set');

    // The applicant now gets the wizard with the portfolio in the list.
    const wizard = await ask(connector, applicant, 'ny ansökan');
    expect(cardText(wizard)).toContain('Steg 1 av 6');
    expect(portfolioChoices(wizard)).toEqual(['1. Tillgänglighet och service']);
    const [draft] = await s.applications.byOwner(APPLICANT.aadObjectId);
    expect(draft.status).toBe('draft');

    // Rename, and open the improvement part with its own name.
    const edit = await admin.click('portfolio.edit', { portfolioId: 'p1' });
    expect(JSON.stringify(edit.card)).toContain('"portfolioVersion":"1"');
    const renamed = await admin.click('portfolio.save', {
      portfolioId: 'p1',
      portfolioVersion: '1',
      ...NEW_PORTFOLIO,
      pf_name_sv: 'Service för medborgare',
      pf_name_en: 'Service for citizens',
      pf_open: 'true',
      pf_part_improvement: 'open',
      pf_part_improvement_sv: 'E-tjänster',
      pf_part_improvement_en: 'E-services',
    });
    expect(cardText(renamed.card)).toContain('Ändringarna i 1. Service för medborgare är sparade.');
    expect(cardText(renamed.card)).toContain('E-tjänster (öppen)');
    const actions = (await s.audit.forEntity('p1')).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['portfolio.renamed', 'portfolio.part_added']));
    const rename = (await s.audit.forEntity('p1')).find((e) => e.action === 'portfolio.renamed')!;
    expect(rename.before).toMatchObject({ name: { sv: 'Tillgänglighet och service' } });
    expect(rename.after).toMatchObject({ name: { sv: 'Service för medborgare' } });
    expect(portfolioChoices(await ask(connector, applicant, 'ny ansökan'))).toEqual(['1. Service för medborgare']);

    // A stale form (version 1 again) does not overwrite the newer name.
    const stale = await admin.click('portfolio.save', {
      portfolioId: 'p1',
      portfolioVersion: '1',
      ...NEW_PORTFOLIO,
      pf_name_sv: 'Gammalt namn',
      pf_part_improvement: 'open',
    });
    expect(cardText(stale.card)).toContain('Någon annan ändrade portföljen samtidigt');
    expect((await s.portfolios.fresh('p1'))!.name.sv).toBe('Service för medborgare');
    // A part that exists cannot be removed.
    const remove = await admin.click('portfolio.save', {
      portfolioId: 'p1',
      portfolioVersion: '2',
      ...NEW_PORTFOLIO,
      pf_name_sv: 'Service för medborgare',
      pf_part_improvement: 'none',
    });
    expect(cardText(remove.card)).toContain('En del som finns kan inte tas bort');

    // Close: the applicant is told there is nothing open; the draft stays.
    const closed = await admin.click('portfolio.close', { portfolioId: 'p1' }, 'close-1');
    expect(cardText(closed.card)).toContain('är stängd för nya ansökningar');
    expect(cardText(closed.card)).toContain('Ingen portfölj är öppen just nu');
    await admin.click('portfolio.close', { portfolioId: 'p1' }, 'close-2');
    expect((await s.audit.forEntity('p1')).filter((e) => e.action === 'portfolio.closed')).toHaveLength(1);
    expect(cardText(await ask(connector, applicant, 'ny ansökan'))).toContain(NO_OPEN);
    expect((await s.applications.byOwner(APPLICANT.aadObjectId)).map((a) => a._id)).toContain(draft._id);
    // The draft still shows its (closed) portfolio.
    const cont = await applicant.click('application.continue', { appId: draft._id });
    expect(cardText(cont.card)).toContain('Steg 1 av 6');

    // Open again.
    const reopened = await admin.click('portfolio.open', { portfolioId: 'p1' });
    expect(cardText(reopened.card)).toContain('är öppen för ansökningar igen');
    expect(portfolioChoices(await ask(connector, applicant, 'ny ansökan'))).toEqual(['1. Service för medborgare']);
    expect((await s.audit.forEntity('p1')).map((e) => e.action)).toContain('portfolio.opened');
  });

  it('when a part is closed or not in the portfolio, then the wizard neither offers nor accepts it, and a draft that chose it before keeps it', async () => {
    app = await freshInstall();
    const admin = new PersonalChat(app.url, connector.url, ADMIN);
    const anna = new PersonalChat(app.url, connector.url, APPLICANT);
    const eva = new PersonalChat(app.url, connector.url, DEMO_USERS.eva);
    const twoParts = {
      ...NEW_PORTFOLIO,
      pf_part_improvement: 'open',
      pf_part_improvement_sv: 'E-tjänster',
      pf_part_improvement_en: 'E-services',
    };
    await admin.click('portfolio.create', twoParts);

    // Before a portfolio is chosen the open parts of all portfolios are offered; maintenance is in none.
    const wizard = await ask(connector, anna, 'ny ansökan');
    expect(portfolioChoices(wizard, 'part')).toEqual([
      'Innovation och nyutveckling',
      'Förbättring av befintliga e-tjänster',
    ]);
    const annaApp = appIdOf(wizard);
    const saved = await anna.click('application.next', { appId: annaApp, step: 0, ...VALID_STEPS[0], part: 'improvement' });
    expect(cardText(saved.card)).toContain('Steg 2 av 6');

    // The office closes the improvement part.
    const closed = await admin.click('portfolio.save', { portfolioId: 'p1', portfolioVersion: '1', ...twoParts, pf_open: 'true', pf_part_improvement: 'closed' });
    expect(cardText(closed.card)).toContain('E-tjänster (stängd)');
    expect((await app.services.audit.forEntity('p1')).map((e) => e.action)).toContain('portfolio.part_closed');

    // Anna's draft keeps its part (under the portfolio's own name) and can go on.
    const back = await anna.click('application.goto', { appId: annaApp, target: 0 });
    expect(portfolioChoices(back.card, 'part')).toEqual(['Innovation och nyutveckling', 'E-tjänster']);
    const again = await anna.click('application.next', { appId: annaApp, step: 0, ...VALID_STEPS[0], part: 'improvement' });
    expect(cardText(again.card)).toContain('Steg 2 av 6');

    // Eva's new draft is not offered it and cannot choose it, nor a part the portfolio does not have.
    const evaWizard = await ask(connector, eva, 'ny ansökan');
    expect(portfolioChoices(evaWizard, 'part')).toEqual(['Innovation och nyutveckling']);
    const evaApp = appIdOf(evaWizard);
    for (const part of ['improvement', 'maintenance']) {
      const refused = await eva.click('application.next', { appId: evaApp, step: 0, ...VALID_STEPS[0], part });
      expect(cardText(refused.card)).toContain('Steg 1 av 6');
      expect(cardText(refused.card)).toContain('Den delen går inte att söka i den valda portföljen just nu.');
    }
    const ok = await eva.click('application.next', { appId: evaApp, step: 0, ...VALID_STEPS[0], part: 'innovation' });
    expect(cardText(ok.card)).toContain('Steg 2 av 6');
  });

  it('when someone who is not an admin tries, then they are refused, in personal chat, on a card and in a channel', async () => {
    app = await freshInstall();
    const applicant = new PersonalChat(app.url, connector.url, APPLICANT);
    const refusal = 'Bara projektkontoret (administratörer) kan hantera portföljer.';
    expect(cardText(await ask(connector, applicant, 'hjälp'))).not.toContain('hantera portföljer');
    expect(cardText(await ask(connector, applicant, 'hantera portföljer'))).toContain(refusal);
    const click = await applicant.click('portfolio.create', NEW_PORTFOLIO);
    expect(cardText(click.card)).toContain(refusal);
    const close = await applicant.click('portfolio.close', { portfolioId: 'p1' });
    expect(cardText(close.card)).toContain(refusal);
    expect(await app.services.portfolios.all()).toHaveLength(0);

    const english = new PersonalChat(app.url, connector.url, DEMO_USERS.eva, 'en-US');
    expect(cardText(await ask(connector, english, 'manage portfolios'))).toContain(
      'Only the project office (admins) can manage portfolios.',
    );

    // In a channel, the admin gets the card and the others the refusal.
    const channel = new Channel(app, connector, GENERAL);
    let from = connector.calls.length;
    await channel.say(ADMIN, 'hantera portföljer');
    const adminCard = await waitForCard(connector, GENERAL, 'Det finns inga portföljer än');
    expect(adminCard.seq).toBeGreaterThan(from);
    from = connector.calls.length;
    await channel.say(APPLICANT, 'hantera portföljer');
    const refused = await waitForCard(connector, GENERAL, refusal);
    expect(refused.seq).toBeGreaterThan(from);
  });

  it('when the production seed is loaded, then it has the five Stockholm portfolios open and no people, and the applicant sees all five', async () => {
    app = await startTestApp({ dataDir: freshDataDir(), env: { SEED_FILE: PRODUCTION_SEED } });
    const s = app.services;
    const portfolios = await s.portfolios.all();
    expect(portfolios.map((p) => p.number)).toEqual([1, 2, 3, 4, 5]);
    expect(portfolios.find((p) => p.number === 5)!.relaxedBenefit).toBe(true);
    expect(await s.users.withRole('admin')).toHaveLength(0);
    expect(await s.users.get(DEMO_USERS.bjorn.aadObjectId)).toBeNull();
    const applicant = new PersonalChat(app.url, connector.url, APPLICANT);
    const wizard = await ask(connector, applicant, 'ny ansökan');
    expect(portfolioChoices(wizard)).toHaveLength(5);
    expect(portfolioChoices(wizard)[4]).toBe('5. Innovativ verksamhetsutveckling med hjälp av IT');
  });

  it('when an admin made portfolio 1 on the card and the production seed is loaded later, then the admin\'s portfolio stays and the other four are added', async () => {
    const dataDir = freshDataDir();
    app = await startTestApp({ dataDir, env: { SEED_FILE: '', BOT_ADMINS: ADMIN.aadObjectId } });
    const admin = new PersonalChat(app.url, connector.url, ADMIN);
    await admin.click('portfolio.create', NEW_PORTFOLIO);
    await app.close();
    app = await startTestApp({ dataDir, env: { SEED_FILE: PRODUCTION_SEED, BOT_ADMINS: ADMIN.aadObjectId } });
    await waitUntilTrue(async () => (await app.services.portfolios.all()).length === 5);
    const all = await app.services.portfolios.all();
    expect(all[0].name.sv).toBe('Tillgänglighet och service');
    expect(all.map((p) => p.key)).toEqual(['tillganglighet', 'information', 'utbildning', 'samverkan', 'innovation']);
  });
});
