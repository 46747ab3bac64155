import { App } from '../../bot/app';
import { parseRegistrationNumber } from '../../services/applications/registration-number';
import { VALID_STEPS } from '../support/application-fixture';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import { cardText, PersonalChat, startTestApp } from '../support/test-app';

describe('registration numbers under load', () => {
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

  it('when 100 people submit at the same moment, then they get 100 distinct sequential numbers', async () => {
    const chats = Array.from({ length: 100 }, (_, i) => {
      const aad = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      return new PersonalChat(app.url, connector.url, { id: `29:u${i}`, aadObjectId: aad, name: `Person ${i}` });
    });
    const appIds = await Promise.all(
      chats.map(async (chat) => {
        const { card } = await chat.click('application.new');
        const appId = /"appId":"([0-9a-f-]{36})"/.exec(JSON.stringify(card))![1];
        for (let step = 0; step < VALID_STEPS.length; step++) {
          await chat.click('application.next', { appId, step, ...VALID_STEPS[step] });
        }
        return appId;
      }),
    );
    const results = await Promise.all(chats.map((chat, i) => chat.click('application.submit', { appId: appIds[i] })));
    const numbers = results.map((r) => /PK \d{4}\/\d{4}/.exec(cardText(r.card))?.[0]);
    expect(numbers.every((n) => n !== undefined)).toBe(true);
    expect(new Set(numbers).size).toBe(100);
    const seqs = numbers.map((n) => parseRegistrationNumber(n!)!.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const stored = await app.services.applications.find({ status: 'submitted' });
    expect(new Set(stored.map((a) => a.regNo)).size).toBe(100);
  });
});
