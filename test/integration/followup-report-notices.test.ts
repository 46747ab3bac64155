import { App } from '../../bot/app';
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

const OFFICE_CHANNEL = '19:demo-team-general@thread.tacv2';
const REVIEW_CHANNEL = '19:demo-beredning@thread.tacv2';
const REVIEW_THREAD = '1796500000001';
const ANNA = DEMO_USERS.anna.aadObjectId;

/** A submitted report reaches the project office and the funded item's review thread. */
describe('follow-up reports reach the project office over real HTTP', () => {
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

  /** Cards sent to a conversation (a channel, or a thread: `channel;messageid=root`). */
  const sentTo = (conversationId: string, contains: string): string[] =>
    connector
      .sent()
      .filter((c) => c.conversationId === conversationId)
      .map((c) => cardText(cardOfCall(c)))
      .filter((t) => t.includes(contains));

  const funded = () =>
    addProject(app.services, 'app-1', ANNA, {
      reviewChannelId: REVIEW_CHANNEL,
      threadId: REVIEW_THREAD,
    });

  it('when a status report is submitted, then the office channel is told and the review thread gets a line, once', async () => {
    const project = await funded();
    clock.set('2027-04-02 10:00');
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const ok = await chat.click('followup.report.submit', {
      projectId: project._id,
      period: 'status-2027-Q1',
      health: 'at_risk',
      spent: '420 tkr',
      milestones: 'Förstudie klar; upphandling pågår.',
      comment: 'Upphandlingen är försenad två veckor.',
    });
    expect(cardText(ok.card)).toContain('Tack – rapporten är sparad');
    await app.sender.drain(10_000);

    const office = sentTo(OFFICE_CHANNEL, 'Lägesrapport inkommen');
    expect(office).toHaveLength(1);
    expect(office[0]).toContain(project.regNo);
    expect(office[0]).toContain('kvartal 1 2027');
    expect(office[0]).toContain('Risk för avvikelse');
    expect(office[0]).toMatch(/420\s000\skr av beviljade 1\s000\s000\skr/);
    expect(office[0]).toContain('Upphandlingen är försenad två veckor.');

    const thread = sentTo(`${REVIEW_CHANNEL};messageid=${REVIEW_THREAD}`, 'Lägesrapport för');
    expect(thread).toHaveLength(1);
    expect(thread[0]).toContain('kvartal 1 2027 inkommen');
    expect(thread[0]).toContain('Risk för avvikelse');
    // Nothing lands top-level in the review channel.
    expect(sentTo(REVIEW_CHANNEL, 'Lägesrapport')).toEqual([]);

    // A correction is told again, marked as one.
    await chat.click('followup.report.submit', {
      projectId: project._id,
      period: 'status-2027-Q1',
      health: 'on_track',
      spent: '430 tkr',
      milestones: 'Förstudie klar; upphandling klar.',
    });
    await app.sender.drain(10_000);
    expect(sentTo(OFFICE_CHANNEL, 'Rättad lägesrapport')).toHaveLength(1);
    expect(sentTo(OFFICE_CHANNEL, 'Lägesrapport inkommen')).toHaveLength(1);
  });

  it('when the one-year benefit follow-up is submitted, then the office sees the realised benefit against the plan in kronor and hours', async () => {
    const project = await funded();
    const plan = project.benefitPlan;
    expect(plan.yearlyEffectSek).toBeGreaterThan(0);
    clock.set('2028-11-30 10:00');
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna, 'en-US');
    const realisedSek = Math.round(plan.yearlyEffectSek! * 0.75);
    await chat.click('followup.report.submit', {
      projectId: project._id,
      period: 'benefit',
      health: 'on_track',
      spent: '1 000 000',
      realisedSek: String(realisedSek),
      realisedHours: '1 500',
    });
    await app.sender.drain(10_000);
    const office = sentTo(OFFICE_CHANNEL, 'Nyttouppföljning inkommen');
    expect(office).toHaveLength(1);
    // The office reads Swedish (the channel's language), whatever the reporter used.
    expect(office[0]).toContain('enligt nyttokalkylen (75 %)');
    expect(office[0]).toMatch(/1\s500 av 2\s000 timmar \(75 %\)/);
    const thread = sentTo(`${REVIEW_CHANNEL};messageid=${REVIEW_THREAD}`, 'Nyttouppföljning');
    expect(thread).toHaveLength(1);
    expect(thread[0]).toContain('realiserad nytta');
    expect(thread[0]).toContain('(75 %)');
  });

  it('when the final report is sent and no thread is known, then the office hears of it and the review channel gets a post', async () => {
    const project = await addProject(app.services, 'app-2', ANNA);
    clock.set(`${project.endDate} 10:00`);
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const ok = await chat.click('followup.report.submit', {
      projectId: project._id,
      period: 'final',
      health: 'on_track',
      spent: '990 000',
      milestones: 'E-tjänsten är i drift.',
    });
    expect(cardText(ok.card)).toContain('Tack – rapporten är sparad');
    await app.sender.drain(10_000);
    expect(sentTo(OFFICE_CHANNEL, 'Slutrapport inkommen')).toHaveLength(1);
    expect(sentTo(REVIEW_CHANNEL, 'Slutrapport inkommen från')).toHaveLength(1);
  });
});
