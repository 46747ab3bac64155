import { AuditLog } from '../../../services/audit/audit-log';
import { createLogger } from '../../../services/logging/logger';
import {
  conversationKeyOf,
  OutboxMessage,
  OutboxRepository,
} from '../../../services/outbox/outbox-repository';
import {
  DeliveryResult,
  OutboxSender,
  OutboxSenderOptions,
} from '../../../services/outbox/outbox-sender';
import { RateWindow, TeamsRateLimits } from '../../../services/outbox/rate-limits';
import { openTestStore } from '../../support/test-store';

const log = createLogger('silent');
const NOW = new Date('2027-03-01T09:30:00+01:00');
const clock = () => NOW;

const SMALL: TeamsRateLimits = {
  perConversation: [
    { limit: 3, windowMs: 300 },
    { limit: 4, windowMs: 600 },
  ],
  appWide: [{ limit: 10, windowMs: 300 }],
  marginMs: 0,
};

interface Arrival {
  id: string;
  key: string;
  at: number;
}

/** Checks arrival times against windows the way Teams does. */
function worstExcess(arrivals: number[], windows: RateWindow[]): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let worst = 0;
  sorted.forEach((t, i) => {
    for (const w of windows) {
      const n = sorted.slice(0, i + 1).filter((x) => x > t - w.windowMs).length;
      worst = Math.max(worst, n - w.limit);
    }
  });
  return worst;
}

function byKey(arrivals: Arrival[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const a of arrivals) m.set(a.key, [...(m.get(a.key) ?? []), a.at]);
  return m;
}

async function setup(
  opts: Partial<OutboxSenderOptions> = {},
  script?: (msg: OutboxMessage, n: number) => DeliveryResult | Promise<DeliveryResult>,
) {
  const store = await openTestStore();
  const outbox = new OutboxRepository(store);
  await outbox.init();
  const audit = new AuditLog(store);
  const arrivals: Arrival[] = [];
  const tries = new Map<string, number>();
  const deliver = async (msg: OutboxMessage): Promise<DeliveryResult> => {
    const n = (tries.get(msg._id) ?? 0) + 1;
    tries.set(msg._id, n);
    const r = script
      ? await script(msg, n)
      : ({ kind: 'sent', activityId: `a-${msg._id}` } as DeliveryResult);
    if (r.kind === 'sent')
      arrivals.push({
        id: msg._id,
        key: conversationKeyOf(msg.target, msg.payload),
        at: Date.now(),
      });
    return r;
  };
  const make = (extra: Partial<OutboxSenderOptions> = {}) =>
    new OutboxSender(outbox, deliver, clock, log, {
      pollMs: 20,
      limits: SMALL,
      baseBackoffMs: 20,
      audit,
      ...opts,
      ...extra,
    });
  return { store, outbox, audit, arrivals, tries, make };
}

const user = (n: number) => ({
  kind: 'user' as const,
  aadObjectId: `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`,
});

