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

describe('command hints over real HTTP', () => {
  let connector: FakeConnector;
  let app: App;

  beforeAll(async () => {
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    await connector.stop();
  });
  beforeEach(async () => {
    connector.reset();
    app = await startTestApp({ dataDir: freshDataDir() });
  });
  afterEach(async () => {
    await app.close();
  });

  it('when a command hint names a portfolio, then its word keeps its Swedish letters and still works when typed', async () => {
    const david = new PersonalChat(app.url, connector.url, DEMO_USERS.david);
    await david.say('fördela 1 2027');
    const round = cardText(
      cardOfCall(await connector.waitFor((c) => c.kind === 'send' || c.kind === 'reply')),
    );
    expect(round).toContain('fördela tillgänglighet 2028');
    expect(round).not.toContain('tillganglighet');

    connector.reset();
    await david.say('fördela');
    const usage = cardText(
      cardOfCall(await connector.waitFor((c) => c.kind === 'send' || c.kind === 'reply')),
    );
    expect(usage).toContain('1 (tillgänglighet)');

    // The word as the hint shows it is accepted.
    connector.reset();
    await david.say('fördela tillgänglighet 2028');
    const typed = cardText(
      cardOfCall(await connector.waitFor((c) => c.kind === 'send' || c.kind === 'reply')),
    );
    expect(typed).toContain('2028');
    expect(typed).toContain('fördela tillgänglighet 2029');
  });
});
