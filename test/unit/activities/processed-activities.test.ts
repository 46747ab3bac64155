import {
  PROCESSED_ACTIVITY_TTL_SECONDS,
  ProcessedActivities,
} from '../../../services/activities/processed-activities';
import { openTestStore } from '../../support/test-store';

describe('processed activities', () => {
  const now = new Date('2026-11-22T10:00:00Z');

  it('when an activity comes again after it was handled, then it is a duplicate with the answer that was sent', async () => {
    const store = await openTestStore();
    const processed = new ProcessedActivities(store);
    expect(await processed.claim('c|1', now)).toEqual({ kind: 'claimed' });
    expect(await processed.claim('c|1', now)).toEqual({ kind: 'in-progress' });
    await processed.complete('c|1', { status: 200, json: '{"statusCode":200}' });
    expect(await processed.claim('c|1', now)).toEqual({
      kind: 'duplicate',
      response: { status: 200, json: '{"statusCode":200}' },
    });
    await store.close();
  });

  it('when the kept answers outgrow their budget, then the oldest are forgotten first and a redelivery still has no second effect', async () => {
    const store = await openTestStore();
    const processed = new ProcessedActivities(store);
    const big = (c: string) => c.repeat(5 * 1024 * 1024);
    for (const id of ['a', 'b', 'c', 'd']) {
      await processed.claim(id, now);
      await processed.complete(id, { status: 200, json: big(id) });
    }
    // 4 × 5 MB is over the 16 MB budget: "a" went first.
    expect(await processed.claim('a', now)).toEqual({ kind: 'duplicate', response: undefined });
    const d = await processed.claim('d', now);
    expect(d.kind === 'duplicate' && d.response?.json?.length).toBe(5 * 1024 * 1024);
    expect((await processed.claim('b', now)).kind).toBe('duplicate');
    await store.close();
  });

  it('when a record is older than the documented window, then the store purges it and a fresh one stays a duplicate', async () => {
    expect(PROCESSED_ACTIVITY_TTL_SECONDS).toBe(7 * 24 * 3600);
    const store = await openTestStore();
    // The wall clock runs 30 days ahead, so the purge the store starts by itself (by the real
    // clock) leaves these records alone: only the purge judged at `later` sees them as old.
    const later = new Date(Date.now() + 30 * 86_400_000);
    const daysBefore = (d: number) => new Date(later.getTime() - d * 86_400_000);
    let wall = daysBefore(8);
    const processed = new ProcessedActivities(store, 60_000, () => wall);
    await processed.init();
    for (const [key, days] of [
      ['c|old', 8],
      ['c|almost', 6.9],
      ['c|fresh', 0.01],
    ] as const) {
      wall = daysBefore(days);
      expect(await processed.claim(key, now)).toEqual({ kind: 'claimed' });
      await processed.complete(key, null);
    }
    const records = store.collection<{ _id: string }>('processedActivities');
    expect(await records.count({})).toBe(3);
    expect(await store.purgeExpired(later)).toBe(1);
    expect((await records.find({}, { sort: { _id: 1 } })).map((r) => r._id)).toEqual([
      'c|almost',
      'c|fresh',
    ]);
    expect((await processed.claim('c|fresh', now)).kind).toBe('duplicate');
    expect((await processed.claim('c|almost', now)).kind).toBe('duplicate');
    // Forgotten after the window: Teams never redelivers that late.
    expect((await processed.claim('c|old', now)).kind).toBe('claimed');
    await store.close();
  });

  it('when a turn starts, then its record is dated by the wall clock, not by the app clock a test or demo set', async () => {
    const store = await openTestStore();
    const processed = new ProcessedActivities(store);
    await processed.init();
    const before = Date.now();
    await processed.claim('c|2', new Date('2020-01-01T00:00:00Z'));
    const doc = await store
      .collection<{ _id: string; startedAt: string }>('processedActivities')
      .findOne({ _id: 'c|2' });
    expect(Date.parse(doc!.startedAt)).toBeGreaterThanOrEqual(before);
    expect(await store.purgeExpired()).toBe(0);
    await store.close();
  });
});
