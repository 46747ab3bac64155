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
import { makeUser } from '../support/activities';
import {
  Channel,
  GENERAL,
  officeCard,
  openReviewItem,
  REVIEW_CHANNEL,
  reviewCardOf,
  scores,
  submitApplication,
  waitForCard,
} from './review-support';

describe('completeness check and review channel binding over real HTTP', () => {
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
    connector.reset({ rosters: true });
    dataDir = freshDataDir();
    app = await startTestApp({ dataDir });
    connector.setRoster(REVIEW_CHANNEL, [DEMO_USERS.david, DEMO_USERS.eva]);
  });
  afterEach(async () => {
    await app.close();
  });

  it('when the office requests completion, then the applicant completes exactly the named steps, resubmits, and the office sees the history before marking it complete', async () => {
    const general = new Channel(app, connector, GENERAL);
    const appId = await submitApplication(app, connector, DEMO_USERS.anna);
    const regNo = (await app.services.applications.get(appId))!.regNo!;
    const first = await officeCard(connector, regNo);
    // The shared card offers only what everybody may do; an admin's own view has the form.
    expect(cardText(first.card)).toContain('Kontrollera');
    expect(cardText(first.card)).not.toContain('Begär komplettering');
    const own = await general.click(
      DEMO_USERS.bjorn,
      'completeness.refresh',
      { appId, submittedAt: first.submittedAt },
      first.activityId,
    );
    expect(own.text).toContain('Komplett');
    expect(own.text).toContain('Begär komplettering');

    // Asking without ticking anything is refused with a message, and nothing changes.
    const empty = await general.click(
      DEMO_USERS.bjorn,
      'completeness.request',
      { appId, submittedAt: first.submittedAt, missing: '', note: 'x' },
      first.activityId,
    );
    expect(empty.text).toContain('Kryssa i vad som saknas');
    expect((await app.services.applications.get(appId))!.status).toBe('submitted');

    // A non-admin cannot decide.
    const eva = await general.click(
      DEMO_USERS.eva,
      'completeness.complete',
      { appId, submittedAt: first.submittedAt },
      first.activityId,
    );
    expect(eva.text).toContain('administratörer');
    // The refusal keeps the card (with the reason), and offers her no buttons she may not use.
    expect(eva.text).toContain(`Ny ansökan ${regNo}`);
    expect(eva.text).not.toContain('Begär komplettering');

    const requested = await general.click(
      DEMO_USERS.bjorn,
      'completeness.request',
      {
        appId,
        submittedAt: first.submittedAt,
        missing: 'benefit,costs',
        note: 'Beskriv besparingen per år tydligare.',
      },
      first.activityId,
    );
    expect(requested.status).toBe(200);
    expect(requested.text).toContain('Komplettering begärd av Björn Berg');
    const afterRequest = (await app.services.applications.get(appId))!;
    expect(afterRequest.status).toBe('completion_requested');
    expect(afterRequest.reopenedSteps).toEqual(['benefit', 'costs']);

    // The applicant hears in personal chat, with a button that opens the first reopened step.
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const notice = await waitForCard(connector, chat.conversationId, 'Komplettering begärs');
    const noticeText = cardText(cardOfCall(notice));
    expect(noticeText).toContain('Nyttokalkyl');
    expect(noticeText).toContain('Kostnader');
    expect(noticeText).toContain('Beskriv besparingen per år tydligare.');
    expect(JSON.stringify(cardOfCall(notice))).toContain('"verb":"application.continue"');
    const opened = await chat.click('application.continue', { appId });
    expect(cardText(opened.card)).toContain('Steg 3 av 6');

    // A step that was not reopened cannot be changed.
    const locked = await chat.click('application.next', { appId, step: 0, title: 'Nytt namn' });
    expect(cardText(locked.card)).not.toContain('Nytt namn');
    expect((await app.services.applications.get(appId))!.inputs.title).toBe(
      'Digital ansökan om förskoleplats',
    );

    const step3 = await chat.click('application.review', {
      appId,
      step: 2,
      citizenBenefit: 'Besked inom två dagar i stället för tre veckor.',
      internalBenefit: 'Handläggarna slipper manuell registrering.',
      yearlyEffectSek: '1,4 mkr',
      yearlyEffectHours: '2 000',
      realisationPlan: 'Två handläggartjänster omfördelas under 2027.',
      realisationOwner: 'Avdelningschef förskola',
    });
    expect(cardText(step3.card)).toContain('Steg 4 av 6');
    const summary = await chat.click('application.review', {
      appId,
      step: 3,
      devCost: '1 200 000',
      yearlyRunningCost: '150 tkr',
      shareOrg1: 'Utbildningsförvaltningen',
      sharePercent1: '100',
      shareOrg2: '',
      sharePercent2: '',
    });
    expect(cardText(summary.card)).toContain('Granska din ansökan');
    const resubmitted = await chat.click('application.submit', { appId });
    expect(cardText(resubmitted.card)).toContain(regNo);

    // Nothing the applicant wrote before is lost.
    const after = (await app.services.applications.get(appId))!;
    expect(after.status).toBe('submitted');
    expect(after.inputs.need).toBe(
      'Föräldrar ansöker i dag på papper och handläggningen tar tre veckor.',
    );
    expect(after.inputs.yearlyEffectSek).toBe('1,4 mkr');
    expect(after.regNo).toBe(regNo);

    // Back at the check, with its history and what changed.
    const second = await officeCard(connector, regNo, 2);
    const secondText = cardText(second.card);
    expect(secondText).toContain('Omgång 1: Björn Berg begärde komplettering');
    expect(secondText).toContain('Beskriv besparingen per år tydligare.');
    expect(secondText).toContain('Beräknad effekt per år i kronor');

    // The first round's card is stale now.
    const stale = await general.click(
      DEMO_USERS.bjorn,
      'completeness.complete',
      { appId, submittedAt: first.submittedAt },
      first.activityId,
    );
    expect(stale.text).toContain('tidigare version');

    const complete = await general.click(
      DEMO_USERS.bjorn,
      'completeness.complete',
      { appId, submittedAt: second.submittedAt },
      second.activityId,
    );
    expect(complete.text).toContain('Markerad som komplett av Björn Berg');
    expect((await app.services.applications.get(appId))!.status).toBe('in_review');

    // A second click (or a second admin) changes nothing.
    const again = await general.click(
      DEMO_USERS.bjorn,
      'completeness.complete',
      { appId, submittedAt: second.submittedAt },
      second.activityId,
    );
    expect(again.text).toContain('Markerad som komplett');

    const posted = await reviewCardOf(connector, regNo);
    const text = cardText(posted.card);
    expect(text).toContain('Digital ansökan om förskoleplats');
    expect(text).toContain('Utbildningsförvaltningen');
    expect(text).toContain('1\u00a0200\u00a0000\u00a0kr');
    expect(text).toContain('150\u00a0000\u00a0kr');
    expect(text).toContain('Besked inom två dagar');
    expect(text).toContain('Visa hela ansökan');
    // The group sees why the application came back: the office's request and its note.
    expect(text).toContain('Kompletterad');
    expect(text).toContain('Omgång 1: Björn Berg begärde komplettering');
    expect(text).toContain('Beskriv besparingen per år tydligare.');
    expect(connector.sent().filter((c) => c.conversationId === REVIEW_CHANNEL)).toHaveLength(1);

    const actions = (await app.services.audit.forEntity(appId)).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'application.completion_requested',
        'application.resubmitted',
        'application.completeness_confirmed',
        'review.opened',
      ]),
    );
  });

  it('when an admin writes "koppla" in a channel, then portfolios are bound (also "alla"), rebinding is audited, others are refused, and it survives a restart', async () => {
    const other = '19:other-review@thread.tacv2';
    const channel = new Channel(app, connector, other);
    const member = makeUser('Frida Fors');
    connector.setRoster(other, [member, DEMO_USERS.david]);

    expect(await channel.say(DEMO_USERS.eva, 'koppla 1')).toBe(200);
    const refused = await waitForCard(connector, other, 'administratörer');
    expect(refused).toBeDefined();
    expect((await app.services.portfolios.get('p1'))!.reviewChannelId).toBe(REVIEW_CHANNEL);

    connector.reset();
    await channel.say(DEMO_USERS.bjorn, 'koppla innovation');
    const bound = await waitForCard(connector, other, 'beredningskanal för');
    const boundText = cardText(cardOfCall(bound));
    expect(boundText).toContain('5. Innovativ verksamhetsutveckling');
    expect(boundText).toContain('Flyttade hit från en annan kanal: 5');
    expect(boundText).toContain('kanalens 2 medlemmar');
    expect((await app.services.portfolios.get('p5'))!.reviewChannelId).toBe(other);

    connector.reset();
    await channel.say(DEMO_USERS.bjorn, 'koppla 1, 2 och 3');
    await waitForCard(connector, other, '3. Utbildning');
    connector.reset();
    await channel.say(DEMO_USERS.bjorn, 'koppla portfölj sju');
    expect(cardText(cardOfCall(await waitForCard(connector, other, 'känner inte igen')))).toContain(
      'sju',
    );

    // The overview names each portfolio by the word a person types, Swedish letters kept.
    connector.reset();
    await channel.say(DEMO_USERS.bjorn, 'koppla');
    const overview = cardText(cardOfCall(await waitForCard(connector, other, '(tillgänglighet)')));
    expect(overview).not.toContain('tillganglighet');

    // One channel for everything (a small municipality, seed 004).
    connector.reset();
    await channel.say(DEMO_USERS.bjorn, 'link all', { locale: 'en-US' });
    const all = cardText(cardOfCall(await waitForCard(connector, other, 'review channel for')));
    expect(all).toContain('4. Cooperation');

    const audit = await app.services.audit.forEntity('p5');
    expect(audit.filter((a) => a.action === 'channel.review_rebound')).toHaveLength(1);
    expect(audit.find((a) => a.action === 'channel.review_rebound')!.before).toEqual({
      reviewChannelId: REVIEW_CHANNEL,
    });

    await app.close();
    app = await startTestApp({ dataDir });
    for (const p of await app.services.portfolios.all()) expect(p.reviewChannelId).toBe(other);
  });

  it('when a portfolio has no review channel, then the office is told and the item is posted as soon as someone writes "koppla"', async () => {
    await app.services.portfolios.update('p1', { reviewChannelId: undefined });
    const general = new Channel(app, connector, GENERAL);
    const appId = await submitApplication(app, connector, DEMO_USERS.anna);
    const regNo = (await app.services.applications.get(appId))!.regNo!;
    const check = await officeCard(connector, regNo);
    const res = await general.click(
      DEMO_USERS.bjorn,
      'completeness.complete',
      { appId, submittedAt: check.submittedAt },
      check.activityId,
    );
    expect(res.text).toContain('koppla 1');
    await waitForCard(connector, GENERAL, 'Ingen beredningskanal för portfölj 1');

    const newChannel = '19:new-group@thread.tacv2';
    connector.setRoster(newChannel, [DEMO_USERS.david]);
    await new Channel(app, connector, newChannel).say(DEMO_USERS.bjorn, 'koppla 1');
    const posted = await reviewCardOf(connector, regNo, newChannel);
    expect(cardText(posted.card)).toContain('Digital ansökan om förskoleplats');
    expect((await app.services.review.item(appId))!.channelId).toBe(newChannel);
  });

  it('when an admin grants roles and changes the review rules, then the person may act on them, others are refused, and both are audited', async () => {
    const channel = new Channel(app, connector, REVIEW_CHANNEL);
    const frida = makeUser('Frida Fors');
    connector.setRoster(REVIEW_CHANNEL, [frida, DEMO_USERS.david]);

    // Only admins grant roles; a person is named with an @mention, an e-mail or an AAD id.
    await channel.say(DEMO_USERS.eva, 'roller +ordförande', { alsoMention: frida });
    await waitForCard(connector, REVIEW_CHANNEL, 'administratörer');
    connector.reset();
    await channel.say(DEMO_USERS.bjorn, 'roller +ordförande it', { alsoMention: frida });
    const granted = cardText(
      cardOfCall(await waitForCard(connector, REVIEW_CHANNEL, 'har nu rollerna')),
    );
    expect(granted).toContain('Frida Fors har nu rollerna: ordförande, IT-funktion');
    expect(await app.services.users.hasRole(frida.aadObjectId, 'chair')).toBe(true);
    connector.reset();
    await channel.say(DEMO_USERS.bjorn, 'roller eva.ek@stad.example -it +kung');
    expect(
      cardText(cardOfCall(await waitForCard(connector, REVIEW_CHANNEL, 'Okänd roll'))),
    ).toContain('+kung');
    connector.reset();
    await channel.say(DEMO_USERS.bjorn, 'roles 00000000-0000-0000-0000-000000000005 -it', {
      locale: 'en-US',
    });
    expect(
      cardText(cardOfCall(await waitForCard(connector, REVIEW_CHANNEL, 'now has the roles'))),
    ).toContain('Eva Ek now has the roles: reviewer');
    expect(await app.services.users.hasRole(DEMO_USERS.eva.aadObjectId, 'it')).toBe(false);
    connector.reset();
    await channel.say(DEMO_USERS.bjorn, 'roller');
    // Without a person: the roles card, each person's roles ticked.
    const rolesCard = JSON.stringify(
      cardOfCall(await waitForCard(connector, REVIEW_CHANNEL, 'Spara roller')),
    );
    expect(rolesCard).toContain('"text":"Frida Fors"');
    expect(rolesCard).toContain(`"id":"roles_${frida.aadObjectId}"`);

    // The review rules: anyone may read them, only admins change them; bad values are refused.
    connector.reset();
    await channel.say(DEMO_USERS.eva, 'beredningsregler 1 kvorum 2');
    await waitForCard(connector, REVIEW_CHANNEL, 'Bara projektkontorets administratörer');
    expect((await app.services.portfolios.get('p1'))!.quorum).toBe(3);
    connector.reset();
    await channel.say(DEMO_USERS.bjorn, 'beredningsregler 1 kvorum 99');
    expect(
      cardText(cardOfCall(await waitForCard(connector, REVIEW_CHANNEL, 'Beslutförheten ska vara'))),
    ).toContain('mellan 1 och 50');
    connector.reset();
    await channel.say(DEMO_USERS.bjorn, 'beredningsregler 1 kvorum 2 dagar 5');
    const rules = cardText(
      cardOfCall(await waitForCard(connector, REVIEW_CHANNEL, 'Reglerna är ändrade')),
    );
    expect(rules).toContain('beslutförhet 2, 5 arbetsdagar');
    expect((await app.services.portfolios.get('p1'))!.quorum).toBe(2);

    // The new chair can close an item with the new quorum of two.
    const { appId, rootId, itemId } = await openReviewItem(app, connector, DEMO_USERS.anna);
    const item = (await app.services.review.item(itemId))!;
    expect(item.deadline > item.openedAt.slice(0, 10)).toBe(true);
    for (const u of [frida, DEMO_USERS.david]) {
      await channel.click(u, 'review.noConflict', { itemId }, rootId);
      await channel.click(u, 'review.vote', { itemId, vote: 'reject', ...scores(2) }, rootId);
    }
    const closed = await channel.click(
      frida,
      'review.close',
      { itemId, close_recommendation: 'not_recommended' },
      rootId,
    );
    expect(closed.text).toContain('Avstyrks');
    expect((await app.services.applications.get(appId))!.status).toBe('not_recommended');

    const audit = [
      ...(await app.services.audit.forEntity(frida.aadObjectId)),
      ...(await app.services.audit.forEntity('p1')),
    ].map((a) => a.action);
    expect(audit).toEqual(
      expect.arrayContaining(['user.roles_changed', 'portfolio.review_rules_changed']),
    );
  });
});
