import { App } from '../../bot/app';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import { cardOfCall, cardText, DEMO_USERS, freshDataDir, PersonalChat, startTestApp } from '../support/test-app';

describe('smoke', () => {
  let connector: FakeConnector;
  let app: App;
  beforeAll(async () => { connector = await startFakeConnector(); app = await startTestApp({ dataDir: freshDataDir() }); });
  afterAll(async () => { await app.close(); await connector.stop(); });
  it('when björn asks, then a card', async () => {
    const chat = new PersonalChat(app.url, connector.url, DEMO_USERS.bjorn);
    await chat.say('portföljer 2027');
    const call = await connector.waitFor((c) => (c.kind === 'send' || c.kind === 'reply') && cardText(cardOfCall(c)).includes('Portföljer'));
    console.log(JSON.stringify(cardOfCall(call)).length, cardText(cardOfCall(call)));
    const p = await chat.click('dashboard.portfolio', { portfolioId: 'p1', year: 2027 });
    console.log(cardText(p.card));
    const l = await chat.click('dashboard.applications', { portfolioId: 'p1', year: 2027, page: 0 });
    console.log(cardText(l.card));
    const e = await chat.click('dashboard.exports', { year: 2027 });
    console.log(JSON.stringify(e.card));
    const anna = new PersonalChat(app.url, connector.url, DEMO_USERS.anna);
    const r = await anna.click('dashboard.show', { year: '2027' });
    console.log(cardText(r.card));
    const pr = await chat.click('privacy.eraseAsk', { subject: DEMO_USERS.anna.aadObjectId });
    console.log(cardText(pr.card));
  });
});
