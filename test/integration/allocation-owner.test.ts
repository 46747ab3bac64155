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
import {
  cardAfter,
  dataOf,
  FREDRIK,
  lastSeq,
  MAJA,
  reviewedApplication,
} from './allocation-support';
import { REVIEW_CHANNEL, waitForCard, waitUntilTrue } from './review-support';

describe('the owner accepts ownership and running cost before money, over real HTTP', () => {
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
    connector.setRoster(REVIEW_CHANNEL, [DEMO_USERS.david, DEMO_USERS.eva, MAJA]);
    app = await startTestApp({ dataDir: freshDataDir() });
  });
  afterEach(async () => {
    await app.close();
  });

  it('when the named owner is unknown, then the applicant picks one, the owner declines or accepts in personal chat, and the gate follows every answer', async () => {
    const s = app.services;
    for (const u of [DEMO_USERS.eva, DEMO_USERS.anna, DEMO_USERS.david])
      await new PersonalChat(app.url, connector.url, u).say('hjälp');
    const x = await reviewedApplication(app, connector, {
      title: 'Kappa: ny ägare',
      devCost: '900 000',
      score: 4,
      ownerEmail: 'okand@stad.example',
    });
    const david = new PersonalChat(app.url, connector.url, DEMO_USERS.david);
    let from = lastSeq(connector);
    await david.say('fördela 1 2027');
    const opened = await cardAfter(connector, david.conversationId, from, 'Fördelning: 1.');
    const roundId = dataOf(opened.card, 'roundId');
    expect(cardText(opened.card)).toContain('ingen känd person med e-post okand@stad.example');

    // The applicant is asked to name the owner; someone else may not.
    const anna = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const pick = cardOfCall(
      await waitForCard(connector, anna.conversationId, `Välj ägare för ${x.regNo}`),
    );
    expect(cardText(pick)).toContain('Eva Ek (eva.ek@stad.example)');
    const eva = new PersonalChat(app.url, connector.url, DEMO_USERS.eva);
    expect(
      cardText(
        (await eva.click('owner.pick', { appId: x.appId, owner_email: 'eva.ek@stad.example' }))
          .card,
      ),
    ).toContain('Bara projektkontoret eller den sökande');
    expect(
      cardText(
        (await anna.click('owner.pick', { appId: x.appId, owner_email: 'finns.inte@stad.example' }))
          .card,
      ),
    ).toContain('Ingen känd person har den e-postadressen');
    expect(
      cardText(
        (await anna.click('owner.pick', { appId: 'foreign', owner_email: 'eva.ek@stad.example' }))
          .card,
      ),
    ).toContain('Ansökan finns inte');
    from = lastSeq(connector);
    expect(
      cardText(
        (await anna.click('owner.pick', { appId: x.appId, owner_email: 'EVA.EK@stad.example' }))
          .card,
      ),
    ).toContain('Eva Ek har fått frågan om ägarskap');

    // The owner must comment when declining; the declined owner is a gate with the comment.
    const asked = (
      await cardAfter(
        connector,
        eva.conversationId,
        from,
        'Jag accepterar ägarskap och driftkostnad',
      )
    ).card;
    expect(cardText(asked)).toContain('150\u00a0000\u00a0kr');
    expect(cardText(asked)).toContain('Utbildningsförvaltningen 70 %, Stadsledningskontoret 30 %');
    const seq = dataOf(asked, 'seq');
    const noComment = await eva.click('owner.decline', { appId: x.appId, seq });
    expect(cardText(noComment.card)).toContain('Skriv en kommentar om varför du inte accepterar');
    expect((await s.allocation.owners.get(x.appId))!.status).toBe('requested');
    expect(cardText((await anna.click('owner.accept', { appId: x.appId, seq })).card)).toContain(
      'Frågan om ägarskap gäller någon annan',
    );
    expect(
      cardText((await eva.click('owner.accept', { appId: x.appId, seq: '999' })).card),
    ).toContain('ersatts av en nyare');
    const declined = await eva.click('owner.decline', {
      appId: x.appId,
      seq,
      owner_comment: 'Vi har ingen driftbudget',
    });
    expect(cardText(declined.card)).toContain('Du har inte accepterat ägarskapet');
    await waitForCard(connector, anna.conversationId, 'Eva Ek har inte accepterat ägarskapet');
    let view = await david.click('allocation.refresh', { roundId });
    expect(cardText(view.card)).toContain(
      'ägaren har inte accepterat (Eva Ek tackade nej: Vi har ingen driftbudget)',
    );

    // The project office asks someone who has never opened the chat: the gate says so, and the
    // question goes out again once that person can be reached.
    const bjorn = new PersonalChat(app.url, connector.url, DEMO_USERS.bjorn);
    expect(
      cardText(
        (await bjorn.click('owner.pick', { appId: x.appId, owner_person: FREDRIK.aadObjectId }))
          .card,
      ),
    ).toContain('Fredrik Falk har fått frågan');
    const doc = (await s.allocation.owners.get(x.appId))!;
    await waitUntilTrue(
      async () => (await s.outbox.get(`owner-request:${x.appId}:${doc.seq}`))?.status === 'failed',
    );
    view = await david.click('allocation.refresh', { roundId });
    expect(cardText(view.card)).toContain('Fredrik Falk har inte öppnat chatten med boten');
    const fredrik = new PersonalChat(app.url, connector.url, FREDRIK);
    await fredrik.say('hjälp');
    from = lastSeq(connector);
    view = await david.click('allocation.refresh', { roundId });
    expect(cardText(view.card)).toContain('väntar på svar från Fredrik Falk');
    const again = (
      await cardAfter(
        connector,
        fredrik.conversationId,
        from,
        'Jag accepterar ägarskap och driftkostnad',
      )
    ).card;
    expect(
      cardText(
        (await fredrik.click('owner.accept', { appId: x.appId, seq: dataOf(again, 'seq') })).card,
      ),
    ).toContain('du har accepterat ägarskapet');
    view = await david.click('allocation.refresh', { roundId });
    expect(cardText(view.card)).toContain('Ovanför strecket – föreslås beviljas (1)');
    expect((await s.audit.forEntity(x.appId)).map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'owner.unresolved',
        'owner.picked',
        'owner.declined',
        'owner.requested_again',
        'owner.accepted',
      ]),
    );
  });
});
