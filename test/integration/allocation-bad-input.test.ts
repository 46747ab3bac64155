import { App } from '../../bot/app';
import { FakeConnector, startFakeConnector } from '../support/fake-connector';
import {
  cardText,
  DEMO_USERS,
  freshDataDir,
  PersonalChat,
  startTestApp,
} from '../support/test-app';
import { cardAfter, dataOf, lastSeq } from './allocation-support';

const VERBS = [
  'allocation.refresh',
  'allocation.page',
  'allocation.whatIf',
  'allocation.confirm',
  'allocation.exports',
  'decision.correct',
  'frame.list',
  'frame.edit',
  'frame.save',
  'owner.accept',
  'owner.decline',
  'owner.pickForm',
  'owner.pick',
];

/** Payload values a tampered or buggy client might send in any field. */
const HOSTILE: unknown[] = [
  null,
  42,
  -1,
  true,
  [],
  ['a'],
  { $ne: null },
  { __proto__: { admin: true } },
  'x'.repeat(5000),
  '../../etc',
  '${$root}',
  '-5 kr',
  '1e309',
  'NaN',
];

describe('allocation and decision cards refuse bad input, over real HTTP', () => {
  let connector: FakeConnector;
  let app: App;

  beforeAll(async () => {
    connector = await startFakeConnector();
    app = await startTestApp({ dataDir: freshDataDir() });
  });
  afterAll(async () => {
    await app.close();
    await connector.stop();
  });

  it('when every allocation verb gets hostile values in every field, then each answer is a card, never an error, and nothing is decided', async () => {
    const david = new PersonalChat(app.url, connector.url, DEMO_USERS.david);
    const from = lastSeq(connector);
    await david.say('fördela 1 2027');
    const { card } = await cardAfter(connector, david.conversationId, from, 'Fördelning: 1.');
    const roundId = dataOf(card, 'roundId');
    const fields = [
      'roundId',
      'page',
      'digest',
      'delegation',
      'wi_item',
      'wi_action',
      'wi_amount',
      'wi_reason',
      'co_decision',
      'co_outcome',
      'co_amount',
      'co_reason',
      'co_delegation',
      'portfolioId',
      'year',
      'frameVersion',
      'frame_amount',
      'frame_innovation',
      'frame_improvement',
      'frame_maintenance',
      'frame_key',
      'appId',
      'seq',
      'owner_comment',
      'owner_person',
      'owner_email',
    ];
    for (const user of [DEMO_USERS.david, DEMO_USERS.bjorn, DEMO_USERS.anna]) {
      const chat = new PersonalChat(app.url, connector.url, user);
      for (const verb of VERBS) {
        for (const value of HOSTILE) {
          const data: Record<string, unknown> = { roundId };
          for (const f of fields) if (f !== 'roundId' || value !== null) data[f] = value;
          const res = await chat.click(verb, data);
          expect({ verb, status: res.status }).toEqual({ verb, status: 200 });
          expect(cardText(res.card).length).toBeGreaterThan(0);
          expect(cardText(res.card)).not.toContain('Något gick fel');
        }
      }
    }
    expect(await app.services.allocation.decisions.all()).toEqual([]);
    expect((await app.services.allocation.rounds.get(roundId))!.whatIfs).toEqual([]);
    const p1 = (await app.services.portfolios.get('p1'))!;
    expect(p1.frames.find((f) => f.year === 2027)!.amount).toBe(42_000_000);
  });
});