describe('the outbox sender', () => {
  it('when the store has not yet made its writes durable, then nothing is delivered until it has; when it cannot, nothing is delivered and the message waits', async () => {
    const { store, outbox, arrivals, tries, make } = await setup();
    await outbox.enqueue('m1', user(1), { text: 'hej' }, NOW);
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const barrier = jest.spyOn(store, 'durable').mockImplementation(() => gate);
    const sender = make();
    sender.start();
    await new Promise((r) => setTimeout(r, 200));
    expect(barrier).toHaveBeenCalled();
    expect(tries.size).toBe(0);
    open();
    await sender.drain(10_000);
    expect(arrivals.map((a) => a.id)).toEqual(['m1']);
    await sender.stop();

    // A store that cannot make its writes durable (a failed fsync): nothing leaves.
    barrier.mockRejectedValue(new Error('EIO: i/o error, fsync'));
    await outbox.enqueue('m2', user(2), { text: 'hej' }, NOW);
    const again = make();
    again.start();
    await new Promise((r) => setTimeout(r, 200));
    await again.stop();
    expect(tries.has('m2')).toBe(false);
    expect((await outbox.get('m2'))?.status).toBe('pending');
    barrier.mockRestore();
  });

  it('when messages are due, then each is delivered once and marked sent', async () => {
    const { outbox, arrivals, make } = await setup();
    for (let i = 0; i < 12; i++)
      await outbox.enqueue(`m${i}`, user(i % 4), { text: `hej ${i}` }, NOW);
    const sender = make();
    expect(await sender.drain(10_000)).toBe(12);
    expect(arrivals.map((a) => a.id).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `m${i}`).sort(),
    );
    expect((await outbox.byStatus('sent')).length).toBe(12);
    expect((await outbox.get('m3'))?.sentActivityId).toBe('a-m3');
    await sender.stop();
  });

  it('when one conversation has a burst, then its sends follow every window and other conversations are not held up', async () => {
    const { outbox, arrivals, make } = await setup();
    for (let i = 0; i < 10; i++) await outbox.enqueue(`busy${i}`, user(1), { text: 'x' }, NOW);
    for (let i = 0; i < 5; i++)
      await outbox.enqueue(`quiet${i}`, user(100 + i), { text: 'y' }, NOW);
    const sender = make();
    await sender.drain(10_000);
    const busy = byKey(arrivals).get(conversationKeyOf(user(1)))!;
    expect(busy).toHaveLength(10);
    expect(worstExcess(busy, SMALL.perConversation)).toBeLessThanOrEqual(0);
    expect(
      worstExcess(
        arrivals.map((a) => a.at),
        SMALL.appWide,
      ),
    ).toBeLessThanOrEqual(0);
    // The quiet users did not wait behind the busy one.
    const lastQuiet = Math.max(
      ...arrivals.filter((a) => a.id.startsWith('quiet')).map((a) => a.at),
    );
    expect(lastQuiet).toBeLessThan(Math.max(...busy));
    await sender.stop();
  });

  it('when Teams answers 429 with Retry-After, then nothing goes to that conversation before it ends', async () => {
    let blockedUntil = 0;
    let throttledAt = 0;
    const { outbox, arrivals, make } = await setup({}, (msg, n) => {
      if (msg._id === 'a0' && n === 1) {
        throttledAt = Date.now();
        blockedUntil = throttledAt + 400;
        return { kind: 'retry', afterMs: 400, status: 429, error: '429: Too many requests' };
      }
      return { kind: 'sent' };
    });
    for (let i = 0; i < 3; i++) await outbox.enqueue(`a${i}`, user(1), { text: 'x' }, NOW);
    const sender = make();
    await sender.drain(10_000);
    const times = arrivals.map((a) => a.at);
    expect(times).toHaveLength(3);
    // a0 was throttled; whatever was not already on its way waited for Retry-After.
    expect(arrivals.find((a) => a.id === 'a0')!.at).toBeGreaterThanOrEqual(blockedUntil);
    expect(times.filter((t) => t > throttledAt && t < blockedUntil)).toEqual([]);
    const a0 = await outbox.get('a0');
    expect(a0).toMatchObject({ status: 'sent', throttles: 1, attempts: 2 });
    await sender.stop();
  });

  it('when a retryable error keeps coming, then the message is dead-lettered after maxAttempts and audited', async () => {
    const { outbox, audit, tries, make } = await setup({ maxAttempts: 3 }, () => ({
      kind: 'retry',
      status: 502,
      error: '502: Bad gateway',
    }));
    await outbox.enqueue('d1', user(1), { text: 'x' }, NOW);
    const sender = make();
    await sender.drain(10_000);
    expect(tries.get('d1')).toBe(3);
    expect(await outbox.get('d1')).toMatchObject({
      status: 'dead',
      attempts: 3,
      lastError: '502: Bad gateway',
    });
    expect((await audit.forEntity('d1')).map((e) => e.action)).toEqual(['outbox.dead_lettered']);
    // An admin's retry gives it fresh attempts.
    await outbox.requeue('d1', 'admin', NOW);
    expect(await outbox.get('d1')).toMatchObject({
      status: 'pending',
      attempts: 0,
      resolution: { action: 'retry', by: 'admin' },
    });
    await sender.stop();
  });

  it('when a failure is permanent (403/404), then it is recorded once and never retried', async () => {
    const { outbox, tries, make } = await setup({}, () => ({
      kind: 'failed',
      status: 403,
      error: '403: bot removed',
    }));
    await outbox.enqueue('f1', user(1), { text: 'x' }, NOW);
    const sender = make();
    await sender.drain(5_000);
    expect(tries.get('f1')).toBe(1);
    expect(await outbox.get('f1')).toMatchObject({
      status: 'failed',
      lastError: '403: bot removed',
    });
    await sender.stop();
  });

  it('when the outcome is ambiguous, then a new post becomes uncertain and an update is repeated', async () => {
    const { outbox, tries, make } = await setup({}, (msg, n) =>
      n === 1 ? { kind: 'uncertain', error: 'ECONNRESET: socket hang up' } : { kind: 'sent' },
    );
    await outbox.enqueue('post', user(1), { text: 'x' }, NOW);
    await outbox.enqueue(
      'upd',
      user(2),
      { text: 'y', update: { activityId: '1', conversationId: 'a:2' } },
      NOW,
    );
    const sender = make();
    await sender.drain(5_000);
    expect(tries.get('post')).toBe(1);
    expect(await outbox.get('post')).toMatchObject({ status: 'uncertain' });
    expect(tries.get('upd')).toBe(2);
    expect(await outbox.get('upd')).toMatchObject({ status: 'sent' });
    // An admin who knows it arrived closes it; it is never sent again.
    await outbox.confirmDelivered('post', 'admin', NOW);
    expect(await outbox.get('post')).toMatchObject({
      status: 'sent',
      resolution: { action: 'mark_delivered' },
    });
    await sender.stop();
  });

  it('when an instance crashed while sending, then its send is marked uncertain and its mere claims are taken over', async () => {
    const { outbox, tries, make } = await setup();
    await outbox.enqueue('inflight', user(1), { text: 'x' }, NOW);
    await outbox.enqueue('claimed', user(2), { text: 'y' }, NOW);
    await outbox.enqueue(
      'update',
      user(3),
      { text: 'z', update: { activityId: '9', conversationId: 'a:3' } },
      NOW,
    );
    const dead = 'crashed-instance';
    const t = Date.now();
    expect(await outbox.claim('inflight', dead, t, 100)).not.toBeNull();
    expect(await outbox.markSending('inflight', dead, t, 100)).not.toBeNull();
    expect(await outbox.claim('update', dead, t, 100)).not.toBeNull();
    expect(await outbox.markSending('update', dead, t, 100)).not.toBeNull();
    expect(await outbox.claim('claimed', dead, t, 100)).not.toBeNull();
    await new Promise((r) => setTimeout(r, 150));
    const sender = make();
    await sender.drain(5_000);
    expect(tries.get('inflight')).toBeUndefined();
    expect(await outbox.get('inflight')).toMatchObject({ status: 'uncertain' });
    expect(tries.get('claimed')).toBe(1);
    expect(tries.get('update')).toBe(1);
    expect((await outbox.counts()).sent).toBe(2);
    await sender.stop();
  });

  it('when two senders share one store, then every message goes out exactly once within the shared limits', async () => {
    const { outbox, arrivals, make } = await setup();
    for (let i = 0; i < 60; i++) await outbox.enqueue(`m${i}`, user(i % 6), { text: 'x' }, NOW);
    const a = make({ owner: 'A' });
    const b = make({ owner: 'B' });
    await Promise.all([a.drain(20_000), b.drain(20_000)]);
    const ids = arrivals.map((x) => x.id);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
    for (const times of byKey(arrivals).values())
      expect(worstExcess(times, SMALL.perConversation)).toBeLessThanOrEqual(0);
    expect(
      worstExcess(
        arrivals.map((x) => x.at),
        SMALL.appWide,
      ),
    ).toBeLessThanOrEqual(0);
    await a.stop();
    await b.stop();
  });

  it('when bulk reminders are queued, then an interactive message queued later still goes first', async () => {
    const { outbox, arrivals, make } = await setup({ maxInFlight: 1 });
    for (let i = 0; i < 20; i++)
      await outbox.enqueue(`bulk${i}`, user(i), { text: 'r' }, NOW, NOW, { bulk: true });
    await outbox.enqueue(
      'card-update',
      user(99),
      { text: 'u', update: { activityId: '1', conversationId: 'a:99' } },
      NOW,
    );
    const sender = make();
    await sender.drain(10_000);
    expect(arrivals[0].id).toBe('card-update');
    expect(arrivals).toHaveLength(21);
    await sender.stop();
  });

  it('when a message is not due yet, then it waits for its time', async () => {
    const { outbox, tries, make } = await setup();
    await outbox.enqueue('later', user(1), { text: 'x' }, NOW, new Date(NOW.getTime() + 3_600_000));
    const sender = make();
    expect(await sender.drain(1_000)).toBe(0);
    expect(tries.size).toBe(0);
    await sender.stop();
  });
});
