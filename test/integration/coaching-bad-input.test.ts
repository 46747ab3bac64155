import { DateTime } from 'luxon';
import { App } from '../../bot/app';
import { runCoachSla } from '../../services/coaching/coach-sla';
import { OFFICE_CHANNEL } from '../../services/settings/settings-repository';
import { actionExecute, channelMessage, postActivity, TeamsUser } from '../support/activities';
import { FakeConnector, RecordedCall, startFakeConnector } from '../support/fake-connector';
import {
  cardOfCall,
  cardText,
  DEMO_TENANT,
  DEMO_USERS,
  freshDataDir,
  PersonalChat,
  startTestApp,
} from '../support/test-app';

const TEAM = '19:demo-team-general@thread.tacv2';
const COACH_CHANNEL = '19:coacher@thread.tacv2';

describe('coaching: bad input, failures and SLA over real HTTP', () => {
  let connector: FakeConnector;
  let app: App;
  let now: Date;

  beforeAll(async () => {
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    await connector.stop();
  });
  beforeEach(async () => {
    connector.reset({ rosters: true });
    // Monday 23 November 2026, 09:00 in Stockholm: office hours 09–16.
    now = DateTime.fromISO('2026-11-23T09:00', { zone: 'Europe/Stockholm' }).toJSDate();
    app = await startTestApp({ dataDir: freshDataDir(), clock: () => now });
  });
  afterEach(async () => {
    await app.close();
  });

  const textOf = (c: RecordedCall): string =>
    cardText(cardOfCall(c)) + (typeof c.activity?.text === 'string' ? c.activity.text : '');
  const personalConv = (u: TeamsUser): string => `a:personal-${u.aadObjectId}`;
  const thread = (root: string): string => `${COACH_CHANNEL};messageid=${root}`;
  const sends = (): RecordedCall[] =>
    connector.calls.filter((c) => c.kind === 'send' || c.kind === 'reply' || c.kind === 'update');

  async function inChannel(
    from: TeamsUser,
    text: string,
    opts: { thread?: string; mention?: boolean; channelId?: string } = {},
  ): Promise<number> {
    const res = await postActivity(
      `${app.url}/api/messages`,
      channelMessage({
        serviceUrl: connector.url,
        tenantId: DEMO_TENANT,
        from,
        text,
        mentionBot: opts.mention ?? false,
        teamId: TEAM,
        channelId: opts.channelId ?? COACH_CHANNEL,
        replyToThreadId: opts.thread,
      }),
    );
    return res.status;
  }

  async function bind(): Promise<void> {
    const seen = connector.calls.length;
    await inChannel(DEMO_USERS.bjorn, 'coachkanal', { mention: true });
    await connector.waitFor(
      (c) =>
        c.seq > seen &&
        (c.conversationId ?? '').startsWith(COACH_CHANNEL) &&
        textOf(c).includes('coachkanal'),
    );
  }

  async function ask(
    chat: PersonalChat,
    question: string,
  ): Promise<{ root: string; questionId: string }> {
    const { card } = await chat.click('coach.ask', { question, skipFaq: true });
    expect(cardText(card)).toContain('Frågan är skickad');
    const post = await connector.waitFor(
      (c) =>
        c.kind === 'send' && c.conversationId === COACH_CHANNEL && textOf(c).includes(question),
    );
    const questionId = /"questionId":"([0-9a-f-]{36})"/.exec(JSON.stringify(cardOfCall(post)))![1];
    // The sender records the post as sent just after Teams answered it.
    for (
      let i = 0;
      i < 100 && (await app.services.outbox.get(`coach-thread:${questionId}`))?.status !== 'sent';
      i++
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    return { root: post.assignedId!, questionId };
  }

  it('when the question is empty, not text, or over 2000 characters, then it is refused with the limit, kept in the box, and nothing is posted', async () => {
    await bind();
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    await chat.say('fråga');
    const form = await connector.waitFor(
      (c) => c.kind !== 'getMember' && c.conversationId === chat.conversationId,
    );
    expect(textOf(form)).toContain('Din fråga');

    const empty = await chat.click('coach.ask', { question: '   ' });
    expect(empty.status).toBe(200);
    expect(cardText(empty.card)).toContain('Skriv din fråga först');

    const notText = await chat.click('coach.ask', { question: 42 });
    expect(cardText(notText.card)).toContain('Frågan måste vara text');

    const long = 'å'.repeat(2001);
    const tooLong = await chat.click('coach.ask', { question: long });
    expect(cardText(tooLong.card)).toContain('Frågan är 2001 tecken, högst 2000 tillåts');
    expect(JSON.stringify(tooLong.card)).toContain(long);

    const seen = connector.calls.length;
    expect(await chat.say(`fråga ${'x'.repeat(2500)}`)).toBe(200);
    const refused = await connector.waitFor(
      (c) => c.seq > seen && c.kind !== 'getMember' && c.conversationId === chat.conversationId,
    );
    expect(textOf(refused)).toContain('2500 tecken, högst 2000');

    expect(await app.services.coaching.questions.byAsker(DEMO_USERS.anna.aadObjectId)).toHaveLength(
      0,
    );
    expect(sends().filter((c) => c.conversationId === COACH_CHANNEL)).toHaveLength(0);
  });

  it('when someone replies in a thread that is not a coach thread, then the bot ignores it without an error', async () => {
    await bind();
    const before = sends().length;
    expect(
      await inChannel(DEMO_USERS.cecilia, 'Ett vanligt svar i en annan tråd', {
        thread: 'root-that-is-not-ours',
      }),
    ).toBe(200);
    expect(await inChannel(DEMO_USERS.cecilia, 'Ett nytt inlägg utan nämning')).toBe(200);
    expect(
      await inChannel(DEMO_USERS.cecilia, 'Svar i granskningskanalen', {
        channelId: '19:demo-beredning@thread.tacv2',
        thread: '12345',
      }),
    ).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(sends().length).toBe(before);
  });

  it('when the relayed answer cannot reach the applicant (403), then the thread gets a "kunde inte nå sökande" note', async () => {
    await bind();
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const { root, questionId } = await ask(chat, 'Hur lång tid tar beredningen?');
    connector.failNext(
      { kind: 'send', conversationId: personalConv(DEMO_USERS.anna) },
      { status: 403, body: { error: { code: 'BotNotInConversationRoster', message: 'removed' } } },
    );
    await inChannel(DEMO_USERS.cecilia, 'Ungefär tio arbetsdagar.', { thread: root });
    await connector.waitFor((c) => c.status === 403);
    await connector.waitUntil(() => false, 300).catch(() => undefined);
    const relayId = (await app.services.coaching.questions.get(questionId))!.pendingRelays[0];
    expect((await app.services.outbox.get(relayId))?.status).toBe('failed');

    await runCoachSla(app.services, now);
    const note = await connector.waitFor(
      (c) =>
        c.kind === 'send' &&
        c.conversationId === thread(root) &&
        textOf(c).includes('Kunde inte nå sökande'),
    );
    expect(textOf(note)).toContain('Anna Andersson');
    await runCoachSla(app.services, now);
    const q = await app.services.coaching.questions.get(questionId);
    expect(q?.relayCheck).toBe(false);
    expect(q?.messages[0].text).toBe('Ungefär tio arbetsdagar.');
    expect((await app.services.audit.forEntity(questionId)).map((a) => a.action)).toContain(
      'coach.relay_failed',
    );

    // The conversation is now known to be unreachable: the next answer gets the note at once.
    await inChannel(DEMO_USERS.cecilia, 'Och beslut kommer i mars.', { thread: root });
    await connector.waitUntil(
      (calls) =>
        calls.filter(
          (c) => c.conversationId === thread(root) && textOf(c).includes('Kunde inte nå sökande'),
        ).length === 2,
    );
    expect(
      sends().filter(
        (c) =>
          c.conversationId === personalConv(DEMO_USERS.anna) &&
          textOf(c).includes('beslut kommer i mars'),
      ),
    ).toHaveLength(0);
  });

  it('when a question waits longer than COACH_SLA_HOURS working hours, then one reminder goes to its thread per round of waiting', async () => {
    await bind();
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const { root, questionId } = await ask(chat, 'Får vi köpa in konsulter för utvecklingen?');

    now = DateTime.fromISO('2026-11-23T15:59', { zone: 'Europe/Stockholm' }).toJSDate();
    expect((await runCoachSla(app.services, now)).reminders).toBe(0);
    // Tuesday 10:00: 7 office hours on Monday + 1 on Tuesday = 8.
    now = DateTime.fromISO('2026-11-24T10:00', { zone: 'Europe/Stockholm' }).toJSDate();
    expect((await runCoachSla(app.services, now)).reminders).toBe(1);
    const reminder = await connector.waitFor(
      (c) =>
        c.kind === 'send' && c.conversationId === thread(root) && textOf(c).includes('Påminnelse'),
    );
    expect(textOf(reminder)).toContain('mer än 8 arbetstimmar');
    expect((await runCoachSla(app.services, now)).reminders).toBe(0);

    // An answer stops the clock; the applicant's next message starts a new round.
    await inChannel(DEMO_USERS.cecilia, 'Ja, inom ramavtalet.', { thread: root });
    await connector.waitFor(
      (c) => c.conversationId === personalConv(DEMO_USERS.anna) && textOf(c).includes('ramavtalet'),
    );
    await chat.say('Vilket ramavtal gäller?');
    await connector.waitFor(
      (c) => c.conversationId === thread(root) && textOf(c).includes('Vilket ramavtal'),
    );
    now = DateTime.fromISO('2026-11-25T11:00', { zone: 'Europe/Stockholm' }).toJSDate();
    expect((await runCoachSla(app.services, now)).reminders).toBe(1);
    await connector.waitUntil(
      (calls) =>
        calls.filter((c) => c.conversationId === thread(root) && textOf(c).includes('Påminnelse'))
          .length === 2,
    );
    const q = await app.services.coaching.questions.get(questionId);
    expect(q?.remindedRound).toBe(2);
    expect(q?.firstAnswerWorkingHours).toBe(8);
    expect(
      (await app.services.audit.forEntity(questionId)).filter(
        (a) => a.action === 'coach.sla_reminded',
      ),
    ).toHaveLength(2);
  });

  it('when the applicant has several open questions, then free text asks which one, and the choice goes to that thread', async () => {
    await bind();
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    await ask(chat, 'Första frågan om drift?');
    const second = await ask(chat, 'Andra frågan om WCAG?');
    const seen = connector.calls.length;
    await chat.say('Glömde säga att vi är två förvaltningar');
    const pick = await connector.waitFor(
      (c) => c.seq > seen && c.kind !== 'getMember' && c.conversationId === chat.conversationId,
    );
    expect(textOf(pick)).toContain('Vilken fråga gäller det?');
    const choice = (
      cardOfCall(pick).actions as { title: string; data: Record<string, unknown> }[]
    ).find((a) => a.title.includes('Andra frågan'))!;
    const { card } = await chat.click('coach.reply', choice.data);
    expect(cardText(card)).toContain('Skickat till coachen (fråga #2)');
    await connector.waitFor(
      (c) => c.conversationId === thread(second.root) && textOf(c).includes('två förvaltningar'),
    );

    const tooLong = await chat.click('coach.reply', {
      questionId: second.questionId,
      reply: 'y'.repeat(4001),
    });
    expect(cardText(tooLong.card)).toContain('Svaret är 4001 tecken, högst 4000');
    const notMine = await new PersonalChat(app.url, connector.url, DEMO_USERS.david).click(
      'coach.reply',
      { questionId: second.questionId, reply: 'hej' },
    );
    expect(cardText(notMine.card)).toContain('Den frågan är inte din');
    const unknown = await chat.click('coach.claim', { questionId: 'nope' });
    expect(unknown.status).toBe(200);
  });

  it('when the applicant has no open question, then free text gets the usual help', async () => {
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    await chat.say('blomkål');
    const help = await connector.waitFor(
      (c) => c.kind !== 'getMember' && c.conversationId === chat.conversationId,
    );
    expect(textOf(help)).toContain('Jag förstod inte');
  });

  it('when no coach channel and no office channel exist, then the applicant is told and the question stays in the box', async () => {
    await app.services.settings.set(OFFICE_CHANNEL, null, now);
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const { card } = await chat.click('coach.ask', {
      question: 'Vart tar min fråga vägen?',
      skipFaq: true,
    });
    expect(cardText(card)).toContain('Det finns ingen coachkanal ännu');
    expect(JSON.stringify(card)).toContain('Vart tar min fråga vägen?');
  });

  it('when no coach channel is bound, then questions go to the project office channel', async () => {
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    await chat.click('coach.ask', { question: 'Vem är coach?', skipFaq: true });
    await connector.waitFor(
      (c) => c.kind === 'send' && c.conversationId === TEAM && textOf(c).includes('Vem är coach?'),
    );
  });

  it('when the thread cannot be posted (bot not in the channel), then the applicant and the office are told', async () => {
    await bind();
    connector.failNext(
      { kind: 'send', conversationId: COACH_CHANNEL },
      { status: 403, body: { error: { code: 'Forbidden', message: 'bot not in team' } } },
    );
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const { card } = await chat.click('coach.ask', {
      question: 'Kommer den här fram?',
      skipFaq: true,
    });
    expect(cardText(card)).toContain('Frågan är skickad');
    await connector.waitFor((c) => c.status === 403);
    await connector.waitUntil(() => false, 300).catch(() => undefined);
    await runCoachSla(app.services, now);
    await connector.waitFor(
      (c) =>
        c.conversationId === personalConv(DEMO_USERS.anna) &&
        textOf(c).includes('Frågan kom inte fram'),
    );
    await connector.waitFor(
      (c) => c.conversationId === TEAM && textOf(c).includes('kunde inte läggas i coachkanalen'),
    );
    const [q] = await app.services.coaching.questions.byAsker(DEMO_USERS.anna.aadObjectId);
    expect(q.threadFailed).toBe(true);
    // Free text no longer goes to a question that never reached the coaches.
    await chat.say('Hallå?');
    await connector.waitFor(
      (c) => c.conversationId === chat.conversationId && textOf(c).includes('Jag förstod inte'),
    );
  });

  it('when a coach action is clicked in a personal chat or with a broken id, then the answer is a clear card, never a 500', async () => {
    const res = await postActivity(
      `${app.url}/api/messages`,
      actionExecute({
        serviceUrl: connector.url,
        tenantId: DEMO_TENANT,
        from: DEMO_USERS.cecilia,
        verb: 'coach.resolve',
        data: { questionId: { $gt: '' } },
        channel: { teamId: TEAM, channelId: COACH_CHANNEL, threadRootId: 'x' },
      }),
    );
    expect(res.status).toBe(200);
    expect(cardText((res.body as { value: unknown }).value)).toContain(
      'Jag hittar inte den frågan',
    );
  });
});
