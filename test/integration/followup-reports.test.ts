import { App } from '../../bot/app';
import { createProjectFromDecision } from '../../services/followup/create-project';
import { reportId } from '../../services/followup/project';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import {
  cardOfCall,
  cardText,
  DEMO_USERS,
  freshDataDir,
  PersonalChat,
  startTestApp,
} from '../support/test-app';
import { addProject, TestClock } from '../unit/scheduler/scheduler-kit';

const REVIEW_CHANNEL = '19:demo-beredning@thread.tacv2';
const ANNA = DEMO_USERS.anna.aadObjectId;

describe('follow-up of funded projects over real HTTP', () => {
  let connector: FakeConnector;
  let app: App;
  let clock: TestClock;

  beforeAll(async () => {
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    await connector.stop();
  });
  beforeEach(async () => {
    connector.reset();
    clock = new TestClock('2027-01-20 10:00');
    app = await startTestApp({
      dataDir: freshDataDir(),
      clock: clock.fn,
      env: { SCHEDULER_ENABLED: 'false' },
    });
  });
  afterEach(async () => {
    await app.close();
  });

  const lastCard = async (predicate: (text: string) => boolean = () => true) => {
    const call = await connector.waitFor(
      (c) => (c.kind === 'send' || c.kind === 'reply') && predicate(cardText(cardOfCall(c))),
    );
    return cardText(cardOfCall(call));
  };

  it('when a project is created from a decision, then it is created once and the applicant is told how to report', async () => {
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    await chat.say('hjälp');
    await lastCard();
    const project = await addProject(app.services, 'app-1', ANNA, {
      decidedBy: { aadObjectId: DEMO_USERS.david.aadObjectId, name: 'David Dahl' },
    });
    const repeat = await createProjectFromDecision(app.services, {
      applicationId: 'app-1',
      grantedSek: 999,
      decisionDate: '2027-01-21',
    });
    expect(repeat).toEqual(project);
    const notice = await lastCard((t) => t.includes('Ditt projekt har beviljats'));
    expect(notice).toContain('PK 2027/app-1');
    expect(notice).toMatch(/1\s000\s000/);
    expect(notice).toContain('2027-03-31');
    expect(notice).toContain('2028-11-30');
    const audit = await app.services.audit.forEntity(project._id);
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([
      ['project.created', DEMO_USERS.david.aadObjectId],
    ]);
    expect(await app.services.outbox.col.count({ _id: `project-created:${project._id}` })).toBe(1);
  });

  it('when a report is due, then `rapport` shows its card, wrong input is explained, and the report is stored against the project', async () => {
    const project = await addProject(app.services, 'app-1', ANNA);
    clock.set('2027-04-02 10:00');
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    await chat.say('rapport');
    const form = await lastCard((t) => t.includes('Lägesrapport'));
    expect(form).toContain('kvartal 1 2027');
    expect(form).toContain('skulle lämnas 2027-03-31');
    expect(form).toContain('Nyttokalkyl');

    const bad = await chat.click('followup.report.submit', {
      projectId: project._id,
      period: 'status-2027-Q1',
      health: 'at_risk',
      spent: 'massor',
      milestones: '',
    });
    const badText = cardText(bad.card);
    expect(badText).toContain('Rätta 3 fält');
    expect(badText).toContain('Skriv beloppet i kronor');
    expect(badText).toContain('Beskriv vad som avviker');
    expect(
      await app.services.followup.reports.get(reportId(project._id, 'status-2027-Q1')),
    ).toBeNull();

    const ok = await chat.click('followup.report.submit', {
      projectId: project._id,
      period: 'status-2027-Q1',
      health: 'at_risk',
      spent: '420 tkr',
      milestones: 'Förstudie klar; upphandling pågår.',
      realisedSek: '0',
      comment: 'Upphandlingen är försenad två veckor.',
    });
    expect(cardText(ok.card)).toContain('Tack – rapporten är sparad');
    const stored = await app.services.followup.reports.get(reportId(project._id, 'status-2027-Q1'));
    expect(stored).toMatchObject({
      health: 'at_risk',
      spentSek: 420_000,
      realisedEffectSek: 0,
      submittedBy: ANNA,
      version: 1,
    });
    expect((await app.services.audit.forEntity(project._id)).map((a) => a.action)).toContain(
      'project.report_submitted',
    );

    connector.reset();
    await chat.say('rapport');
    // The office's notice of the report may go out meanwhile: wait for the answer in the chat.
    const none = await lastCard((t) => t.includes('Ingen rapport att lämna just nu'));
    expect(none).toContain('kvartal 2 2027');
  });

  it('when the owner writes in English, then the report card is in English', async () => {
    await addProject(app.services, 'app-1', ANNA);
    clock.set('2027-12-01 10:00');
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna, 'en-US');
    await chat.say('report');
    const form = await lastCard((t) => t.includes('Status report'));
    expect(form).toContain('quarter 1 2027');
  });

  it('when someone else opens or sends a project report, then it is refused and nothing is stored', async () => {
    const project = await addProject(app.services, 'app-1', ANNA);
    clock.set('2027-04-02 10:00');
    const eva = new PersonalChat(app.url, connector.url, DEMO_USERS.eva);
    const open = await eva.click('followup.report.open', {
      projectId: project._id,
      period: 'status-2027-Q1',
    });
    expect(cardText(open.card)).toContain('Det här projektet är inte ditt');
    const send = await eva.click('followup.report.submit', {
      projectId: project._id,
      period: 'status-2027-Q1',
      health: 'on_track',
      spent: '1',
      milestones: 'x',
    });
    expect(cardText(send.card)).toContain('Det här projektet är inte ditt');
    expect(await app.services.followup.reports.forProject(project._id)).toEqual([]);
    // A period that is not open yet is refused for the owner too.
    const anna = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const early = await anna.click('followup.report.open', {
      projectId: project._id,
      period: 'final',
    });
    expect(cardText(early.card)).toContain('inte aktuell ännu');
  });

  it('when the one-year follow-up is due, then the benefit is reported against the benefit calculation', async () => {
    const project = await addProject(app.services, 'app-1', ANNA);
    clock.set('2028-11-30 10:00');
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const open = await chat.click('followup.report.open', {
      projectId: project._id,
      period: 'benefit',
    });
    expect(cardText(open.card)).toContain('Uppföljning av nyttan');
    const missing = await chat.click('followup.report.submit', {
      projectId: project._id,
      period: 'benefit',
      health: 'on_track',
      spent: '1 000 000',
    });
    expect(cardText(missing.card)).toContain('Ange realiserad nytta');
    const ok = await chat.click('followup.report.submit', {
      projectId: project._id,
      period: 'benefit',
      health: 'on_track',
      spent: '1 000 000',
      realisedSek: '900 000',
      realisedHours: '1 500',
    });
    expect(cardText(ok.card)).toContain('(75 %)');
    expect(await app.services.followup.reports.get(reportId(project._id, 'benefit'))).toMatchObject(
      { realisedEffectSek: 900_000, realisedEffectHours: 1500 },
    );
  });

  it('when a report is still missing after two reminders, then the portfolio review channel is told in Teams', async () => {
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    await chat.say('hjälp');
    await lastCard();
    const project = await addProject(app.services, 'app-1', ANNA);
    for (const when of ['2027-03-31 10:00', '2027-04-07 10:00', '2027-04-14 10:00']) {
      clock.set(when);
      await app.scheduler.runOnce();
      await app.sender.drain(10_000);
    }
    const digests = connector
      .sent()
      .filter((c) => cardText(cardOfCall(c)).includes('Lägesrapport för'));
    expect(digests).toHaveLength(2);
    expect(cardText(cardOfCall(digests[1]))).toContain('(påminnelse 2)');
    const escalation = connector.sent().find((c) => c.conversationId === REVIEW_CHANNEL);
    expect(escalation).toBeDefined();
    const text = cardText(cardOfCall(escalation!));
    expect(text).toContain('Försenad rapport');
    expect(text).toContain('två påminnelser');
    expect(text).toContain(project.regNo);
  });
});
