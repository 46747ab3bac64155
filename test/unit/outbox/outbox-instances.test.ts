import { AuditLog } from '../../../services/audit/audit-log';
import { createLogger } from '../../../services/logging/logger';
import { OutboxMessage, OutboxRepository } from '../../../services/outbox/outbox-repository';
import { DeliveryResult, OutboxSender } from '../../../services/outbox/outbox-sender';
import { openTestStore } from '../../support/test-store';

const log = createLogger('silent');
const NOW = new Date('2027-03-01T09:30:00+01:00');
const user = (n: number) => ({
  kind: 'user' as const,
  aadObjectId: `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`,
});

async function queue(n: number): Promise<OutboxRepository> {
  const outbox = new OutboxRepository(await openTestStore());
  await outbox.init();
  for (let i = 0; i < n; i++) {
    await outbox.enqueue(
      `m${String(i).padStart(2, '0')}`,
      user(i),
      { text: `hej ${i}` },
      new Date(NOW.getTime() - 1000 + i),
      NOW,
    );
  }
  return outbox;
}

describe('the outbox shared by several instances', () => {
  it('when the oldest messages are leased by another instance, then the due query still returns the free ones behind them', async () => {
    const outbox = await queue(12);
    const wall = Date.now();
    for (let i = 0; i < 5; i++)
      expect(await outbox.claim(`m0${i}`, 'instance-b', wall, 60_000)).not.toBeNull();
    const due = await outbox.dueCandidates(NOW, wall, [], 5);
    expect(due.map((m) => m._id)).toEqual(['m05', 'm06', 'm07', 'm08', 'm09']);
  });

  it('when the oldest messages wait for a back-off, then the due query returns the ones that may go now', async () => {
    const outbox = await queue(6);
    const wall = Date.now();
    for (let i = 0; i < 3; i++) {
      expect(await outbox.claim(`m0${i}`, 'a', wall, 60_000)).not.toBeNull();
      await outbox.release(`m0${i}`, 'a', wall + 60_000);
    }
    const due = await outbox.dueCandidates(NOW, wall, [], 3);
    expect(due.map((m) => m._id)).toEqual(['m03', 'm04', 'm05']);
    const later = await outbox.dueCandidates(NOW, wall + 61_000, [], 3);
    expect(later.map((m) => m._id)).toEqual(['m00', 'm01', 'm02']);
  });

  it('when a delivery fails for good after another instance took the message over, then nothing is marked or audited by the loser', async () => {
    const store = await openTestStore();
    const outbox = new OutboxRepository(store);
    await outbox.init();
    const audit = new AuditLog(store);
    await outbox.enqueue('gone', user(1), { text: 'hej' }, NOW);
    await outbox.enqueue('maybe', user(2), { text: 'hej' }, NOW);
    const deliver = async (msg: OutboxMessage): Promise<DeliveryResult> => {
      // Meanwhile an admin (or another instance after the send lease ran out) settled it.
      await outbox.col.findOneAndUpdate(
        { _id: msg._id },
        { $set: { status: 'sent', leaseOwner: 'instance-b' } },
      );
      return msg._id === 'gone'
        ? { kind: 'failed', error: '403 Forbidden', status: 403 }
        : { kind: 'uncertain', error: 'socket hang up' };
    };
    const sender = new OutboxSender(outbox, deliver, () => NOW, log, { pollMs: 20, audit });
    await sender.drain(5_000);
    await sender.stop();
    expect((await outbox.get('gone'))?.status).toBe('sent');
    expect((await outbox.get('maybe'))?.status).toBe('sent');
    expect(await audit.forEntity('gone')).toEqual([]);
    expect(await audit.forEntity('maybe')).toEqual([]);
  });

  it('when a delivery fails for good and the claim is still its own, then it is marked failed and audited once', async () => {
    const store = await openTestStore();
    const outbox = new OutboxRepository(store);
    await outbox.init();
    const audit = new AuditLog(store);
    await outbox.enqueue('gone', user(1), { text: 'hej' }, NOW);
    const sender = new OutboxSender(
      outbox,
      async () => ({ kind: 'failed', error: '403 Forbidden', status: 403 }),
      () => NOW,
      log,
      {
        pollMs: 20,
        audit,
      },
    );
    await sender.drain(5_000);
    await sender.stop();
    expect((await outbox.get('gone'))?.status).toBe('failed');
    expect((await audit.forEntity('gone')).map((e) => e.action)).toEqual(['outbox.failed']);
  });
});
