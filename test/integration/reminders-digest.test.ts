import { App } from '../../bot/app';
import { BotAdapter, createAuthentication } from '../../bot/adapter';
import { createOutboxDelivery } from '../../bot/outbox-delivery';
import { OutboxSender } from '../../services/outbox/outbox-sender';
import { ReminderScheduler } from '../../services/scheduler/reminder-scheduler';
import { actionExecute, postActivity } from '../support/activities';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import {
  cardOfCall,
  cardText,
  DEMO_TENANT,
  DEMO_USERS,
  freshDataDir,
  PersonalChat,
  startTestApp,
} from '../support/test-app';
import { markerOf } from '../unit/outbox/outbox-test-kit';
import { addDraft, TestClock } from '../unit/scheduler/scheduler-kit';

const ANNA = DEMO_USERS.anna.aadObjectId;
const REVIEW = {
  teamId: '19:demo-team-general@thread.tacv2',
  channelId: '19:demo-beredning@thread.tacv2',
};

describe('reminders delivered as daily digests over real HTTP', () => {
  let connector: FakeConnector;
  let app: App;
  let clock: TestClock;

  beforeAll(async () => {
    connector = await startFakeConnector({ enforceTeamsLimits: true });
  });
  afterAll(async () => {
    await connector.stop();
  });
  beforeEach(async () => {
    connector.reset();
    clock = new TestClock('2027-03-01 10:00');
    app = await startTestApp({
      dataDir: freshDataDir(),
      clock: clock.fn,
      env: { SCHEDULER_ENABLED: 'false' },
    });
  });
  afterEach(async () => {
    await app.close();
  });

  /** Each person talks to the bot once, so the bot can reach them later (as in Teams). */
  async function greet(...users: (typeof DEMO_USERS)[keyof typeof DEMO_USERS][]): Promise<void> {
    for (const u of users) {
      await new PersonalChat(app.url, connector.url, u).say('hjälp');
      await connector.waitFor((c) => c.conversationId === `a:personal-${u.aadObjectId}`);
    }
    connector.reset();
  }

  const digestCalls = () =>
    connector.sent().filter((c) => (markerOf(c.activity) ?? '').startsWith('digest:'));

  it('when reminders are due, then each person gets one digest card, and running again sends nothing more', async () => {
    await greet(DEMO_USERS.anna, DEMO_USERS.eva);
    await addDraft(app.services, 'd-anna', ANNA, '2027-03-01 10:00');
    await addDraft(app.services, 'd-anna-2', ANNA, '2027-03-01 11:00');
    await addDraft(app.services, 'd-eva', DEMO_USERS.eva.aadObjectId, '2027-03-01 10:00');
    clock.set('2027-03-08 13:00');
    await app.scheduler.runOnce();
    await app.sender.drain(10_000);
    const calls = digestCalls();
    expect(calls.map((c) => c.conversationId).sort()).toEqual(
      [`a:personal-${ANNA}`, `a:personal-${DEMO_USERS.eva.aadObjectId}`].sort(),
    );
    const annas = cardText(
      cardOfCall(calls.find((c) => c.conversationId === `a:personal-${ANNA}`)!),
    );
    expect(annas).toContain('Påminnelser');
    expect(annas).toContain('Ansökan d-anna');
    expect(annas).toContain('Ansökan d-anna-2');
    expect(annas).toContain('Påminn mig på måndag');
    expect(annas).toContain('Fortsätt');
    await app.scheduler.runOnce();
    await app.sender.drain(10_000);
    clock.set('2027-03-09 10:00');
    await app.scheduler.runOnce();
    await app.sender.drain(10_000);
    expect(digestCalls()).toHaveLength(2);
  });

  it('when the person clicks "Påminn mig på måndag", then nothing comes until Monday and then the same items come back', async () => {
    await greet(DEMO_USERS.anna);
    await addDraft(app.services, 'd-anna', ANNA, '2027-03-01 10:00');
    clock.set('2027-03-08 10:00');
    await app.scheduler.runOnce();
    await app.sender.drain(10_000);
    const digestId = `digest:${ANNA}:2027-03-08`;
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const snoozed = await chat.click('reminders.snooze', { digestId, until: 'monday' });
    expect(cardText(snoozed.card)).toContain('måndag 2027-03-15 09:00');
    for (const day of ['2027-03-09 10:00', '2027-03-12 15:00']) {
      clock.set(day);
      await app.scheduler.runOnce();
      await app.sender.drain(10_000);
    }
    expect(digestCalls()).toHaveLength(1);
    clock.set('2027-03-15 09:10');
    await app.scheduler.runOnce();
    await app.sender.drain(10_000);
    expect(digestCalls()).toHaveLength(2);
    expect(cardText(cardOfCall(digestCalls()[1]))).toContain('Ansökan d-anna');
    // Someone else cannot snooze Anna's digest.
    const eva = await new PersonalChat(app.url, connector.url, DEMO_USERS.eva).click(
      'reminders.snooze',
      { digestId, until: 'monday' },
    );
    expect(cardText(eva.card)).toContain('inte din');
  });

  it('when the person switches reminders off, then the switch shows and nudges stop; switching on brings them back', async () => {
    await greet(DEMO_USERS.anna);
    await addDraft(app.services, 'd-anna', ANNA, '2027-03-01 10:00');
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const off = await chat.click('reminders.optOut', {});
    expect(cardText(off.card)).toContain('avstängda');
    await chat.say('påminnelser');
    const prefs = await connector.waitFor((c) =>
      cardText(cardOfCall(c)).includes('Dina påminnelser'),
    );
    expect(cardText(cardOfCall(prefs))).toContain('Påminnelser: **av**');
    clock.set('2027-03-08 10:00');
    await app.scheduler.runOnce();
    await app.sender.drain(10_000);
    expect(digestCalls()).toHaveLength(0);
    await chat.click('reminders.optIn', {});
    await app.scheduler.runOnce();
    await app.sender.drain(10_000);
    expect(digestCalls()).toHaveLength(1);
    expect((await app.services.audit.forEntity(ANNA)).map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'reminders.opted_out',
        'reminders.opted_in',
        'reminders.digest_queued',
      ]),
    );
  });

  it('when an admin writes "påminnelser", then the dry run lists what would be sent now; others see their own settings', async () => {
    await addDraft(app.services, 'd-anna', ANNA, '2027-03-01 10:00');
    clock.set('2027-03-08 10:00');
    const bjorn = new PersonalChat(app.url, connector.url, DEMO_USERS.bjorn);
    await bjorn.say('påminnelser');
    const dry = cardText(
      cardOfCall(
        await connector.waitFor((c) => cardText(cardOfCall(c)).includes('Påminnelser just nu')),
      ),
    );
    expect(dry).toContain('Sammanfattningar till personer (1)');
    expect(dry).toContain('Anna Andersson');
    expect(dry).toContain('vilande utkast');
    expect(await app.services.outbox.get(`digest:${ANNA}:2027-03-08`)).toBeNull();
    connector.reset();
    const bjornEn = new PersonalChat(app.url, connector.url, DEMO_USERS.bjorn, 'en-US');
    await bjornEn.say('reminders');
    const en = cardText(
      cardOfCall(
        await connector.waitFor((c) => cardText(cardOfCall(c)).includes('Reminders right now')),
      ),
    );
    expect(en).toContain('idle draft');
    connector.reset();
    await new PersonalChat(app.url, connector.url, DEMO_USERS.anna).say('påminnelser');
    const own = cardText(
      cardOfCall(await connector.waitFor((c) => c.kind === 'send' || c.kind === 'reply')),
    );
    expect(own).toContain('Dina påminnelser');
    expect(own).not.toContain('Sammanfattningar');
  });

  it('when an admin opens the outbox, then uncertain and dead messages are listed and can be resolved', async () => {
    const s = app.services;
    await s.outbox.enqueue('x:dead', { kind: 'user', aadObjectId: ANNA }, { text: 'a' }, s.clock());
    await s.outbox.enqueue(
      'x:uncertain',
      { kind: 'user', aadObjectId: ANNA },
      { text: 'b' },
      s.clock(),
    );
    await s.outbox.col.updateMany(
      { _id: 'x:dead' },
      { $set: { status: 'dead', attempts: 8, lastError: '503: Service Unavailable' } },
    );
    await s.outbox.col.updateMany(
      { _id: 'x:uncertain' },
      { $set: { status: 'uncertain', attempts: 1, lastError: 'AbortError: timeout' } },
    );
    const bjorn = new PersonalChat(app.url, connector.url, DEMO_USERS.bjorn);
    await bjorn.say('utkorg');
    const view = cardText(
      cardOfCall(await connector.waitFor((c) => cardText(cardOfCall(c)).includes('Utkorgen'))),
    );
    expect(view).toContain('Osäkert om det kom fram (1)');
    expect(view).toContain('Gav upp efter flera försök (1)');
    expect(view).toContain('Anna Andersson');
    expect(view).toContain('Kom fram');
    const marked = await bjorn.click('outbox.markDelivered', { id: 'x:uncertain' });
    expect(cardText(marked.card)).toContain('x:uncertain är markerat som levererat');
    expect(await s.outbox.get('x:uncertain')).toMatchObject({
      status: 'sent',
      resolution: { action: 'mark_delivered', by: DEMO_USERS.bjorn.aadObjectId },
    });
    const retried = await bjorn.click('outbox.retry', { id: 'x:dead' });
    expect(cardText(retried.card)).toContain('x:dead skickas igen');
    expect((await s.outbox.get('x:dead'))?.status).not.toBe('dead');
    const again = await bjorn.click('outbox.markDelivered', { id: 'x:uncertain' });
    expect(cardText(again.card)).toContain('finns inte längre i det läget');
    // The retry is audited once; the sender may already have tried it again (and audited that
    // attempt's outcome), which is its own entry after the retry.
    const deadActions = (await s.audit.forEntity('x:dead')).map((a) => a.action);
    expect(deadActions[0]).toBe('outbox.retried');
    expect(deadActions.filter((a) => a === 'outbox.retried')).toHaveLength(1);
    expect((await s.audit.forEntity('x:uncertain')).map((a) => a.action)).toEqual([
      'outbox.marked_delivered',
    ]);
    const anna = await new PersonalChat(app.url, connector.url, DEMO_USERS.anna).click(
      'outbox.retry',
      { id: 'x:dead' },
    );
    expect(cardText(anna.card)).toContain('Det här kan bara projektkontoret göra');
  });

  it('when the yearly survey is posted in the review channel, then members answer it and the answers are stored', async () => {
    await greet(DEMO_USERS.anna);
    clock.set('2027-10-01 10:00');
    await app.scheduler.runOnce();
    await app.sender.drain(10_000);
    const posted = connector.sent().find((c) => c.conversationId === REVIEW.channelId);
    expect(cardText(cardOfCall(posted!))).toContain(
      'Årlig enkät om e-förvaltningsutvecklingen 2027',
    );
    const surveyId = `2027:${REVIEW.channelId}`;
    const click = async (
      user: (typeof DEMO_USERS)[keyof typeof DEMO_USERS],
      data: Record<string, unknown>,
    ) => {
      const res = await postActivity(
        `${app.url}/api/messages`,
        actionExecute({
          serviceUrl: connector.url,
          tenantId: DEMO_TENANT,
          from: user,
          verb: 'followup.survey.answer',
          data: { surveyId, ...data },
          channel: { ...REVIEW, threadRootId: posted!.assignedId },
        }),
      );
      return cardText((res.body as { value?: unknown }).value);
    };
    expect(await click(DEMO_USERS.david, { anchoring: '4', users: '3' })).toContain(
      'Svara på alla frågor (3 saknas)',
    );
    expect(
      await click(DEMO_USERS.david, {
        anchoring: '4',
        users: '3',
        reuse: '5',
        benefits: '2',
        process: '4',
        comment: 'Nyttan följs upp för sällan.',
      }),
    ).toContain('1 i gruppen har svarat');
    expect(
      await click(DEMO_USERS.eva, {
        anchoring: '3',
        users: '3',
        reuse: '4',
        benefits: '2',
        process: '5',
      }),
    ).toContain('2 i gruppen har svarat');
    expect(
      await click(DEMO_USERS.anna, {
        anchoring: '1',
        users: '1',
        reuse: '1',
        benefits: '1',
        process: '1',
      }),
    ).toContain('beredningsgruppens ledamöter');
    const answers = await app.services.followup.surveys.forSurvey(surveyId);
    expect(answers.map((a) => [a.respondentName, a.answers.benefits])).toEqual([
      ['David Dahl', 2],
      ['Eva Ek', 2],
    ]);
  });

  it('when two bot instances (schedulers and senders) share one store, then no reminder is sent twice', async () => {
    await greet(
      DEMO_USERS.anna,
      DEMO_USERS.bjorn,
      DEMO_USERS.cecilia,
      DEMO_USERS.david,
      DEMO_USERS.eva,
    );
    const people = Object.values(DEMO_USERS);
    for (const [i, u] of people.entries()) {
      await addDraft(app.services, `d${i}`, u.aadObjectId, '2027-03-01 10:00');
      await addDraft(app.services, `e${i}`, u.aadObjectId, '2027-03-01 10:30');
    }
    clock.set('2027-03-08 11:00');
    // A second instance in this process on the same store (two processes must not share one
    // embedded DATA_DIR; with MongoDB they would be separate processes).
    const s = app.services;
    const other = {
      scheduler: new ReminderScheduler(s, { owner: 'instance-b' }),
      sender: new OutboxSender(
        s.outbox,
        createOutboxDelivery(new BotAdapter(createAuthentication(app.config, {})), s, app.config),
        s.clock,
        s.log,
        { pollMs: 50, owner: 'instance-b' },
      ),
    };
    await Promise.all([
      app.scheduler.runOnce(),
      other.scheduler.runOnce(),
      app.scheduler.runOnce(),
    ]);
    await Promise.all([app.sender.drain(10_000), other.sender.drain(10_000)]);
    await other.sender.stop();
    const calls = digestCalls();
    expect(calls).toHaveLength(people.length);
    expect(new Set(calls.map((c) => markerOf(c.activity))).size).toBe(people.length);
    for (const c of calls) expect(cardText(cardOfCall(c)).match(/Ansökan [de]\d/g)).toHaveLength(2);
    expect(connector.violations).toBe(0);
  });
});
