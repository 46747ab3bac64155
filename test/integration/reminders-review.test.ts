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
import { markerOf } from '../unit/outbox/outbox-test-kit';
import { TestClock } from '../unit/scheduler/scheduler-kit';
import { Channel, openReviewItem, REVIEW_CHANNEL, scores } from './review-support';

describe('vote reminders from the real review flow', () => {
  let connector: FakeConnector;
  let app: App;
  let clock: TestClock;

  beforeAll(async () => {
    connector = await startFakeConnector();
  });
  afterAll(async () => {
    await connector.stop();
  });
  beforeEach(async () => {
    connector.reset();
    clock = new TestClock('2027-03-01 10:00');
    app = await startTestApp({
      dataDir: freshDataDir(),
      clock: clock.fn,
      env: { SCHEDULER_ENABLED: 'false' },
    });
  });
  afterEach(async () => {
    await app.close();
  });

  async function runAt(when: string): Promise<Map<string, string>> {
    clock.set(when);
    const before = new Set(connector.sent().map((c) => c.seq));
    await app.scheduler.runOnce();
    await app.sender.drain(10_000);
    const out = new Map<string, string>();
    for (const c of connector.sent()) {
      const id = markerOf(c.activity) ?? '';
      if (!before.has(c.seq) && id.startsWith('digest:'))
        out.set(id.split(':')[1], cardText(cardOfCall(c)));
    }
    return out;
  }

  it('when reviewers have not voted, then they are nudged two working days before and on the last day, then the chair hears who is missing', async () => {
    for (const u of [DEMO_USERS.david, DEMO_USERS.eva])
      await new PersonalChat(app.url, connector.url, u).say('hjälp');
    const item = await openReviewItem(app, connector, DEMO_USERS.anna);
    const review = await app.services.review.item(item.itemId);
    expect(review?.deadline).toBe('2027-03-15');
    const david = DEMO_USERS.david.aadObjectId;
    const eva = DEMO_USERS.eva.aadObjectId;

    expect((await runAt('2027-03-10 15:00')).size).toBe(0);
    const early = await runAt('2027-03-11 09:05');
    expect([...early.keys()].sort()).toEqual([david, eva].sort());
    expect(early.get(eva)).toContain(`Rösta på **${item.regNo}`);
    expect(early.get(eva)).toContain('sista dag 2027-03-15');

    // David votes; on the last day only Eva is nudged.
    const channel = new Channel(app, connector, REVIEW_CHANNEL);
    await channel.click(
      DEMO_USERS.david,
      'review.noConflict',
      { itemId: item.itemId },
      item.rootId,
    );
    const voted = await channel.click(
      DEMO_USERS.david,
      'review.vote',
      { itemId: item.itemId, vote: 'approve', ...scores(4) },
      item.rootId,
    );
    expect(voted.status).toBe(200);
    const lastDay = await runAt('2027-03-15 09:05');
    expect([...lastDay.keys()]).toEqual([eva]);
    expect(lastDay.get(eva)).toContain('Idag är sista dagen att rösta');

    // The morning after the deadline the chair (David) learns that Eva has not voted.
    const after = await runAt('2027-03-16 09:05');
    expect([...after.keys()]).toEqual([david]);
    expect(after.get(david)).toContain('Eva Ek');
    expect(after.get(david)).toContain('har inte röstat');
  });
});
