import { OutboxRepository } from '../../../services/outbox/outbox-repository';
import { openTestStore } from '../../support/test-store';

describe('the outbox sent count', () => {
  const now = new Date('2026-12-01T09:00:00.000Z');
  const user = { kind: 'user' as const, aadObjectId: 'aad-1' };

  it('when an outbox from an earlier version holds sent messages, then the count starts from them once, and each later send or admin confirmation raises it by one', async () => {
    const store = await openTestStore();
    // An earlier version's outbox: two messages sent, one pending, no counter yet.
    const earlier = new OutboxRepository(store);
    for (const id of ['a', 'b', 'c']) await earlier.enqueue(id, user, { text: id }, now);
    await store
      .collection<{ _id: string }>('outbox')
      .updateMany({ _id: { $in: ['a', 'b'] } }, { $set: { status: 'sent' } });

    const outbox = new OutboxRepository(store);
    await outbox.init();
    expect(await outbox.counts()).toMatchObject({ sent: 2, pending: 1 });
    await outbox.init(); // a restart does not count them again
    expect((await outbox.counts()).sent).toBe(2);

    const t = now.getTime();
    await outbox.claim('c', 'me', t, 30_000);
    await outbox.markSending('c', 'me', t, 30_000);
    await outbox.markSent('c', 'me', now);
    await outbox.markSent('c', 'me', now); // no second move to sent: no second count
    expect(await outbox.counts()).toMatchObject({ sent: 3, pending: 0, sending: 0 });

    await outbox.enqueue('d', user, { text: 'd' }, now);
    await outbox.claim('d', 'me', t, 30_000);
    await outbox.markSending('d', 'me', t, 30_000);
    await outbox.markFinal('d', 'me', 'uncertain', 'timeout');
    expect(await outbox.confirmDelivered('d', 'admin', now)).not.toBeNull();
    expect(await outbox.confirmDelivered('d', 'admin', now)).toBeNull();
    const counts = await outbox.counts();
    expect(counts).toMatchObject({ sent: 4, uncertain: 0 });
    expect(counts.sent).toBe(await store.collection('outbox').count({ status: 'sent' }));
    await store.close();
  });
});
