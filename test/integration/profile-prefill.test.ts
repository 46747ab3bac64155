import http from 'node:http';
import { AddressInfo } from 'node:net';
import { App } from '../../bot/app';
import { createGraphProfileLookup } from '../../services/graph/graph-profile';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import { cardText, PersonalChat, startTestApp } from '../support/test-app';

const NEWCOMER = { id: '29:nora', aadObjectId: '00000000-0000-4000-8000-00000000beef', name: 'Nora Nyström' };

describe('prefilling the applicant from their profile', () => {
  let connector: FakeConnector;
  let app: App;

  beforeAll(async () => {
    connector = await startFakeConnector();
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
    await connector.stop();
  });

  it('when Graph is not configured, then the contact e-mail comes from Teams member info and stays editable', async () => {
    const chat = new PersonalChat(app.url, connector.url, NEWCOMER);
    connector.setRoster(chat.conversationId, [
      { id: NEWCOMER.id, aadObjectId: NEWCOMER.aadObjectId, name: NEWCOMER.name, email: 'nora.nystrom@stad.example' },
    ]);
    const { card } = await chat.click('application.new');
    const text = JSON.stringify(card);
    expect(text).toContain('nora.nystrom@stad.example');
    expect(cardText(card)).toContain('Nora Nyström');
    const edited = await chat.click('application.save', {
      appId: /"appId":"([0-9a-f-]{36})"/.exec(text)![1],
      step: 0,
      contactEmail: 'nora@annan.example',
    });
    expect(JSON.stringify(edited.card)).toContain('nora@annan.example');
  });

  // The Graph client attaches its token only over https (TOOLCHAIN.md), so this local fake checks the
  // request and the mapping, not the token.
  it('when Graph is configured, then department and e-mail are read from /users/{id}', async () => {
    const seen: { url?: string; auth?: string }[] = [];
    const graph = http.createServer((req, res) => {
      seen.push({ url: req.url, auth: req.headers.authorization });
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith(`/v1.0/users/${NEWCOMER.aadObjectId}`)) {
        res.end(JSON.stringify({ displayName: 'Nora Nyström', mail: 'nora@stad.example', department: 'Kulturförvaltningen' }));
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
    await new Promise<void>((r) => graph.listen(0, '127.0.0.1', () => r()));
    const port = (graph.address() as AddressInfo).port;
    const lookup = createGraphProfileLookup({
      tenantId: '00000000-0000-0000-0000-0000000000aa',
      clientId: 'x',
      clientSecret: 'y',
      baseUrl: `http://127.0.0.1:${port}`,
      credential: { getToken: async () => ({ token: 'graph-test-token', expiresOnTimestamp: Date.now() + 3_600_000 }) },
    });
    try {
      const profile = await lookup(NEWCOMER.aadObjectId);
      expect(profile).toMatchObject({ department: 'Kulturförvaltningen', mail: 'nora@stad.example' });
      expect(seen[0].url).toContain('$select=displayName,mail,department,companyName,jobTitle');
      expect(await lookup('not-a-guid')).toBeNull();
    } finally {
      graph.close();
    }
  });
});
