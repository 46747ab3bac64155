/**
 * The demo's review group as the browser trial found it (issue 14): names, never ids; the tally
 * counts the portfolio's reviewers, not the channel; Fredrik, in the applying organisation, is
 * flagged; the chair's panel is apart from their vote; refusals keep the shared card; a closed
 * card takes no votes.
 */
import { App } from '../../bot/app';
import { installationUpdate, postActivity, TeamsUser } from '../support/activities';
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
import { Channel, latestUpdate, openReviewItem, REVIEW_CHANNEL, scores } from './review-support';

const FREDRIK: TeamsUser = {
  id: '29:fredrik',
  aadObjectId: '00000000-0000-0000-0000-000000000006',
  name: 'Fredrik Falk',
};
const EVERYONE = [...Object.values(DEMO_USERS), FREDRIK];

describe('the demo review group over real HTTP', () => {
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

  it('when a client sends the AAD id (or nothing) as the name, then the known name is kept and no text shows the id', async () => {
    const evaAsId = { ...DEMO_USERS.eva, name: DEMO_USERS.eva.aadObjectId };
    const chat = new PersonalChat(app.url, connector.url, evaAsId);
    expect(await chat.say('hjälp')).toBe(200);
    await connector.waitUntil((cs) => cs.some((c) => c.kind === 'reply' && c.answered));
    expect((await app.services.users.get(DEMO_USERS.eva.aadObjectId))!.name).toBe('Eva Ek');

    // The welcome greets Anna by name although her client sends her id as the name.
    const annaAsId = { ...DEMO_USERS.anna, name: DEMO_USERS.anna.aadObjectId };
    const before = connector.calls.length;
    const install = installationUpdate({
      serviceUrl: connector.url,
      tenantId: DEMO_TENANT,
      from: annaAsId,
    });
    expect((await postActivity(`${app.url}/api/messages`, install)).status).toBe(200);
    const welcome = await connector.waitFor(
      (c) =>
        c.seq >= before &&
        (c.kind === 'send' || c.kind === 'reply') &&
        c.status === 200 &&
        cardText(cardOfCall(c)).includes('Hej '),
    );
    const welcomeText = cardText(cardOfCall(welcome));
    expect(welcomeText).toContain('Anna Andersson');
    expect(welcomeText).not.toContain(DEMO_USERS.anna.aadObjectId);
    expect((await app.services.users.get(DEMO_USERS.anna.aadObjectId))!.name).toBe(
      'Anna Andersson',
    );

    // An unknown person without a name: "en användare", never the id, and no id stored as a name.
    const nameless = {
      id: '29:nameless',
      aadObjectId: '11111111-2222-3333-4444-555555555555',
      name: '',
    };
    const stranger = new PersonalChat(app.url, connector.url, nameless);
    expect(await stranger.say('hjälp')).toBe(200);
    const doc = await app.services.users.get(nameless.aadObjectId);
    expect(doc?.name).toBeUndefined();

    // In the channel, Eva's vote and declaration carry her name, not her id.
    connector.setRoster(REVIEW_CHANNEL, EVERYONE);
    const { itemId, rootId } = await openReviewItem(app, connector, DEMO_USERS.anna);
    const channel = new Channel(app, connector, REVIEW_CHANNEL);
    await channel.click(evaAsId, 'review.noConflict', { itemId }, rootId);
    const vote = await app.services.review.vote(itemId, DEMO_USERS.eva.aadObjectId);
    expect(vote!.memberName).toBe('Eva Ek');
    const audit = await app.services.store
      .collection<{ _id: string; actorName: string; action: string }>('audit')
      .find({ action: 'review.no_conflict_declared' });
    expect(audit.map((a) => a.actorName)).toEqual(['Eva Ek']);
  });

  it('when the whole team is in the channel, then only the three reviewers count, Fredrik is flagged, refusals keep the card, and the closed card takes no votes', async () => {
    connector.setRoster(REVIEW_CHANNEL, EVERYONE);
    const { itemId, rootId, card, regNo } = await openReviewItem(app, connector, DEMO_USERS.anna);
    const channel = new Channel(app, connector, REVIEW_CHANNEL);
    // Three reviewers (David, Eva, Fredrik), not the six people in the channel.
    expect(cardText(card)).toContain('**0** av 3 har röstat');

    // Fredrik belongs to the applying organisation: flagged automatically.
    const fredrik = await channel.click(FREDRIK, 'review.refresh', { itemId }, rootId);
    expect(fredrik.text).toContain('du tillhör Utbildningsförvaltningen');

    // The chair's panel is apart from the chair's vote; no "väger lika" before anyone voted.
    const david = await channel.click(DEMO_USERS.david, 'review.refresh', { itemId }, rootId);
    expect(david.text).toContain('Ordförande: avsluta beredningen');
    expect(david.text).toContain('Ingen har röstat ännu');
    expect(david.text).not.toContain('väger lika');

    // A coach who clicks "vote" keeps the card, with the reason on her view.
    const cecilia = await channel.click(
      DEMO_USERS.cecilia,
      'review.vote',
      { itemId, vote: 'approve', ...scores(4) },
      rootId,
    );
    expect(cecilia.text).toContain(regNo);
    expect(cecilia.text).toContain('inte ledamot');

    // Fredrik declares jäv; Eva and David vote; the quorum is what the unconflicted can reach.
    expect((await channel.click(FREDRIK, 'review.recuse', { itemId }, rootId)).text).toContain(
      'anmält jäv',
    );
    for (const u of [DEMO_USERS.eva, DEMO_USERS.david]) {
      await channel.click(u, 'review.noConflict', { itemId }, rootId);
      const voted = await channel.click(
        u,
        'review.vote',
        { itemId, vote: 'approve', ...scores(4) },
        rootId,
      );
      expect(voted.text).toContain('Din röst är sparad');
    }
    const closed = await channel.click(
      DEMO_USERS.david,
      'review.close',
      { itemId, close_recommendation: 'recommended' },
      rootId,
    );
    expect(closed.text).toContain('Ärendet är avslutat');
    expect(closed.text).toContain('Fredrik Falk anmälde jäv');
    expect(closed.text).toContain('**2** av 2 röstade');
    expect(closed.text).not.toContain('återstår');
    expect(closed.text).not.toContain('Röstade inte');
    expect(closed.text).not.toContain('Bedöm och rösta');
    expect(JSON.stringify(closed.card)).not.toContain('"verb":"review.vote"');
    await connector.waitUntil(() => {
      const up = latestUpdate(connector, rootId);
      return !!up && cardText(up).includes('Beredningen är avslutad');
    });
    const shared = cardText(latestUpdate(connector, rootId)!);
    expect(shared).not.toContain('återstår');
    expect(shared).not.toContain('Anna Andersson anmälde');
    expect(shared).not.toMatch(/00000000-0000-0000-0000-00000000000\d/);
  });
});
