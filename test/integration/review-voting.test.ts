import { App } from '../../bot/app';
import { voteKey } from '../../services/review/review-repository';
import { makeUser, TeamsUser } from '../support/activities';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import {
  cardText,
  DEMO_USERS,
  freshDataDir,
  PersonalChat,
  startTestApp,
} from '../support/test-app';
import {
  Channel,
  expectedEligible,
  grantReviewers,
  latestUpdate,
  openReviewItem,
  REVIEW_CHANNEL,
  scores,
  waitForCard,
  waitUntilTrue,
} from './review-support';

describe('review in the beredningsgrupp channel over real HTTP', () => {
  let connector: FakeConnector;
  let app: App;
  let channel: Channel;
  const gustav: TeamsUser = {
    id: '29:gustav',
    aadObjectId: '00000000-0000-0000-0000-0000000000a7',
    name: 'Gustav Grön',
  };
  const m1 = makeUser('Maja Moberg');
  const m2 = makeUser('Nils Nord');

  beforeAll(async () => {
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    await connector.stop();
  });
  beforeEach(async () => {
    connector.reset({ rosters: true });
    app = await startTestApp({ dataDir: freshDataDir() });
    channel = new Channel(app, connector, REVIEW_CHANNEL);
    // Gustav works at the applying organisation (known from Graph / the seed in real life).
    await app.services.users.upsertProfile(
      gustav.aadObjectId,
      { name: gustav.name, organisation: 'Utbildningsförvaltningen' },
      new Date(),
    );
  });
  afterEach(async () => {
    await app.close();
  });

  async function declareNone(user: TeamsUser, itemId: string, rootId: string, motivation?: string) {
    return channel.click(
      user,
      'review.noConflict',
      { itemId, ...(motivation ? { nojav_motivation: motivation } : {}) },
      rootId,
    );
  }

  it('when members declare jäv and vote, then the conflicted are flagged and not counted for quorum, and the chair closes with a recommendation that is on record', async () => {
    const roster = [DEMO_USERS.anna, gustav, DEMO_USERS.david, DEMO_USERS.eva, m1, m2];
    connector.setRoster(REVIEW_CHANNEL, roster);
    await grantReviewers(app, roster);
    const { appId, rootId, itemId } = await openReviewItem(app, connector, DEMO_USERS.anna);
    const eligible = await expectedEligible(app, roster);

    // The base card tells everyone how to take part and lists the members for automatic refresh.
    const base = connector.sent().find((c) => c.conversationId === REVIEW_CHANNEL)!;
    const refresh = (base.activity!.attachments![0].content as { refresh: { userIds: string[] } })
      .refresh;
    expect(refresh.userIds).toEqual(expect.arrayContaining([DEMO_USERS.anna.id, m1.id]));

    // The applicant is flagged and cannot declare herself free of jäv.
    const anna = await channel.click(DEMO_USERS.anna, 'review.refresh', { itemId }, rootId);
    expect(anna.text).toContain('du är sökande');
    expect(anna.text).not.toContain('Inget jäv');
    const annaTries = await declareNone(DEMO_USERS.anna, itemId, rootId, 'Jag är opartisk');
    expect(annaTries.text).toContain('sökande eller kontaktperson');
    const annaRecuses = await channel.click(DEMO_USERS.anna, 'review.recuse', { itemId }, rootId);
    expect(annaRecuses.text).toContain('du har anmält jäv');

    // A colleague at the applying organisation must motivate "inget jäv".
    const g = await channel.click(gustav, 'review.refresh', { itemId }, rootId);
    expect(g.text).toContain('du tillhör Utbildningsförvaltningen');
    const gNoReason = await declareNone(gustav, itemId, rootId);
    expect(gNoReason.text).toContain('Skriv varför du inte har jäv');
    expect(await app.services.review.vote(itemId, gustav.aadObjectId)).toBeNull();
    const gOk = await declareNone(
      gustav,
      itemId,
      rootId,
      'Jag arbetar på en annan enhet och har ingen del i projektet.',
    );
    expect(gOk.text).toContain('Nu kan du rösta');

    // A vote before declaring is refused; a vote without all scores is sent back with what to fix.
    const early = await channel.click(
      m1,
      'review.vote',
      { itemId, vote: 'approve', ...scores(4) },
      rootId,
    );
    expect(early.text).toContain('Ange först om du har jäv');
    await declareNone(m1, itemId, rootId);
    const partial = await channel.click(
      m1,
      'review.vote',
      { itemId, vote: 'approve', s_citizenBenefit: '4' },
      rootId,
    );
    expect(partial.text).toContain('Sätt ett betyg 1–5 på varje kriterium');
    expect((await app.services.review.vote(itemId, m1.aadObjectId))!.vote).toBeUndefined();

    const voted = await channel.click(
      m1,
      'review.vote',
      { itemId, vote: 'approve', ...scores(4), comment: 'Bra nytta.' },
      rootId,
    );
    expect(voted.text).toContain('Din röst är sparad');
    expect(voted.text).toContain('Din röst: **Jag tillstyrker**');
    // The voter's own view shows their choices, and the interim means only now.
    expect(JSON.stringify(voted.card)).toContain(
      '"id":"vote","label":"Din röst","style":"expanded","value":"approve"',
    );
    expect(voted.text).toContain('Gruppens medelbetyg hittills');

    // The conflicted applicant never sees anyone's scores.
    const annaView = await channel.click(DEMO_USERS.anna, 'review.refresh', { itemId }, rootId);
    expect(annaView.text).not.toContain('medelbetyg');
    const annaVote = await channel.click(
      DEMO_USERS.anna,
      'review.vote',
      { itemId, vote: 'reject', ...scores(1) },
      rootId,
    );
    expect(annaVote.text).toContain('har jäv i ärendet och kan inte rösta');

    // Not yet quorum (3): the chair cannot close.
    const tooEarly = await channel.click(
      DEMO_USERS.david,
      'review.close',
      { itemId, close_recommendation: 'recommended' },
      rootId,
    );
    expect(tooEarly.text).toContain('1 av 3 röster');

    await declareNone(
      gustav,
      itemId,
      rootId,
      'Jag arbetar på en annan enhet och har ingen del i projektet.',
    );
    await channel.click(
      gustav,
      'review.vote',
      {
        itemId,
        vote: 'approve',
        ...scores({
          citizenBenefit: 5,
          organisationBenefit: 4,
          goalFit: 4,
          costEffectiveness: 3,
          feasibility: 4,
          reuse: 5,
        }),
      },
      rootId,
    );
    await declareNone(m2, itemId, rootId);
    await channel.click(
      m2,
      'review.vote',
      {
        itemId,
        vote: 'reject',
        ...scores({
          citizenBenefit: 1,
          organisationBenefit: 2,
          goalFit: 3,
          costEffectiveness: 2,
          feasibility: 3,
          reuse: 4,
        }),
      },
      rootId,
    );
    // A member can change their vote until the item is closed.
    const changed = await channel.click(
      m2,
      'review.vote',
      { itemId, vote: 'abstain', comment: 'Avstår.' },
      rootId,
    );
    expect(changed.text).toContain('Din röst: **Jag avstår**');

    // The shared tally is updated in place: 3 voted, Anna not counted.
    await connector.waitUntil(() =>
      cardText(latestUpdate(connector, rootId) ?? {}).includes(
        `**3** av ${eligible - 1} har röstat`,
      ),
    );
    expect(cardText(latestUpdate(connector, rootId)!)).toContain(
      '1 har anmält jäv och räknas inte',
    );

    // Against the majority the chair must motivate.
    const noReason = await channel.click(
      DEMO_USERS.david,
      'review.close',
      { itemId, close_recommendation: 'not_recommended' },
      rootId,
    );
    expect(noReason.text).toContain('skriv en motivering');
    expect((await app.services.review.item(itemId))!.status).toBe('open');

    // Only the chair closes.
    const notChair = await channel.click(
      m1,
      'review.close',
      { itemId, close_recommendation: 'recommended' },
      rootId,
    );
    expect(notChair.text).toContain('Bara ordföranden');

    const closed = await channel.click(
      DEMO_USERS.david,
      'review.close',
      { itemId, close_recommendation: 'recommended' },
      rootId,
    );
    expect(closed.text).toContain('Ärendet är avslutat');
    expect(closed.text).toContain('Tillstyrks');
    expect(closed.text).toContain('Anna Andersson anmälde jäv och deltog inte i beredningen.');
    expect(closed.text).toContain('Nytta för medborgarna');
    expect(closed.text).toContain('4,5 (spridning 4–5)');

    const stored = (await app.services.applications.get(appId))!;
    expect(stored.status).toBe('recommended');
    expect(stored.review).toEqual({
      closedAt: expect.any(String),
      closedBy: DEMO_USERS.david.aadObjectId,
      recommendation: 'recommended',
      meanScore: 4.08,
      meanByCriterion: {
        citizenBenefit: 4.5,
        organisationBenefit: 4,
        goalFit: 4,
        costEffectiveness: 3.5,
        feasibility: 4,
        reuse: 4.5,
      },
      votes: { approve: 2, reject: 0, abstain: 1 },
      recusedMemberIds: [DEMO_USERS.anna.aadObjectId],
      recusedNames: ['Anna Andersson'],
    });

    // The shared card shows the result to everyone, with who took no part.
    await connector.waitUntil(() =>
      cardText(latestUpdate(connector, rootId) ?? {}).includes('Beredningsgruppens rekommendation'),
    );
    const result = cardText(latestUpdate(connector, rootId)!);
    expect(result).toContain('Röster: 2 tillstyrker, 0 avstyrker, 1 avstår.');
    expect(result).toContain('Röstade inte: David Dahl');

    // After closing, votes are refused and nothing changes.
    const late = await channel.click(
      m1,
      'review.vote',
      { itemId, vote: 'reject', ...scores(1) },
      rootId,
    );
    expect(late.text).toContain('redan avslutat');
    expect((await app.services.review.vote(itemId, m1.aadObjectId))!.vote).toBe('approve');

    const actions = (await app.services.audit.forEntity(appId)).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'review.conflict_declared',
        'review.no_conflict_declared',
        'review.voted',
        'review.vote_changed',
        'review.closed',
        'application.recommended',
      ]),
    );
  });

  it('when 50 members vote on the same item at the same moment, then the tally is exact and a redelivered vote has one effect', async () => {
    const members = Array.from({ length: 50 }, (_, i) =>
      makeUser(`Ledamot ${String(i + 1).padStart(2, '0')}`),
    );
    connector.setRoster(REVIEW_CHANNEL, members);
    await grantReviewers(app, members);
    const { appId, rootId, itemId } = await openReviewItem(app, connector, DEMO_USERS.anna);
    const eligible = await expectedEligible(app, members);

    await Promise.all(members.map((m) => declareNone(m, itemId, rootId)));
    const results = await Promise.all(
      members.map((m, i) =>
        channel.click(
          m,
          'review.vote',
          { itemId, vote: i % 3 === 0 ? 'reject' : 'approve', ...scores((i % 5) + 1) },
          rootId,
          { id: `vote-${i}` },
        ),
      ),
    );
    expect(results.every((r) => r.status === 200 && r.text.includes('Din röst är sparad'))).toBe(
      true,
    );

    const votes = await app.services.review.votesFor(itemId);
    expect(votes.filter((v) => v.vote)).toHaveLength(50);
    // The last update of the shared card carries the exact tally.
    await connector.waitUntil(
      () =>
        cardText(latestUpdate(connector, rootId) ?? {}).includes(
          `**50** av ${eligible} har röstat`,
        ),
      10_000,
    );

    // Teams redelivers the same activity: the stored answer is repeated, nothing is written again.
    const auditBefore = (await app.services.audit.forEntity(appId)).length;
    const again = await channel.click(
      members[0],
      'review.vote',
      { itemId, vote: 'reject', ...scores(1) },
      rootId,
      { id: 'vote-0' },
    );
    expect(again.text).toContain('Din röst är sparad');
    // The same vote sent again as a new activity changes nothing either.
    const same = await channel.click(
      members[1],
      'review.vote',
      { itemId, vote: 'approve', ...scores(2) },
      rootId,
    );
    expect(same.text).toContain('Ingen ändring');
    expect((await app.services.audit.forEntity(appId)).length).toBe(auditBefore);
    expect((await app.services.review.votesFor(itemId)).length).toBe(50);
    expect((await app.services.review.vote(itemId, members[0].aadObjectId))!.vote).toBe('reject');
    expect(
      (await app.services.review.vote(itemId, members[0].aadObjectId))!.scores!.citizenBenefit,
    ).toBe(1);
  });

  it('when a card payload is tampered with, then it is refused with a message, nothing is written and nothing answers 500', async () => {
    connector.setRoster(REVIEW_CHANNEL, [m1, m2, DEMO_USERS.david]);
    await grantReviewers(app, [m1, m2, DEMO_USERS.david]);
    const first = await openReviewItem(app, connector, DEMO_USERS.anna);
    const second = await openReviewItem(app, connector, DEMO_USERS.anna, [
      { title: 'Ett annat projekt' },
    ]);
    await declareNone(m1, first.itemId, first.rootId);

    // Another item's id on this item's card.
    const other = await channel.click(
      m1,
      'review.vote',
      { itemId: second.itemId, vote: 'approve', ...scores(3) },
      first.rootId,
    );
    expect(other.status).toBe(200);
    expect(other.text).toContain('hör inte till det här ärendet');
    // A score of 9, a vote that does not exist, numbers where text belongs.
    const nine = await channel.click(
      m1,
      'review.vote',
      { itemId: first.itemId, vote: 'approve', ...scores(3), s_reuse: '9' },
      first.rootId,
    );
    expect(nine.text).toContain('inte är tillåtet');
    const veto = await channel.click(
      m1,
      'review.vote',
      { itemId: first.itemId, vote: 'veto', ...scores(3) },
      first.rootId,
    );
    expect(veto.text).toContain('inte är tillåtet');
    const objectId = await channel.click(
      m1,
      'review.vote',
      { itemId: { $ne: null }, vote: 'approve' },
      first.rootId,
    );
    expect(objectId.text).toContain('hittar inte det ärendet');
    const ruling = await channel.click(
      DEMO_USERS.david,
      'review.rule',
      { itemId: first.itemId, objectionId: 'nope', ruling: 'upheld' },
      first.rootId,
    );
    expect(ruling.text).toContain('inte är tillåtet');
    const close = await channel.click(
      DEMO_USERS.david,
      'review.close',
      { itemId: first.itemId, close_recommendation: 'approved!' },
      first.rootId,
    );
    expect(close.text).toContain('inte är tillåtet');
    // A verb that does not exist.
    const unknown = await channel.click(
      m1,
      'review.delete',
      { itemId: first.itemId },
      first.rootId,
    );
    expect(unknown.status).toBe(200);
    expect(unknown.text).toContain('knappen känner jag inte igen');
    for (const r of [other, nine, veto, objectId, ruling, close, unknown])
      expect(r.status).toBe(200);

    const vote = await app.services.review.vote(first.itemId, m1.aadObjectId);
    expect(vote!.vote).toBeUndefined();
    expect(await app.services.review.vote(second.itemId, m1.aadObjectId)).toBeNull();

    // Someone outside the group gets a polite refusal and no effect.
    const outsider = makeUser('Olle Utanför');
    const view = await channel.click(
      outsider,
      'review.refresh',
      { itemId: first.itemId },
      first.rootId,
    );
    expect(view.text).toContain('inte ledamot i beredningsgruppen');
    const outsiderVote = await channel.click(
      outsider,
      'review.noConflict',
      { itemId: first.itemId },
      first.rootId,
    );
    expect(outsiderVote.text).toContain('inte ledamot i beredningsgruppen');
    expect(await app.services.review.vote(first.itemId, outsider.aadObjectId)).toBeNull();
    // From the personal chat, channel-only actions are refused.
    const chat = new PersonalChat(app.url, connector.url, m1);
    const personal = await chat.click('review.noConflict', { itemId: first.itemId });
    expect(cardText(personal.card)).toContain('ärendets kort i beredningskanalen');
  });

  it('when a member reports a possible conflict of another, then the chair rules, and an upheld ruling voids the vote and is on record', async () => {
    connector.setRoster(REVIEW_CHANNEL, [m1, m2, DEMO_USERS.david, DEMO_USERS.eva]);
    await grantReviewers(app, [m1, m2, DEMO_USERS.david, DEMO_USERS.eva]);
    const { appId, rootId, itemId } = await openReviewItem(app, connector, DEMO_USERS.anna);
    for (const u of [m1, m2, DEMO_USERS.eva]) {
      await declareNone(u, itemId, rootId);
      await channel.click(u, 'review.vote', { itemId, vote: 'approve', ...scores(3) }, rootId);
    }
    const form = await channel.click(m1, 'review.refresh', { itemId, form: 'objection' }, rootId);
    expect(form.text).toContain('Varför kan ledamoten ha jäv?');
    expect(JSON.stringify(form.card)).toContain(
      `{"title":"Nils Nord","value":"${m2.aadObjectId}"}`,
    );
    const empty = await channel.click(
      m1,
      'review.object',
      { itemId, obj_member: m2.aadObjectId, obj_reason: '' },
      rootId,
    );
    expect(empty.text).toContain('Skriv varför ledamoten kan ha jäv');
    const report = await channel.click(
      m1,
      'review.object',
      { itemId, obj_member: m2.aadObjectId, obj_reason: 'Nils är gift med projektledaren.' },
      rootId,
    );
    expect(report.text).toContain('Anmälan är sparad');

    const chairView = await channel.click(DEMO_USERS.david, 'review.refresh', { itemId }, rootId);
    expect(chairView.text).toContain('Maja Moberg anmäler möjligt jäv hos **Nils Nord**');
    const objectionId = /"objectionId":"([^"]+)","ruling":"upheld"/.exec(
      JSON.stringify(chairView.card),
    )![1];
    const notChair = await channel.click(
      m1,
      'review.rule',
      { itemId, objectionId, ruling: 'upheld' },
      rootId,
    );
    expect(notChair.text).toContain('Bara ordföranden');
    const ruled = await channel.click(
      DEMO_USERS.david,
      'review.rule',
      { itemId, objectionId, ruling: 'upheld', ruling_note: 'Nära anhörig (6 kap. 28 §).' },
      rootId,
    );
    expect(ruled.text).toContain('Beslutet om jäv är sparat');

    const m2View = await channel.click(m2, 'review.refresh', { itemId }, rootId);
    expect(m2View.text).toContain('Ordföranden har bedömt att du har jäv');
    const m2Vote = (await app.services.review.vote(itemId, m2.aadObjectId))!;
    expect(m2Vote.conflict).toBe('ruled');
    expect(m2Vote.vote).toBeUndefined();
    const m2Again = await declareNone(m2, itemId, rootId);
    expect(m2Again.text).toContain('Ordföranden har bedömt att du har jäv');

    // Only two valid votes now: no quorum.
    const tooEarly = await channel.click(
      DEMO_USERS.david,
      'review.close',
      { itemId, close_recommendation: 'recommended' },
      rootId,
    );
    expect(tooEarly.text).toContain('2 av 3 röster');
    await declareNone(DEMO_USERS.david, itemId, rootId);
    await channel.click(
      DEMO_USERS.david,
      'review.vote',
      { itemId, vote: 'approve', ...scores(4) },
      rootId,
    );
    const closed = await channel.click(
      DEMO_USERS.david,
      'review.close',
      { itemId, close_recommendation: 'recommended' },
      rootId,
    );
    expect(closed.text).toContain(
      'Nils Nord bedömdes av ordföranden ha jäv och deltog inte i beredningen.',
    );
    expect((await app.services.applications.get(appId))!.review!.recusedNames).toEqual([
      'Nils Nord',
    ]);
    const audit = (await app.services.audit.forEntity(appId)).map((a) => a.action);
    expect(audit).toEqual(
      expect.arrayContaining(['review.objection_raised', 'review.objection_ruled']),
    );
  });

  it('when the statement is required, then the IT function gets a request in personal chat, the item cannot be closed without it, and the card shows it', async () => {
    connector.setRoster(REVIEW_CHANNEL, [m1, m2, DEMO_USERS.david, DEMO_USERS.eva]);
    await grantReviewers(app, [m1, m2, DEMO_USERS.david, DEMO_USERS.eva]);
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.bjorn);
    await chat.say('beredningsregler 1 yttrande ja');
    await waitForCard(connector, chat.conversationId, 'Reglerna är ändrade');
    // Eva must have talked to the bot once for a personal message to reach her.
    const eva = new PersonalChat(app.url, connector.url, DEMO_USERS.eva);
    await eva.say('hjälp');

    const { appId, rootId, itemId } = await openReviewItem(app, connector, DEMO_USERS.anna);
    const request = await waitForCard(connector, eva.conversationId, 'Yttrande begärs');
    expect(
      cardText({ body: (request.activity!.attachments![0].content as { body: unknown }).body }),
    ).toContain('krävs innan ärendet kan avslutas');

    for (const u of [m1, m2, DEMO_USERS.david]) {
      await declareNone(u, itemId, rootId);
      await channel.click(u, 'review.vote', { itemId, vote: 'approve', ...scores(4) }, rootId);
    }
    const blocked = await channel.click(
      DEMO_USERS.david,
      'review.close',
      { itemId, close_recommendation: 'recommended' },
      rootId,
    );
    expect(blocked.text).toContain('förrän IT-funktionen har lämnat sitt yttrande');

    // Only the IT function gives statements.
    const notIt = await channel.click(
      m1,
      'review.statement',
      { itemId, st_recommendation: 'recommend', st_text: 'Bra.' },
      rootId,
    );
    expect(notIt.text).toContain('Bara IT-funktionen');
    const missing = await eva.click('review.statement', {
      itemId,
      st_recommendation: 'recommend',
      st_text: '',
    });
    expect(cardText(missing.card)).toContain('Skriv yttrandet');
    const given = await eva.click('review.statement', {
      itemId,
      st_recommendation: 'recommend_with_conditions',
      st_text: 'Använd stadens gemensamma e-tjänsteplattform och inloggning.',
    });
    expect(cardText(given.card)).toContain('Yttrandet är sparat');

    await connector.waitUntil(() =>
      cardText(latestUpdate(connector, rootId) ?? {}).includes('Tillstyrker med villkor'),
    );
    const closed = await channel.click(
      DEMO_USERS.david,
      'review.close',
      { itemId, close_recommendation: 'recommended' },
      rootId,
    );
    expect(closed.text).toContain('Tillstyrks');
    expect(closed.text).toContain('Använd stadens gemensamma e-tjänsteplattform');
    expect((await app.services.audit.forEntity(appId)).map((a) => a.action)).toContain(
      'review.statement_given',
    );
  });

  it('when members reply in the item thread, then the replies are kept with the application, and each member sees their own view on automatic refresh', async () => {
    connector.setRoster(REVIEW_CHANNEL, [m1, m2, DEMO_USERS.david]);
    await grantReviewers(app, [m1, m2, DEMO_USERS.david]);
    const { appId, rootId, itemId } = await openReviewItem(app, connector, DEMO_USERS.anna);
    await channel.say(m1, 'Hur hänger det här ihop med e-tjänsteplattformen?', {
      mention: false,
      replyToThreadId: rootId,
      id: 'reply-1',
    });
    await channel.say(m2, '<p>Den återanvänds &amp; byggs ut.</p>', {
      mention: false,
      replyToThreadId: rootId,
      id: 'reply-2',
    });
    // The same Teams message redelivered is kept once.
    await channel.say(m2, '<p>Den återanvänds &amp; byggs ut.</p>', {
      mention: false,
      replyToThreadId: rootId,
      id: 'reply-2',
    });
    await waitUntilTrue(async () => (await app.services.review.commentsFor(itemId)).length === 2);
    const comments = await app.services.review.commentsFor(itemId);
    expect(comments.map((c) => c.text)).toEqual([
      'Hur hänger det här ihop med e-tjänsteplattformen?',
      'Den återanvänds & byggs ut.',
    ]);
    expect(comments[0].authorName).toBe('Maja Moberg');

    const full = await channel.click(m2, 'review.application', { appId, itemId }, rootId);
    expect(full.text).toContain('Hela ansökan');
    expect(full.text).toContain('Föräldrar ansöker i dag på papper');
    expect(full.text).toContain('Diskussion i tråden');
    expect(full.text).toContain('Den återanvänds & byggs ut.');
    expect(full.text).toContain('Tillbaka till ärendet');

    await declareNone(m1, itemId, rootId);
    await channel.click(m1, 'review.vote', { itemId, vote: 'reject', ...scores(2) }, rootId);
    // Teams' automatic refresh asks for each listed member's own view.
    const mine = await channel.click(m1, 'review.refresh', { itemId }, rootId, {
      trigger: 'automatic',
    });
    expect(mine.text).toContain('Din röst: **Jag avstyrker**');
    const theirs = await channel.click(m2, 'review.refresh', { itemId }, rootId, {
      trigger: 'automatic',
    });
    expect(theirs.text).toContain('har du jäv');
    expect(theirs.text).not.toContain('Avstyrk**');
    const english = await channel.click(m2, 'review.refresh', { itemId }, rootId, {
      locale: 'en-US',
    });
    expect(english.text).toContain('do you have a conflict of interest');
    expect(english.text).toContain('Show full application');
    expect(await app.services.review.vote(itemId, m2.aadObjectId)).toBeNull();
  });

  it('when a second application claims the same benefit, then both cards list the other as possible double counting', async () => {
    connector.setRoster(REVIEW_CHANNEL, [m1, DEMO_USERS.david]);
    await grantReviewers(app, [m1, DEMO_USERS.david]);
    const first = await openReviewItem(app, connector, DEMO_USERS.anna);
    const second = await openReviewItem(app, connector, gustav, [
      {
        title: 'E-ansökan förskola',
        contactName: 'Gustav Grön',
        contactEmail: 'gustav@stad.example',
      },
      {},
      { citizenBenefit: 'Föräldrar får besked inom två dagar i stället för tre veckor.' },
    ]);
    const text = cardText(second.card);
    expect(text).toContain('Möjlig dubbelräkning av nytta');
    expect(text).toContain(first.regNo);
    expect(text).toContain('samma organisation');
    expect(text).toContain('båda räknar hem besparingar');
    expect(JSON.stringify(second.card)).toContain(
      `https://teams.microsoft.com/l/message/${encodeURIComponent(REVIEW_CHANNEL)}/${first.rootId}`,
    );

    await connector.waitUntil(() =>
      cardText(latestUpdate(connector, first.rootId) ?? {}).includes(second.regNo),
    );
    const item = await app.services.review.item(first.itemId);
    expect(item!.duplicates.map((d) => d.appId)).toEqual([second.appId]);
    expect(voteKey(first.itemId, m1.aadObjectId)).toContain(first.itemId);
  });
});
