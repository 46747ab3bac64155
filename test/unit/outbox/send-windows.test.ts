import { TeamsRateLimits } from '../../../services/outbox/rate-limits';
import { SendWindows } from '../../../services/outbox/send-windows';
import { openTestStore } from '../../support/test-store';

const LIMITS: TeamsRateLimits = {
  perConversation: [{ limit: 3, windowMs: 1000 }],
  appWide: [{ limit: 5, windowMs: 1000 }],
  marginMs: 0,
};

describe('shared send windows', () => {
  let now: number;
  const wall = () => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('when one conversation is full, then a reservation is refused with the time it frees up', async () => {
    const store = await openTestStore();
    const w = new SendWindows(store, LIMITS, wall, 10_000);
    for (let i = 0; i < 3; i++) {
      expect(await w.reserve('c1', `m${i}`)).toEqual({ ok: true });
      await w.finish('c1', `m${i}`, 'accepted');
      now += 10;
    }
    const refused = await w.reserve('c1', 'm3');
    expect(refused).toEqual({ ok: false, retryAt: 1_000_000 + 1000, scope: 'conversation' });
    // The app-wide slot taken for the refused request was given back.
    expect(await w.reserve('c2', 'x1')).toEqual({ ok: true });
    expect(await w.reserve('c3', 'x2')).toEqual({ ok: true });
    expect(await w.reserve('c4', 'x3')).toMatchObject({ ok: false, scope: 'app' });
  });

  it('when two instances share a store, then together they never exceed a window', async () => {
    const store = await openTestStore();
    const a = new SendWindows(store, LIMITS, wall, 10_000);
    const b = new SendWindows(store, LIMITS, wall, 10_000);
    let ok = 0;
    for (let i = 0; i < 10; i++) {
      const w = i % 2 === 0 ? a : b;
      if ((await w.reserve('c1', `m${i}`)).ok) {
        ok++;
        await w.finish('c1', `m${i}`, 'accepted');
      }
    }
    expect(ok).toBe(3);
    // App-wide too: 5 per window across both, whatever the conversations.
    now += 1000;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).reserve(`k${i}`, `n${i}`)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(5);
  });

  it('when a request to a conversation is in flight, then no instance starts another one to it', async () => {
    const store = await openTestStore();
    const a = new SendWindows(store, LIMITS, wall, 10_000);
    const b = new SendWindows(store, LIMITS, wall, 10_000);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? a : b).reserve('c1', `m${i}`)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(
      results
        .filter((r) => !r.ok)
        .every((r) => !r.ok && r.scope === 'conversation' && r.retryAt === now + 100),
    ).toBe(true);
  });

  it("when a conversation's log is removed while its last send finishes (an erasure), then publishing that send does not bring the log back", async () => {
    const store = await openTestStore();
    const w = new SendWindows(store, LIMITS, wall, 10_000);
    expect(await w.reserve('user:anna', 'm1')).toEqual({ ok: true });
    await w.finish('user:anna', 'm1', 'accepted');
    // Published a moment later; meanwhile the person's data is erased.
    await store.collection('outbox_windows').deleteMany({ _id: 'c:user:anna' });
    await w.flush();
    expect(await w.read('user:anna')).toBeNull();
    // The app-wide log still records the send, and the next message starts a new log.
    expect((await w.read(null))!.done).toHaveLength(1);
    now += 10;
    expect(await w.reserve('user:anna', 'm2')).toEqual({ ok: true });
    expect(await w.read('user:anna')).not.toBeNull();
  });

  it('when a request is still in flight, then it counts until its completion is known', async () => {
    const store = await openTestStore();
    const a = new SendWindows(
      store,
      { ...LIMITS, perConversation: [{ limit: 1, windowMs: 100 }] },
      wall,
      10_000,
    );
    expect(await a.reserve('c1', 'm1')).toEqual({ ok: true });
    now += 500;
    // Not finished: it may arrive any time before its timeout.
    expect(await a.reserve('c1', 'm2')).toMatchObject({ ok: false, scope: 'conversation' });
    await a.finish('c1', 'm1', 'accepted');
    now += 101;
    expect(await a.reserve('c1', 'm2')).toEqual({ ok: true });
  });

  it('when an instance crashes with a reservation in flight, then it counts until its timeout and no longer', async () => {
    const store = await openTestStore();
    const crashed = new SendWindows(
      store,
      { ...LIMITS, perConversation: [{ limit: 1, windowMs: 100 }] },
      wall,
      2_000,
    );
    const other = new SendWindows(
      store,
      { ...LIMITS, perConversation: [{ limit: 1, windowMs: 100 }] },
      wall,
      2_000,
    );
    expect(await crashed.reserve('c1', 'm1')).toEqual({ ok: true });
    now += 1_000;
    expect(await other.reserve('c1', 'm2')).toMatchObject({ ok: false, scope: 'conversation' });
    now += 1_000;
    expect(await other.reserve('c1', 'm2')).toMatchObject({
      ok: false,
      retryAt: 1_000_000 + 2_000 + 100,
    });
    now += 101;
    expect(await other.reserve('c1', 'm2')).toEqual({ ok: true });
  });

  it('when a request got no answer (timeout), then it counts as arriving as late as it could', async () => {
    const store = await openTestStore();
    const limits = { ...LIMITS, perConversation: [{ limit: 1, windowMs: 100 }] };
    const a = new SendWindows(store, limits, wall, 2_000);
    expect(await a.reserve('c1', 'm1')).toEqual({ ok: true });
    now += 500;
    await a.finish('c1', 'm1', 'unknown');
    now += 1_000;
    expect(await a.reserve('c1', 'm2')).toMatchObject({
      ok: false,
      retryAt: 1_000_000 + 2_000 + 100,
    });
    // An answered request counts from its answer, even when the delivery returned later.
    const b = new SendWindows(await openTestStore(), limits, wall, 2_000);
    expect(await b.reserve('c1', 'x1')).toEqual({ ok: true });
    await b.finish('c1', 'x1', 'accepted', undefined, now - 60);
    expect(b.localConversationEarliest('c1')).toBe(now + 40);
  });

  it('when Teams answers 429, then the request does not count and the conversation is blocked for every instance', async () => {
    const store = await openTestStore();
    const a = new SendWindows(store, LIMITS, wall, 10_000);
    const b = new SendWindows(store, LIMITS, wall, 10_000);
    expect(await a.reserve('c1', 'm1')).toEqual({ ok: true });
    await a.finish('c1', 'm1', 'throttled', 3000);
    expect(await b.reserve('c1', 'm2')).toEqual({
      ok: false,
      retryAt: now + 3000,
      scope: 'conversation',
    });
    expect(b.localEarliest('c1')).toBe(now + 3000);
    now += 3000;
    expect(await b.reserve('c1', 'm2')).toEqual({ ok: true });
    const doc = await b.read('c1');
    expect(doc?.inflight.map((f) => f.id)).toEqual(['m2']);
    expect(doc?.done).toEqual([]);
  });

  it('when a request never left the process, then its slot is given back', async () => {
    const store = await openTestStore();
    const a = new SendWindows(
      store,
      { ...LIMITS, perConversation: [{ limit: 1, windowMs: 1000 }] },
      wall,
      10_000,
    );
    expect(await a.reserve('c1', 'm1')).toEqual({ ok: true });
    await a.finish('c1', 'm1', 'not_sent');
    expect(await a.reserve('c1', 'm2')).toEqual({ ok: true });
    await a.close();
  });
});
