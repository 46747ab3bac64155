import { App } from '../../bot/app';
import { actionExecute, channelMessage, postActivity, TeamsUser } from '../support/activities';
import { FakeConnector, RecordedCall, startFakeConnector } from '../support/fake-connector';
import { VALID_STEPS } from '../support/application-fixture';
import {
  appIdOf,
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
const P1_CHANNEL = '19:coacher-p1@thread.tacv2';

describe('coaching in threads over real HTTP', () => {
  let connector: FakeConnector;
  let app: App;

  beforeAll(async () => {
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    await connector.stop();
  });
  beforeEach(async () => {
    connector.reset({ rosters: true });
    app = await startTestApp({ dataDir: freshDataDir() });
  });
  afterEach(async () => {
    await app.close();
  });

  const personalConv = (u: TeamsUser): string => `a:personal-${u.aadObjectId}`;
  const threadConv = (channelId: string, root: string): string => `${channelId};messageid=${root}`;
  const textOf = (c: RecordedCall): string =>
    cardText(cardOfCall(c)) + (typeof c.activity?.text === 'string' ? c.activity.text : '');

  /** Sends a channel message (an @mention command, or a plain thread reply) and returns the HTTP status. */
  async function inChannel(
    from: TeamsUser,
    text: string,
    opts: { channelId?: string; thread?: string; mention?: boolean } = {},
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

  /** Clicks a button on a card in a channel thread; returns the card that replaces it. */
  async function clickInThread(
    from: TeamsUser,
    verb: string,
    data: Record<string, unknown>,
    root: string,
    channelId = COACH_CHANNEL,
  ) {
    const res = await postActivity(
      `${app.url}/api/messages`,
      actionExecute({
        serviceUrl: connector.url,
        tenantId: DEMO_TENANT,
        from,
        verb,
        data,
        cardActivityId: root,
        channel: { teamId: TEAM, channelId, threadRootId: root },
      }),
    );
    return { status: res.status, card: (res.body as { value?: unknown } | undefined)?.value ?? {} };
  }

  async function bindCoachChannel(args = '', channelId = COACH_CHANNEL): Promise<void> {
    const seen = connector.calls.length;
    expect(
      await inChannel(DEMO_USERS.bjorn, `coachkanal ${args}`.trim(), { channelId, mention: true }),
    ).toBe(200);
    const reply = await connector.waitFor(
      (c) =>
        c.seq > seen &&
        (c.kind === 'send' || c.kind === 'reply') &&
        (c.conversationId ?? '').startsWith(channelId),
    );
    expect(textOf(reply)).toContain('coachkanal');
  }

  /** Anna asks; returns the question's thread root (the id Teams gave the channel post). */
  async function annaAsks(
    chat: PersonalChat,
    question: string,
    channelId = COACH_CHANNEL,
  ): Promise<{ root: string; questionId: string }> {
    expect(await chat.say(`fråga ${question}`)).toBe(200);
    const confirm = await connector.waitFor(
      (c) =>
        c.kind !== 'update' &&
        c.conversationId === chat.conversationId &&
        textOf(c).includes('Frågan är skickad'),
    );
    expect(textOf(confirm)).toContain(question);
    const post = await connector.waitFor(
      (c) => c.kind === 'send' && c.conversationId === channelId && textOf(c).includes(question),
    );
    const questionId = /"questionId":"([0-9a-f-]{36})"/.exec(JSON.stringify(cardOfCall(post)))?.[1];
    expect(questionId).toBeDefined();
    // The sender records the post as sent just after Teams answered it.
    for (
      let i = 0;
      i < 100 && (await app.services.outbox.get(`coach-thread:${questionId}`))?.status !== 'sent';
      i++
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    return { root: post.assignedId!, questionId: questionId! };
  }

  it('when an applicant asks, a coach replies in the thread and the applicant answers, then both sides get each message over several rounds', async () => {
    await bindCoachChannel();
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const { root, questionId } = await annaAsks(
      chat,
      'Hur räknar jag fram nyttan i nyttokalkylen?',
    );

    const post = connector.calls.find((c) => c.assignedId === root)!;
    const postText = textOf(post);
    expect(postText).toContain('Fråga #1 från Anna Andersson');
    expect(postText).toContain('Utbildningsförvaltningen');
    expect(postText).toContain('Väntar på coach');
    expect(post.path).toBe(`/v3/conversations/${COACH_CHANNEL}/activities`);

    // Round 1: a plain reply in the thread (no @mention) reaches Anna's personal chat.
    expect(
      await inChannel(DEMO_USERS.cecilia, 'Räkna timmar som frigörs per år gånger timkostnaden.', {
        thread: root,
      }),
    ).toBe(200);
    const relay1 = await connector.waitFor(
      (c) =>
        c.kind === 'send' &&
        c.conversationId === personalConv(DEMO_USERS.anna) &&
        textOf(c).includes('Räkna timmar'),
    );
    expect(textOf(relay1)).toContain('Svar från Cecilia Carlsson');
    expect(textOf(relay1)).toContain('fråga #1');

    // Anna answers with plain text in her chat: it goes into the same thread.
    expect(await chat.say('Tack! Ska jag räkna med semester också?')).toBe(200);
    const back1 = await connector.waitFor(
      (c) =>
        c.kind === 'send' &&
        c.conversationId === threadConv(COACH_CHANNEL, root) &&
        textOf(c).includes('semester'),
    );
    expect(textOf(back1)).toContain('Anna Andersson svarar');
    await connector.waitFor(
      (c) =>
        c.conversationId === chat.conversationId &&
        textOf(c).includes('Skickat till coachen (fråga #1)'),
    );

    // Round 2 both ways.
    await inChannel(DEMO_USERS.cecilia, 'Nej, räkna bara arbetstid.', { thread: root });
    const relay2 = await connector.waitFor(
      (c) =>
        c.kind === 'send' &&
        c.conversationId === personalConv(DEMO_USERS.anna) &&
        textOf(c).includes('räkna bara arbetstid'),
    );
    const { card: answered } = await chat.click('coach.reply', {
      questionId,
      relayId: /"relayId":"([^"]+)"/.exec(JSON.stringify(cardOfCall(relay2)))![1],
      reply: 'Då förstår jag, tack!',
    });
    expect(cardText(answered)).toContain('Skickat till coachen');
    await connector.waitFor(
      (c) =>
        c.kind === 'send' &&
        c.conversationId === threadConv(COACH_CHANNEL, root) &&
        textOf(c).includes('Då förstår jag'),
    );

    const q = await app.services.coaching.questions.get(questionId);
    expect(q?.messages.map((m) => m.by)).toEqual(['coach', 'applicant', 'coach', 'applicant']);
    expect(q?.firstAnswerById).toBe(DEMO_USERS.cecilia.aadObjectId);
    expect(q?.firstAnswerMs).toBeGreaterThanOrEqual(0);
    expect(typeof q?.firstAnswerWorkingHours).toBe('number');
    const actions = (await app.services.audit.forEntity(questionId)).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(['coach.question_asked', 'coach.answered', 'coach.applicant_replied']),
    );
  });

  it('when a coach claims and resolves, then the thread card updates in place, a non-coach is refused, and the applicant can reopen', async () => {
    await bindCoachChannel();
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const { root, questionId } = await annaAsks(chat, 'Vem ska stå som ägare efter projektet?');

    const refused = await clickInThread(DEMO_USERS.david, 'coach.claim', { questionId }, root);
    expect(refused.status).toBe(200);
    expect(cardText(refused.card)).toContain('Bara projektcoacher');
    expect(cardText(refused.card)).toContain('Vem ska stå som ägare');
    expect((await app.services.coaching.questions.get(questionId))?.assigneeId).toBeUndefined();

    const claimed = await clickInThread(DEMO_USERS.cecilia, 'coach.claim', { questionId }, root);
    expect(cardText(claimed.card)).toContain('Du har tagit frågan');
    expect(cardText(claimed.card)).toContain('Cecilia Carlsson');
    const update = await connector.waitFor((c) => c.kind === 'update' && c.activityId === root);
    expect(textOf(update)).toContain('Cecilia Carlsson');
    expect(update.conversationId).toBe(threadConv(COACH_CHANNEL, root));

    const resolved = await clickInThread(DEMO_USERS.cecilia, 'coach.resolve', { questionId }, root);
    expect(cardText(resolved.card)).toContain('Löst');
    expect(cardText(resolved.card)).toContain('Spara som FAQ');
    await connector.waitFor(
      (c) =>
        c.kind === 'update' &&
        c.activityId === root &&
        textOf(c).includes('Löst av Cecilia Carlsson'),
    );
    await connector.waitFor(
      (c) =>
        c.conversationId === personalConv(DEMO_USERS.anna) &&
        textOf(c).includes('Din fråga #1 är löst'),
    );

    // A new message from the applicant reopens it ("Svara" on a resolved question).
    const { card } = await chat.click('coach.reply', {
      questionId,
      reply: 'En sak till: gäller det även e-tjänsten?',
    });
    expect(cardText(card)).toContain('öppnad igen');
    const back = await connector.waitFor(
      (c) =>
        c.conversationId === threadConv(COACH_CHANNEL, root) && textOf(c).includes('En sak till'),
    );
    expect(textOf(back)).toContain('öppnad igen');
    await connector.waitFor(
      (c) => c.kind === 'update' && c.activityId === root && textOf(c).includes('Öppnad igen'),
    );
    const q = await app.services.coaching.questions.get(questionId);
    expect(q?.status).toBe('open');
    expect(q?.reopenCount).toBe(1);
    const actions = (await app.services.audit.forEntity(questionId)).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(['coach.claimed', 'coach.resolved', 'coach.reopened']),
    );
    expect(actions).not.toContain('coach.claimed_by_non_coach');
  });

  it('when a resolved answer is saved as FAQ, then a repeated question is offered the answer first and hjälp finds it', async () => {
    await bindCoachChannel();
    const anna = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const { root, questionId } = await annaAsks(
      anna,
      'Hur räknar jag fram nyttan i nyttokalkylen?',
    );
    await inChannel(DEMO_USERS.cecilia, 'Räkna frigjorda timmar per år gånger timkostnaden.', {
      thread: root,
    });
    await connector.waitFor(
      (c) =>
        c.conversationId === personalConv(DEMO_USERS.anna) &&
        textOf(c).includes('frigjorda timmar'),
    );

    const early = await clickInThread(DEMO_USERS.cecilia, 'coach.faqForm', { questionId }, root);
    expect(cardText(early.card)).toContain('Markera frågan som löst');
    await clickInThread(DEMO_USERS.cecilia, 'coach.resolve', { questionId }, root);
    const form = await clickInThread(DEMO_USERS.cecilia, 'coach.faqForm', { questionId }, root);
    expect(cardText(form.card)).toContain('Räkna frigjorda timmar');
    const bad = await clickInThread(
      DEMO_USERS.cecilia,
      'coach.faqSave',
      { questionId, faqQuestion: 'Hur räknar man nyttan?', faqAnswer: '', faqPortfolioId: 'all' },
      root,
    );
    expect(cardText(bad.card)).toContain('Skriv svaret');
    const saved = await clickInThread(
      DEMO_USERS.cecilia,
      'coach.faqSave',
      {
        questionId,
        faqQuestion: 'Hur räknar man fram nyttan i nyttokalkylen?',
        faqAnswer: 'Frigjorda timmar per år gånger timkostnaden.',
        faqPortfolioId: 'all',
      },
      root,
    );
    expect(cardText(saved.card)).toContain('Sparad i FAQ');
    expect(await app.services.coaching.faq.all()).toHaveLength(1);

    const bo = {
      id: '29:bo',
      aadObjectId: '00000000-0000-0000-0000-0000000000b0',
      name: 'Bo Berg',
    };
    const chat = new PersonalChat(app.url, connector.url, bo);
    const before = connector.calls.length;
    await chat.say('fråga Hur ska nyttokalkylen räknas?');
    const suggestion = await connector.waitFor(
      (c) => c.seq > before && c.kind !== 'getMember' && c.conversationId === chat.conversationId,
    );
    expect(textOf(suggestion)).toContain('Kanske finns svaret redan');
    expect(textOf(suggestion)).toContain('Frigjorda timmar per år');
    expect((await app.services.coaching.questions.byAsker(bo.aadObjectId)).length).toBe(0);

    const askAnyway = (
      cardOfCall(suggestion).actions as { verb: string; data: Record<string, unknown> }[]
    ).find((a) => a.verb === 'coach.ask')!;
    const { card } = await chat.click('coach.ask', askAnyway.data);
    expect(cardText(card)).toContain('Frågan är skickad');
    expect((await app.services.coaching.questions.byAsker(bo.aadObjectId)).length).toBe(1);

    const searchFrom = connector.calls.length;
    await chat.say('hjälp nyttokalkyl');
    const help = await connector.waitFor(
      (c) =>
        c.seq > searchFrom && c.kind !== 'getMember' && c.conversationId === chat.conversationId,
    );
    expect(textOf(help)).toContain('Svar från FAQ');
    expect(textOf(help)).toContain('Frigjorda timmar per år');
  });

  it('when the question comes from a wizard step, then the draft is kept and the thread shows the application and its portfolio channel', async () => {
    await bindCoachChannel();
    await bindCoachChannel('1 3', P1_CHANNEL);
    const p1 = await app.services.portfolios.get('p1');
    expect(p1?.coachChannelId).toBe(P1_CHANNEL);
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    await chat.say('ny ansökan');
    const wizard = await connector.waitFor(
      (c) => c.conversationId === chat.conversationId && textOf(c).includes('Steg 1 av 6'),
    );
    const appId = appIdOf(cardOfCall(wizard));
    expect(textOf(wizard)).toContain('Fråga en coach');

    const { card: askCard } = await chat.click('coach.askForm', {
      appId,
      step: 0,
      target: '',
      ...VALID_STEPS[0],
    });
    expect(cardText(askCard)).toContain('Fråga en projektcoach');
    expect(cardText(askCard)).toContain(`Gäller: ${VALID_STEPS[0].title}`);
    expect(cardText(askCard)).toContain('steg 1 av 6');
    expect((await app.services.applications.get(appId))?.inputs.title).toBe(VALID_STEPS[0].title);

    const { card: sent } = await chat.click('coach.ask', {
      appId,
      step: 0,
      question: 'Vilken del av portföljen passar vi i?',
    });
    expect(cardText(sent)).toContain('Frågan är skickad');
    const post = await connector.waitFor(
      (c) => c.kind === 'send' && c.conversationId === P1_CHANNEL,
    );
    expect(textOf(post)).toContain(VALID_STEPS[0].title);
    expect(textOf(post)).toContain('Tillgänglighet och service');

    const root = post.assignedId!;
    const questionId = /"questionId":"([0-9a-f-]{36})"/.exec(JSON.stringify(cardOfCall(post)))![1];
    const shown = await clickInThread(
      DEMO_USERS.cecilia,
      'coach.showApplication',
      { questionId },
      root,
      P1_CHANNEL,
    );
    expect(cardText(shown.card)).toContain('Utkast');
    expect(cardText(shown.card)).toContain('Dölj ansökan');

    // A question without an application goes to the general coach channel.
    await chat.say('fråga Finns det en mall för nyttokalkylen?');
    await connector.waitFor(
      (c) =>
        c.kind === 'send' &&
        c.conversationId === COACH_CHANNEL &&
        textOf(c).includes('mall för nyttokalkylen'),
    );
  });

  it('when a channel member without the coach role is on the coach channel roster, then they may claim', async () => {
    await bindCoachChannel();
    connector.setRoster(TEAM, [
      {
        id: DEMO_USERS.cecilia.id,
        aadObjectId: DEMO_USERS.cecilia.aadObjectId,
        name: DEMO_USERS.cecilia.name,
      },
      { id: DEMO_USERS.eva.id, aadObjectId: DEMO_USERS.eva.aadObjectId, name: DEMO_USERS.eva.name },
    ]);
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const { root, questionId } = await annaAsks(
      chat,
      'Behöver vi en informationssäkerhetsklassning?',
    );
    const claimed = await clickInThread(DEMO_USERS.eva, 'coach.claim', { questionId }, root);
    expect(cardText(claimed.card)).toContain('Du har tagit frågan');
    expect((await app.services.coaching.questions.get(questionId))?.assigneeId).toBe(
      DEMO_USERS.eva.aadObjectId,
    );
    const other = await clickInThread(DEMO_USERS.cecilia, 'coach.claim', { questionId }, root);
    expect(cardText(other.card)).toContain('Eva Ek har redan tagit frågan');
  });

  it('when the question is in English, then the applicant and the thread card speak English to an English reader', async () => {
    await bindCoachChannel();
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna, 'en-US');
    await chat.say('ask How do we share the running costs?');
    const confirm = await connector.waitFor(
      (c) => c.kind !== 'getMember' && c.conversationId === chat.conversationId,
    );
    expect(textOf(confirm)).toContain('Question sent');
    const post = await connector.waitFor(
      (c) => c.kind === 'send' && c.conversationId === COACH_CHANNEL,
    );
    expect(textOf(post)).toContain('Fråga #1'); // the channel reads Swedish
    const questionId = /"questionId":"([0-9a-f-]{36})"/.exec(JSON.stringify(cardOfCall(post)))![1];
    const res = await postActivity(
      `${app.url}/api/messages`,
      actionExecute({
        serviceUrl: connector.url,
        tenantId: DEMO_TENANT,
        from: DEMO_USERS.cecilia,
        verb: 'coach.claim',
        data: { questionId },
        locale: 'en-GB',
        cardActivityId: post.assignedId,
        channel: { teamId: TEAM, channelId: COACH_CHANNEL, threadRootId: post.assignedId },
      }),
    );
    expect(cardText((res.body as { value: unknown }).value)).toContain(
      'You have taken the question',
    );
    await inChannel(DEMO_USERS.cecilia, 'Split them by usage.', { thread: post.assignedId });
    const relay = await connector.waitFor(
      (c) => c.conversationId === personalConv(DEMO_USERS.anna) && textOf(c).includes('Split them'),
    );
    expect(textOf(relay)).toContain('Answer from Cecilia Carlsson');
  });

  it('when a non-admin or a personal chat uses coachkanal, then it is refused with the reason', async () => {
    const before = connector.calls.length;
    await inChannel(DEMO_USERS.anna, 'coachkanal', { mention: true });
    const refused = await connector.waitFor(
      (c) => c.seq > before && (c.conversationId ?? '').startsWith(COACH_CHANNEL),
    );
    expect(textOf(refused)).toContain('Bara projektkontorets administratörer');
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.bjorn);
    await chat.say('coachkanal');
    const channelOnly = await connector.waitFor(
      (c) => c.kind !== 'getMember' && c.conversationId === chat.conversationId,
    );
    expect(textOf(channelOnly)).toContain('i den kanal där coacherna');
    const seen = connector.calls.length;
    await inChannel(DEMO_USERS.bjorn, 'coachkanal 9 sju', { mention: true });
    const unknown = await connector.waitFor(
      (c) => c.seq > seen && (c.conversationId ?? '').startsWith(COACH_CHANNEL),
    );
    expect(textOf(unknown)).toContain('Jag känner inte igen 9, sju');
    expect(await app.services.settings.get('coachChannel')).toBeUndefined();
  });

  it('when a coach claims a question, then the status line on the thread card says who has it, for everyone', async () => {
    await bindCoachChannel();
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const { root, questionId } = await annaAsks(chat, 'Hur räknar vi driftkostnaden?');
    const before = connector.calls.length;

    const claimed = await clickInThread(DEMO_USERS.cecilia, 'coach.claim', { questionId }, root);
    expect(cardText(claimed.card)).toContain('Cecilia Carlsson har tagit frågan – svar kommer');
    expect(cardText(claimed.card)).not.toContain('Väntar på coach');
    // The shared card in the channel, updated in place, says the same.
    const update = await connector.waitFor(
      (c) => c.seq > before && c.kind === 'update' && c.activityId === root,
    );
    expect(textOf(update)).toContain('Cecilia Carlsson har tagit frågan – svar kommer');
    expect(textOf(update)).not.toContain('Väntar på coach');
  });

  it('when the applicant writes in personal chat after the question was resolved, then the message reaches the thread and the question opens again', async () => {
    await bindCoachChannel();
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const { root, questionId } = await annaAsks(chat, 'Ska driften delas lika?');
    await clickInThread(DEMO_USERS.cecilia, 'coach.resolve', { questionId }, root);
    await connector.waitFor(
      (c) =>
        c.conversationId === personalConv(DEMO_USERS.anna) &&
        textOf(c).includes('Din fråga #1 är löst'),
    );

    expect(await chat.say('En sak till: gäller det även licenserna?')).toBe(200);
    const answer = await connector.waitFor(
      (c) =>
        c.conversationId === chat.conversationId &&
        c.kind !== 'update' &&
        textOf(c).includes('öppnad igen'),
    );
    expect(textOf(answer)).toContain('#1');
    const back = await connector.waitFor(
      (c) =>
        c.conversationId === threadConv(COACH_CHANNEL, root) &&
        textOf(c).includes('gäller det även licenserna'),
    );
    expect(textOf(back)).toContain('öppnad igen');
    await connector.waitFor(
      (c) => c.kind === 'update' && c.activityId === root && textOf(c).includes('Öppnad igen'),
    );
    const q = await app.services.coaching.questions.get(questionId);
    expect(q?.status).toBe('open');
    expect(q?.reopenCount).toBe(1);
    expect((await app.services.audit.forEntity(questionId)).map((a) => a.action)).toContain(
      'coach.reopened',
    );
  });

  it('when the question was resolved long ago, then a plain message does not reopen it', async () => {
    await bindCoachChannel();
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const { root, questionId } = await annaAsks(chat, 'Vem äger e-tjänsten?');
    await clickInThread(DEMO_USERS.cecilia, 'coach.resolve', { questionId }, root);
    const resolved = (await app.services.coaching.questions.get(questionId))!;
    const longAgo = new Date(Date.now() - 40 * 24 * 3600_000).toISOString();
    expect(
      await app.services.coaching.questions.updateIfVersion(questionId, resolved.version, {
        $set: { resolvedAt: longAgo },
      }),
    ).not.toBeNull();
    const before = connector.calls.length;
    expect(await chat.say('Hej igen, en helt ny sak om budgeten')).toBe(200);
    await connector.waitFor((c) => c.seq > before && c.conversationId === chat.conversationId);
    expect((await app.services.coaching.questions.get(questionId))?.status).toBe('resolved');
    // The message never reaches the thread (the card update from "Löst" may still arrive there).
    expect(
      connector.calls.some(
        (c) =>
          c.conversationId === threadConv(COACH_CHANNEL, root) &&
          textOf(c).includes('en helt ny sak om budgeten'),
      ),
    ).toBe(false);
  });
});
