import { App } from '../../bot/app';
import { startFakeConnector, FakeConnector } from '../support/fake-connector';
import { VALID_STEPS } from '../support/application-fixture';
import {
  appIdOf,
  cardOfCall,
  cardText,
  DEMO_USERS,
  freshDataDir,
  PersonalChat,
  startTestApp,
} from '../support/test-app';

describe('the applicant journey over real HTTP', () => {
  let connector: FakeConnector;
  let app: App;
  let dataDir: string;

  beforeAll(async () => {
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    await connector.stop();
  });
  beforeEach(async () => {
    connector.reset();
    dataDir = freshDataDir();
    app = await startTestApp({ dataDir });
  });
  afterEach(async () => {
    await app.close();
  });

  async function startWizard(chat: PersonalChat): Promise<string> {
    expect(await chat.say('ny ansökan')).toBe(200);
    const call = await connector.waitFor((c) => c.kind === 'send' || c.kind === 'reply');
    const card = cardOfCall(call);
    expect(cardText(card)).toContain('Steg 1 av 6');
    return appIdOf(card);
  }

  it('when a user writes a whole application and submits it, then it gets a registration number and the office is told', async () => {
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    await chat.say('hej');
    const help = await connector.waitFor((c) => c.kind === 'send' || c.kind === 'reply');
    expect(cardText(cardOfCall(help))).toContain('Jag förstod inte');
    connector.reset();

    const appId = await startWizard(chat);
    for (let step = 0; step < VALID_STEPS.length; step++) {
      const verb = step === VALID_STEPS.length - 1 ? 'application.review' : 'application.next';
      const { status, card } = await chat.click(verb, { appId, step, ...VALID_STEPS[step] });
      expect(status).toBe(200);
      const text = cardText(card);
      if (step < VALID_STEPS.length - 1) expect(text).toContain(`Steg ${step + 2} av 6`);
      else expect(text).toContain('Granska din ansökan');
    }
    const { card } = await chat.click('application.submit', { appId });
    const text = cardText(card);
    expect(text).toMatch(/PK \d{4}\/0001/);

    const stored = await app.services.applications.get(appId);
    expect(stored?.status).toBe('submitted');
    expect(stored?.data?.devCost).toBe(1_200_000);
    expect(stored?.data?.yearlyRunningCost).toBe(150_000);
    expect(stored?.data?.costSharing).toEqual([
      { organisation: 'Utbildningsförvaltningen', percent: 70 },
      { organisation: 'Stadsledningskontoret', percent: 30 },
    ]);

    // The project office hears about it in its channel, through the outbox.
    const notice = await connector.waitFor((c) => c.kind === 'send' && c.conversationId === '19:demo-team-general@thread.tacv2');
    expect(cardText(cardOfCall(notice))).toContain(stored!.regNo!);
    const audit = await app.services.audit.forEntity(appId);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['application.created', 'application.step_saved', 'application.submitted']));
  });

  it('when a step has errors, then the card says what to fix and keeps what was typed', async () => {
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const appId = await startWizard(chat);
    await chat.click('application.next', { appId, step: 0, ...VALID_STEPS[0] });
    const { card } = await chat.click('application.next', {
      appId,
      step: 1,
      need: 'x'.repeat(4001),
      userGroups: '',
      kfGoals: 'attractive',
    });
    const text = cardText(card);
    expect(text).toContain('Steg 2 av 6');
    expect(text).toContain('4\u00a0001 tecken, högst 4\u00a0000');
    expect(text).toContain('Fyll i det här fältet');
    const stored = await app.services.applications.get(appId);
    expect(stored?.inputs.need).toHaveLength(4001);
    expect(stored?.step).toBe(1);
  });

  it('when the amount is nonsense or shares do not add up, then the user is told in Swedish', async () => {
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const appId = await startWizard(chat);
    const { card } = await chat.click('application.next', {
      appId,
      step: 3,
      devCost: 'massor',
      yearlyRunningCost: '450 tkr',
      shareOrg1: 'A',
      sharePercent1: '60',
      shareOrg2: 'B',
      sharePercent2: '30',
    });
    const text = cardText(card);
    expect(text).toContain('Skriv beloppet i kronor');
    expect(text).toContain('summerar till 90 %');
  });

  it('when the user writes in English, then the bot answers in English', async () => {
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna, 'en-US');
    await chat.say('new application');
    const call = await connector.waitFor((c) => c.kind === 'send' || c.kind === 'reply');
    expect(cardText(cardOfCall(call))).toContain('Step 1 of 6');
  });

  it('when the bot restarts on the same DATA_DIR, then the draft is resumed where it was left', async () => {
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const appId = await startWizard(chat);
    await chat.click('application.next', { appId, step: 0, ...VALID_STEPS[0] });
    await chat.click('application.save', { appId, step: 1, need: 'Halvfärdig text' });
    await app.close();

    app = await startTestApp({ dataDir });
    const again = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const { card: list } = await again.click('applications.list');
    expect(cardText(list)).toContain('Digital ansökan om förskoleplats');
    const { card } = await again.click('application.continue', { appId });
    const text = cardText(card);
    expect(text).toContain('Steg 2 av 6');
    expect(text).toContain('Halvfärdig text');
  });

  it('when someone sends card data naming another user\'s application, then it is refused and nothing changes', async () => {
    const anna = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const appId = await startWizard(anna);
    const eva = new PersonalChat(app.url, connector.url, DEMO_USERS.eva);
    const { status, card } = await eva.click('application.next', { appId, step: 0, title: 'Kapad' });
    expect(status).toBe(200);
    expect(cardText(card)).toContain('inte din');
    const view = await eva.click('application.view', { appId });
    expect(cardText(view.card)).toContain('inte din');
    expect((await app.services.applications.get(appId))?.inputs.title).toBeUndefined();
  });

  it('when the same activity is delivered twice, then it has exactly one effect', async () => {
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    await chat.say('ny ansökan', 'dup-1');
    await chat.say('ny ansökan', 'dup-1');
    await connector.waitFor((c) => c.kind === 'send' || c.kind === 'reply');
    await new Promise((r) => setTimeout(r, 200));
    expect(await app.services.applications.byOwner(DEMO_USERS.anna.aadObjectId)).toHaveLength(1);
    expect(connector.sent()).toHaveLength(1);

    const appId = (await app.services.applications.byOwner(DEMO_USERS.anna.aadObjectId))[0]._id;
    const first = await chat.click('application.next', { appId, step: 0, ...VALID_STEPS[0] }, 'dup-2');
    const second = await chat.click('application.next', { appId, step: 0, ...VALID_STEPS[0] }, 'dup-2');
    expect(second.card).toEqual(first.card);
    const audit = await app.services.audit.forEntity(appId);
    expect(audit.filter((a) => a.action === 'application.step_saved')).toHaveLength(1);
  });

  it('when an application is withdrawn, then it shows as withdrawn and cannot be submitted', async () => {
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const appId = await startWizard(chat);
    const confirm = await chat.click('application.withdraw', { appId });
    expect(cardText(confirm.card)).toContain('Vill du dra tillbaka');
    const done = await chat.click('application.withdrawConfirm', { appId });
    expect(cardText(done.card)).toContain('tillbakadragen');
    const submit = await chat.click('application.submit', { appId });
    expect(cardText(submit.card)).toContain('Tillbakadragen');
  });

  it('when an idea sketch is sent, then the project office gets it', async () => {
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const bad = await chat.click('idea.submit', { title: '', need: 'Behov', organisation: 'UBF' });
    expect(cardText(bad.card)).toContain('Fyll i det här fältet');
    const good = await chat.click('idea.submit', { title: 'Chattbot för skolval', need: 'Många frågor om skolval', organisation: 'UBF', portfolioId: 'p5' });
    expect(cardText(good.card)).toContain('Chattbot för skolval');
    const notice = await connector.waitFor((c) => c.kind === 'send' && c.conversationId === '19:demo-team-general@thread.tacv2');
    expect(cardText(cardOfCall(notice))).toContain('Chattbot för skolval');
  });
});
