import { App } from '../../bot/app';
import type { AuditEntry } from '../../services/audit/audit-log';
import type { OutboxMessage } from '../../services/outbox/outbox-repository';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
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
import { TestClock } from '../unit/scheduler/scheduler-kit';
import { lastSeq } from './allocation-support';
import { Channel, GENERAL, submitApplication, waitForCard } from './review-support';

const COACH_CHANNEL = '19:coacher@thread.tacv2';
const ANNA = DEMO_USERS.anna.aadObjectId;
const ANNA_EMAIL = 'anna.andersson@stad.example';
const QUESTION = 'Hur räknar jag nyttan för min förskoleansökan?';

type Doc = { _id: string } & Record<string, unknown>;

describe('personal-data requests (GDPR art. 15 and 17) over real HTTP', () => {
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
    connector.reset({ rosters: true });
    clock = new TestClock('2026-11-23 10:00');
    app = await startTestApp({
      dataDir: freshDataDir(),
      clock: clock.fn,
      env: { EXPORT_SIGNING_SECRET: 'p'.repeat(40), SCHEDULER_ENABLED: 'false' },
    });
  });
  afterEach(async () => {
    await app.close();
  });

  const all = (name: string): Promise<Doc[]> => app.services.store.collection<Doc>(name).find({});

  /** Anna uses the bot: preferences, a draft, a submitted application, an idea, a coaching question answered by Cecilia. */
  async function annaUsesTheBot(): Promise<{
    draftId: string;
    submittedId: string;
    questionId: string;
  }> {
    const s = app.services;
    const coach = new Channel(app, connector, COACH_CHANNEL);
    let from = lastSeq(connector);
    await coach.say(DEMO_USERS.bjorn, 'coachkanal');
    await connector.waitFor(
      (c) =>
        c.seq > from &&
        (c.kind === 'send' || c.kind === 'reply') &&
        (c.conversationId ?? '').startsWith(COACH_CHANNEL),
    );

    const anna = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    await anna.say('språk svenska');
    expect((await anna.click('reminders.optOut')).status).toBe(200);
    const submittedId = await submitApplication(app, connector, DEMO_USERS.anna);
    from = lastSeq(connector);
    await anna.say('ny ansökan');
    const wizard = await connector.waitFor(
      (c) =>
        c.seq > from &&
        c.kind === 'reply' &&
        c.conversationId === anna.conversationId &&
        JSON.stringify(cardOfCall(c)).includes('appId'),
    );
    const draftId = appIdOf(cardOfCall(wizard));
    await anna.click('application.next', {
      appId: draftId,
      step: 0,
      ...VALID_STEPS[0],
      title: 'Utkast om fritidsgårdar',
    });
    const idea = await anna.click('idea.submit', {
      title: 'Idé: digital lånecentral',
      need: 'Skolorna lånar ut utrustning på papper.',
      organisation: 'Utbildningsförvaltningen',
    });
    expect(cardText(idea.card)).toContain('Idé: digital lånecentral');

    await anna.say(`fråga ${QUESTION}`);
    const post = await waitForCard(connector, COACH_CHANNEL, QUESTION);
    const questionId = /"questionId":"([0-9a-f-]{36})"/.exec(JSON.stringify(cardOfCall(post)))![1];
    for (
      let i = 0;
      i < 100 && (await s.outbox.get(`coach-thread:${questionId}`))?.status !== 'sent';
      i++
    )
      await new Promise((r) => setTimeout(r, 20));
    clock.set('2026-11-23 11:30');
    await coach.say(DEMO_USERS.cecilia, 'Räkna frigjorda timmar gånger timkostnaden.', {
      mention: false,
      replyToThreadId: post.assignedId!,
    });
    await waitForCard(connector, anna.conversationId, 'Räkna frigjorda timmar');
    for (
      let i = 0;
      i < 100 && (await s.outbox.col.count({ 'target.aadObjectId': ANNA, status: 'pending' })) > 0;
      i++
    )
      await new Promise((r) => setTimeout(r, 20));
    // A reminder that waits until tomorrow: not delivered yet when the erasure comes.
    await s.outbox.enqueue(
      `test-reminder:${ANNA}`,
      { kind: 'user', aadObjectId: ANNA },
      { text: 'Påminnelse om ditt utkast' },
      clock.fn(),
      new Date(clock.fn().getTime() + 86_400_000),
    );
    return { draftId, submittedId, questionId };
  }

  it('when an admin exports everything about a person by e-mail, then the signed JSON holds their working data and the public records naming them, and both steps are audited', async () => {
    const s = app.services;
    const { draftId, submittedId, questionId } = await annaUsesTheBot();
    const bjorn = new PersonalChat(app.url, connector.url, DEMO_USERS.bjorn);
    const from = lastSeq(connector);
    await bjorn.say(`personuppgifter ${ANNA_EMAIL}`);
    const overview = await connector.waitFor(
      (c) => c.seq > from && c.kind === 'reply' && c.conversationId === bjorn.conversationId,
    );
    const facts = new Map(
      (JSON.stringify(cardOfCall(overview)).match(/"title":"[^"]+","value":"\d+"/g) ?? []).map(
        (f) => {
          const m = /"title":"([^"]+)","value":"(\d+)"/.exec(f)!;
          return [m[1], Number(m[2])];
        },
      ),
    );
    const outboxToAnna = (await all('outbox')).filter(
      (m) => (m.target as { aadObjectId?: string }).aadObjectId === ANNA,
    );
    expect(facts.get('Ansökningar')).toBe(2);
    expect(facts.get('Idéskisser')).toBe(1);
    expect(facts.get('Coachfrågor')).toBe(1);
    expect(facts.get('Profil')).toBe(1);
    expect(facts.get('Konversationsreferenser')).toBe(1);
    expect(facts.get('Val om påminnelser')).toBe(1);
    expect(facts.get('Meddelanden')).toBe(outboxToAnna.length);

    const issued = await bjorn.click('privacy.export', { subject: ANNA_EMAIL });
    const url = /"url":"([^"]+)"/
      .exec(JSON.stringify(issued.card))![1]
      .replace(/^http:\/\/localhost:\d+/, app.url);
    expect(url).toMatch(/\/exports\/privacy\/export-[0-9a-f-]{36}\.json\?exp=\d+&sig=/);
    expect(url).not.toContain('anna');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="personuppgifter-2026-11-23.json"',
    );
    const file = (await res.json()) as {
      subject: { aadObjectId: string };
      collections: Record<string, Doc[]>;
      notice: { sv: string };
      rules: unknown[];
    };
    expect(file.subject.aadObjectId).toBe(ANNA);
    expect(file.collections.users[0]).toMatchObject({
      _id: ANNA,
      email: ANNA_EMAIL,
      localePreference: 'sv',
    });
    expect(file.collections.applications.map((a) => a._id).sort()).toEqual(
      [draftId, submittedId].sort(),
    );
    expect(file.collections.ideas[0]).toMatchObject({ title: 'Idé: digital lånecentral' });
    expect(file.collections.coachQuestions[0]).toMatchObject({ _id: questionId, text: QUESTION });
    expect(file.collections.reminder_prefs[0]).toMatchObject({ _id: ANNA, optOut: true });
    expect(file.collections.outbox.map((m) => m._id).sort()).toEqual(
      outboxToAnna.map((m) => m._id).sort(),
    );
    expect(file.collections.audit.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'application.created',
        'application.step_saved',
        'idea.submitted',
        'coach.question_asked',
        'reminders.opted_out',
        'user.language_set',
      ]),
    );
    expect(file.notice.sv).toContain('allmänna handlingar');
    expect(file.rules.length).toBeGreaterThan(20);

    const requests = await s.privacy.forSubject(ANNA);
    expect(requests).toEqual([
      expect.objectContaining({
        kind: 'export',
        requestedBy: DEMO_USERS.bjorn.aadObjectId,
        downloads: 1,
      }),
    ]);
    const audit = await s.audit.forEntity(ANNA);
    expect(
      audit.filter((e) => e.action.startsWith('privacy.')).map((e) => [e.action, e.actorId]),
    ).toEqual([
      ['privacy.export_requested', DEMO_USERS.bjorn.aadObjectId],
      ['privacy.export_downloaded', 'system:signed-link'],
    ]);
    // The link is short-lived and cannot be bent to another request.
    expect(
      (
        await fetch(
          url.replace(/export-[0-9a-f-]{36}/, 'export-00000000-0000-0000-0000-000000000000'),
        )
      ).status,
    ).toBe(403);
    clock.set('2026-11-23 11:50');
    expect((await fetch(url)).status).toBe(403);

    // Someone the bot knows only from an application's e-mail: an export, but no erasure.
    const ownerOnly = await bjorn.click('privacy.export', { subject: 'etjanst@stad.example' });
    expect(cardText(ownerOnly.card)).toContain('Hämta registerutdraget');
    await bjorn.say('personuppgifter etjanst@stad.example');
    const ownerCard = await connector.waitFor(
      (c) =>
        c.kind === 'reply' &&
        c.conversationId === bjorn.conversationId &&
        cardText(cardOfCall(c)).includes('etjanst@stad.example'),
    );
    expect(cardText(cardOfCall(ownerCard))).toContain('radering går inte');
    expect(JSON.stringify(cardOfCall(ownerCard))).not.toContain('privacy.eraseAsk');
  });

  it('when an admin erases a person after confirming, then working data goes, coaching is anonymised, public records stay, and the audit entry holds counts only', async () => {
    const s = app.services;
    const { draftId, submittedId, questionId } = await annaUsesTheBot();
    const submittedBefore = await s.applications.get(submittedId);
    const ideasBefore = await s.ideas.byOwner(ANNA);
    const questionBefore = (await s.coaching.questions.get(questionId))!;
    const draftAudit = (await s.audit.forEntity(draftId)).map((e) => e._id);
    expect(draftAudit.length).toBeGreaterThan(1);

    // Only admins, only in personal chat.
    const anna = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    expect(cardText((await anna.click('privacy.eraseConfirm', { subject: ANNA })).card)).toContain(
      'Bara projektkontorets administratörer',
    );
    expect(await s.applications.get(draftId)).not.toBeNull();
    const general = new Channel(app, connector, GENERAL);
    const from = lastSeq(connector);
    await general.say(DEMO_USERS.bjorn, `personuppgifter ${ANNA}`);
    await connector.waitFor(
      (c) =>
        c.seq > from &&
        (c.kind === 'send' || c.kind === 'reply') &&
        cardText(cardOfCall(c)).includes('personlig chatt'),
    );

    // The confirmation card says what goes and what stays.
    const bjorn = new PersonalChat(app.url, connector.url, DEMO_USERS.bjorn);
    const ask = await bjorn.click('privacy.eraseAsk', { subject: ANNA });
    const askText = cardText(ask.card);
    expect(askText).toContain('Radera personuppgifter för Anna Andersson');
    expect(askText).toMatch(/Utkast som aldrig skickats in: raderas\n1/);
    expect(askText).toMatch(/Frågor till coacherna: anonymiseras\n1/);
    expect(askText).toMatch(/Ansökningar\n1/);
    expect(askText).toMatch(/Idéskisser\n1/);
    expect(await s.applications.get(draftId)).not.toBeNull();

    // Let messages to Anna that are due now finish sending first: a send still in flight during
    // the erasure would log its rate-limit slot afterwards (it expires within the hour anyway).
    const settleBy = Date.now() + 10_000;
    for (;;) {
      const now = new Date().toISOString();
      const busy = ((await all('outbox')) as unknown as OutboxMessage[]).filter(
        (m) =>
          m.target.kind === 'user' &&
          m.target.aadObjectId === ANNA &&
          (m.status === 'sending' || (m.status === 'pending' && m.notBefore <= now)),
      );
      if (busy.length === 0 || Date.now() > settleBy) break;
      await new Promise((r) => setTimeout(r, 50));
    }

    const done = await bjorn.click('privacy.eraseConfirm', { subject: ANNA });
    expect(cardText(done.card)).toContain('Personuppgifterna är raderade');

    // Removed: the unsent draft, the profile, the chat reference, the reminder choices, the undelivered reminder.
    expect(await s.applications.get(draftId)).toBeNull();
    expect(await s.users.get(ANNA)).toBeNull();
    expect(await s.conversations.forUser(ANNA)).toEqual([]);
    expect(await s.reminders.prefs.get(ANNA)).toBeNull();
    expect(await s.outbox.get(`test-reminder:${ANNA}`)).toBeNull();
    // Delivered messages keep only their delivery record.
    const toAnna = (await all('outbox')) as unknown as OutboxMessage[];
    const delivered = toAnna.filter(
      (m) => m.target.kind === 'user' && m.target.aadObjectId === ANNA,
    );
    expect(delivered.length).toBeGreaterThan(0);
    for (const m of delivered) expect(m).toMatchObject({ status: 'sent', payload: {} });
    // Kept: the submitted application and the idea (official documents), unchanged.
    expect(await s.applications.get(submittedId)).toEqual(submittedBefore);
    expect(await s.ideas.byOwner(ANNA)).toEqual(ideasBefore);
    // The question is anonymised: who and what are gone, the answer time stays for the statistics.
    const question = (await s.coaching.questions.get(questionId))!;
    expect(question).toMatchObject({
      askerId: 'erased',
      askerName: '',
      text: '',
      messages: [],
      status: 'resolved',
      firstAnswerWorkingHours: questionBefore.firstAnswerWorkingHours,
      createdAt: questionBefore.createdAt,
    });
    expect(question.firstAnswerWorkingHours).toBe(1.5);
    expect(question.organisation).toBeUndefined();

    // Nothing of what was erased is left in working data, the outbox or the audit log.
    const everywhere = JSON.stringify([
      await all('users'),
      await all('conversations'),
      await all('coachQuestions'),
      await all('outbox'),
      await all('reminder_prefs'),
      await all('audit'),
    ]);
    for (const erased of [QUESTION, 'Utkast om fritidsgårdar', 'Påminnelse om ditt utkast'])
      expect(everywhere).not.toContain(erased);
    const redacted = (await all('audit')) as unknown as (AuditEntry & { redactedAt?: string })[];
    for (const id of draftAudit) {
      const e = redacted.find((x) => x._id === id)!;
      expect(e).toMatchObject({ entityId: draftId, actorId: ANNA, redactedAt: expect.any(String) });
      expect(e.before).toBeUndefined();
      expect(e.after).toBeUndefined();
      expect(e.actorName).toBeUndefined();
    }
    // The public record still names her; the audit of the erasure names no one but by id.
    expect(JSON.stringify(await s.applications.get(submittedId))).toContain(ANNA_EMAIL);
    const erasure = (await s.audit.forEntity(ANNA)).find((e) => e.action === 'privacy.erased')!;
    expect(erasure).toMatchObject({
      actorId: DEMO_USERS.bjorn.aadObjectId,
      entityType: 'person',
      entityId: ANNA,
    });
    const erasureText = JSON.stringify(erasure.after);
    for (const personal of ['Anna', ANNA_EMAIL, QUESTION, 'Utbildningsförvaltningen'])
      expect(erasureText).not.toContain(personal);
    expect((erasure.after as { counts: Record<string, number> }).counts).toMatchObject({
      'applications:deleted': 1,
      'coachQuestions:anonymised': 1,
      'users:deleted': 1,
      'applications:kept': 1,
      'ideas:kept': 1,
    });
    expect(await s.privacy.forSubject(ANNA)).toEqual([
      expect.objectContaining({
        kind: 'erase',
        counts: (erasure.after as { counts: unknown }).counts,
      }),
    ]);

    // A second request finds nothing more to erase; the bot keeps working for her.
    const again = await bjorn.click('privacy.eraseAsk', { subject: ANNA });
    expect(cardText(again.card)).toContain('Det finns ingen arbetsdata att radera');
    expect(JSON.stringify(again.card)).not.toContain('privacy.eraseConfirm');
    expect(await anna.say('hjälp')).toBe(200);
  });
});
