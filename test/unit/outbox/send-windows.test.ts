import { TeamsRateLimits } from '../../../services/outbox/rate-limits';
import { SendWindows } from '../../../services/outbox/send-windows';
import { EmbeddedStore } from '../../../services/store/embedded-store';

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
    const store = await EmbeddedStore.open(null);
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
    expect(await w.reserve('c2', 'x2')).toEqual({ ok: true });
    expect(await w.reserve('c3', 'x3')).toMatchObject({ ok: false, scope: 'app' });
  });

  it('when two instances share a store, then together they never exceed a window', async () => {
    const store = await EmbeddedStore.open(null);
    const a = new SendWindows(store, LIMITS, wall, 10_000);
    const b = new SendWindows(store, LIMITS, wall, 10_000);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).reserve('c1', `m${i}`)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(3);
  });

  it('when a request is still in flight, then it counts until its completion is known', async () => {
    const store = await EmbeddedStore.open(null);
    const a = new SendWindows(store, { ...LIMITS, perConversation: [{ limit: 1, windowMs: 100 }] }, wall, 10_000);
    expect(await a.reserve('c1', 'm1')).toEqual({ ok: true });
    now += 500;
    // Not finished: it may arrive any time before its timeout.
    expect(await a.reserve('c1', 'm2')).toMatchObject({ ok: false, scope: 'conversation' });
    await a.finish('c1', 'm1', 'accepted');
    now += 101;
    expect(await a.reserve('c1', 'm2')).toEqual({ ok: true });
  });

  it('when an instance crashes with a reservation in flight, then it counts until its timeout and no longer', async () => {
    const store = await EmbeddedStore.open(null);
    const crashed = new SendWindows(store, { ...LIMITS, perConversation: [{ limit: 1, windowMs: 100 }] }, wall, 2_000);
    const other = new SendWindows(store, { ...LIMITS, perConversation: [{ limit: 1, windowMs: 100 }] }, wall, 2_000);
    expect(await crashed.reserve('c1', 'm1')).toEqual({ ok: true });
    now += 1_000;
    expect(await other.reserve('c1', 'm2')).toMatchObject({ ok: false, retryAt: 1_000_000 + 2_000 + 100 });
    now += 1_101;
    expect(await other.reserve('c1', 'm2')).toEqual({ ok: true });
  });

  it('when Teams answers 429, then the request does not count and the conversation is blocked for every instance', async () => {
    const store = await EmbeddedStore.open(null);
    const a = new SendWindows(store, LIMITS, wall, 10_000);
    const b = new SendWindows(store, LIMITS, wall, 10_000);
    expect(await a.reserve('c1', 'm1')).toEqual({ ok: true });
    await a.finish('c1', 'm1', 'throttled', 3000);
    expect(await b.reserve('c1', 'm2')).toEqual({ ok: false, retryAt: now + 3000, scope: 'conversation' });
    expect(b.localEarliest('c1')).toBe(now + 3000);
    now += 3000;
    expect(await b.reserve('c1', 'm2')).toEqual({ ok: true });
    const doc = await b.read('c1');
    expect(doc?.inflight.map((f) => f.id)).toEqual(['m2']);
    expect(doc?.done).toEqual([]);
  });

  it('when a request never left the process, then its slot is given back', async () => {
    const store = await EmbeddedStore.open(null);
    const a = new SendWindows(store, { ...LIMITS, perConversation: [{ limit: 1, windowMs: 1000 }] }, wall, 10_000);
    expect(await a.reserve('c1', 'm1')).toEqual({ ok: true });
    await a.finish('c1', 'm1', 'not_sent');
    expect(await a.reserve('c1', 'm2')).toEqual({ ok: true });
    await a.close();
  });
});
