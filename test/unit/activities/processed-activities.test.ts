import { ProcessedActivities } from '../../../services/activities/processed-activities';
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
});
