/**
 * `mina ansökningar` pages, through the real server over HTTP: a fixed page of 10, "Visar 11–20
 * av 25", Föregående / Nästa as card actions carrying the page, a bad page refused with a clear
 * card (never a 500), a redelivered click answered the same, and only the caller's own list.
 */
import { App } from '../../bot/app';
import { cardUtf16Bytes as cardBytes, MAX_CARD_BYTES } from '../../cards/render';
import { ApplicationDoc } from '../../services/applications/application';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import { cardOfCall, cardText, DEMO_USERS, PersonalChat, startTestApp } from '../support/test-app';

type Card = Record<string, unknown>;

/** The Action.Execute buttons at the bottom of a card. */
const pager = (card: Card): { title: string; verb: string; data: Record<string, unknown> }[] =>
  ((card.actions ?? []) as { title: string; verb: string; data: Record<string, unknown> }[]).filter(
    (a) => a.verb === 'applications.page',
  );

/** Titles of the applications listed on a card, top to bottom. */
const titles = (card: Card): string[] =>
  ((card.body ?? []) as { type: string; items?: { text?: string }[] }[])
    .filter((b) => b.type === 'Container')
    .map((b) => b.items?.[0]?.text ?? '');

function application(ownerId: string, i: number, title: string): ApplicationDoc {
  const at = new Date(Date.UTC(2027, 0, 1) + i * 60_000).toISOString();
  return {
    _id: `${ownerId}-app-${String(i).padStart(4, '0')}`,
    ownerId,
    ownerName: 'x',
    status: 'draft',
    inputs: { title },
    step: 0,
    reached: 0,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

describe('mina ansökningar, paged, over real HTTP', () => {
  let connector: FakeConnector;
  let app: App;
  const anna = DEMO_USERS.anna;

  beforeAll(async () => {
    connector = await startFakeConnector();
    app = await startTestApp();
    // Anna has 25 applications (numbered by age, 24 the newest), Eva 2.
    for (let i = 0; i < 25; i++)
      await app.services.applications.insert(
        application(anna.aadObjectId, i, `Annas ansökan nr ${i}`),
      );
    for (let i = 0; i < 2; i++)
      await app.services.applications.insert(
        application(DEMO_USERS.eva.aadObjectId, i, `Evas ansökan nr ${i}`),
      );
  });
  afterAll(async () => {
    await app.close();
    await connector.stop();
  });
  beforeEach(() => connector.reset());

  it('when Anna writes "mina ansökningar", then she gets the 10 newest, "Visar 1–10 av 25" and a Nästa button', async () => {
    const chat = new PersonalChat(app.url, connector.url, anna);
    expect(await chat.say('mina ansökningar')).toBe(200);
    const card = cardOfCall(
      await connector.waitFor((c) => c.kind === 'send' || c.kind === 'reply'),
    );
    expect(cardText(card)).toContain('Visar 1–10 av 25');
    expect(titles(card)).toEqual(
      Array.from({ length: 10 }, (_, i) => `Annas ansökan nr ${24 - i}`),
    );
    expect(pager(card)).toEqual([
      { type: 'Action.Execute', title: 'Nästa', verb: 'applications.page', data: { page: '2' } },
    ]);
  });

  it('when she clicks Nästa and Föregående, then each page shows its slice with the buttons around it', async () => {
    const chat = new PersonalChat(app.url, connector.url, anna);
    const two = await chat.click('applications.page', { page: '2' });
    expect(two.status).toBe(200);
    expect(cardText(two.card)).toContain('Visar 11–20 av 25');
    expect(titles(two.card)[0]).toBe('Annas ansökan nr 14');
    expect(pager(two.card).map((a) => [a.title, a.data.page])).toEqual([
      ['Föregående', '1'],
      ['Nästa', '3'],
    ]);
    const three = await chat.click('applications.page', pager(two.card)[1].data);
    expect(cardText(three.card)).toContain('Visar 21–25 av 25');
    expect(titles(three.card)).toEqual([
      'Annas ansökan nr 4',
      'Annas ansökan nr 3',
      'Annas ansökan nr 2',
      'Annas ansökan nr 1',
      'Annas ansökan nr 0',
    ]);
    expect(pager(three.card).map((a) => a.title)).toEqual(['Föregående']);
    // A page number as a number (another client) works too; a page past the end shows the last.
    expect(cardText((await chat.click('applications.page', { page: 2 })).card)).toContain(
      'Visar 11–20 av 25',
    );
    expect(cardText((await chat.click('applications.page', { page: '99' })).card)).toContain(
      'Visar 21–25 av 25',
    );
    // "Mina ansökningar" buttons elsewhere (applications.list) open the first page.
    expect(cardText((await chat.click('applications.list', { appId: 'x' })).card)).toContain(
      'Visar 1–10 av 25',
    );
  });

  it('when the page number is bad, then a card says so with the way to the first page, never a 500', async () => {
    const chat = new PersonalChat(app.url, connector.url, anna);
    for (const page of [
      '0',
      '-1',
      'två',
      '1.5',
      1.5,
      '1e9',
      { page: 2 },
      [3],
      true,
      '9'.repeat(5000),
    ]) {
      const res = await chat.click('applications.page', { page });
      expect(res.status).toBe(200);
      const text = cardText(res.card);
      expect(text).toContain('finns inte');
      expect(text).toContain('Till första sidan');
      expect(text).not.toContain('Annas ansökan');
      expect(JSON.stringify(res.card).length).toBeLessThan(3000);
    }
    const en = new PersonalChat(app.url, connector.url, anna, 'en-US');
    expect(cardText((await en.click('applications.page', { page: 'zero' })).card)).toContain(
      'There is no page “zero”',
    );
    expect(cardText((await en.click('applications.page', { page: '3' })).card)).toContain(
      'Showing 21–25 of 25',
    );
  });

  it('when the same click is delivered twice, then both answers are the same page and nothing changes', async () => {
    const chat = new PersonalChat(app.url, connector.url, anna);
    const before = await app.services.applications.countByOwner(anna.aadObjectId);
    const first = await chat.click('applications.page', { page: '2' }, 'redelivered-page-click');
    const again = await chat.click('applications.page', { page: '2' }, 'redelivered-page-click');
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(titles(again.card)).toEqual(titles(first.card));
    expect(await app.services.applications.countByOwner(anna.aadObjectId)).toBe(before);
  });

  it('when Eva pages, then she sees only her own applications whatever the card data says', async () => {
    const eva = new PersonalChat(app.url, connector.url, DEMO_USERS.eva);
    const res = await eva.click('applications.page', {
      page: '1',
      ownerId: anna.aadObjectId,
      appId: 'x',
    });
    expect(cardText(res.card)).toContain('Visar 1–2 av 2');
    expect(titles(res.card)).toEqual(['Evas ansökan nr 1', 'Evas ansökan nr 0']);
    expect(pager(res.card)).toEqual([]);
    // Someone with no applications is told how to start; no paging line.
    const david = new PersonalChat(app.url, connector.url, DEMO_USERS.david);
    const empty = await david.click('applications.page', { page: '1' });
    expect(cardText(empty.card)).toContain('Du har inga ansökningar ännu');
    expect(cardText(empty.card)).not.toContain('Visar');
  });

  it('when an office account has 300 applications with long Swedish titles, then every page stays under 80 KB (UTF-16)', async () => {
    const office = DEMO_USERS.cecilia;
    const longTitle = (i: number) =>
      `Gemensam e-tjänst för äldreomsorg, skolskjuts och bygglov – Södermalm ${i} `.repeat(20);
    for (let i = 0; i < 300; i++)
      await app.services.applications.insert(application(office.aadObjectId, i, longTitle(i)));
    const chat = new PersonalChat(app.url, connector.url, office);
    for (const page of ['1', '15', '30']) {
      const res = await chat.click('applications.page', { page });
      expect(cardText(res.card)).toContain(`av 300`);
      expect(titles(res.card)).toHaveLength(10);
      expect(cardBytes(res.card)).toBeLessThan(MAX_CARD_BYTES);
    }
  });
});
